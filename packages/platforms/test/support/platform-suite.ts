/**
 * One runtime's platform test: runs the contract suite there once (setupAll: a runtime that
 * cannot be fetched or started fails every test, never skips it), writes
 * results/<runtime>.json, then checks each target: it ran with no failure but its known ones
 * and no unhandled rejection, or its package does not export it yet.
 */
import { setupAll } from '@wirekit/test-support';
import { describe, expect, it } from 'vitest';
import { runInRuntime, RUNTIME_FLAVORS, type PlatformResult } from './platform-run.js';
import { problems, summarize, writeResults, type ResultsFile } from './results.js';
import { FETCH_MS, runtimeBinary } from './runtimes.js';
import { TARGETS, type Runtime } from './targets.js';

/** Bound on the whole run of a runtime (bundling, start, every target); each child is also bounded. */
export const RUNTIME_RUN_MS = 200_000;

export function describePlatform(runtime: Runtime): void {
  describe(`the contract suite in ${runtime}`, () => {
    let result: PlatformResult;
    let file: ResultsFile;
    setupAll(async () => {
      // Bun and Deno are fetched on first use (test/support/runtimes.ts), bounded on their own.
      if (runtime === 'bun' || runtime === 'deno') await runtimeBinary(runtime);
      result = await runInRuntime(runtime);
      file = summarize(result);
      writeResults(file);
    }, RUNTIME_RUN_MS + FETCH_MS);

    it('reports every target it bundled, with no unexpected failure and no unhandled rejection', () => {
      expect(problems(file), result.diagnostics).toEqual([]);
      expect(file.targets.filter((target) => target.status === 'ran').length).toBeGreaterThan(0);
    });

    const flavors = RUNTIME_FLAVORS[runtime];
    for (const target of TARGETS.filter((candidate) => flavors.includes(candidate.flavor))) {
      it(`${target.package}: ${target.label}`, () => {
        const outcome = file.targets.find((candidate) => candidate.id === target.id);
        expect(outcome, `no outcome for ${target.id}`).toBeDefined();
        if (outcome?.status === 'unavailable') {
          // Allowed only while the package does not export the entry; any other bundling error fails.
          expect(outcome.reason).toMatch(/No matching export/);
          return;
        }
        expect(outcome?.status, outcome?.reason).toBe('ran');
        expect(outcome!.passed).toBeGreaterThan(0);
        expect(outcome!.failedCases.filter((kase) => kase.known === null), result.diagnostics).toEqual([]);
        expect(outcome!.unhandled).toEqual([]);
      });
    }
  });
}
