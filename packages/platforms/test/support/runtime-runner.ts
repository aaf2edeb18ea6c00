/**
 * Runs a bundled runner in a runtime (a Node child, Bun or Deno) and reads the one JSON line it
 * prints: the broker contract and the same-runtime contract run this way. Bounded by time; a
 * runner that prints no line is a `no-report` outcome carrying its output.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CaseResult } from '@wirekit/conformance';
import { runBounded } from '../../src/index.js';
import { bundleEntry, PLATFORMS_DIR } from './bundle.js';
import { commandFor, type TargetOutcome } from './platform-run.js';
import type { ServerRuntime } from './server-host-process.js';
import type { PlatformTarget } from './targets.js';

/** Bound on a runner (7 broker cases or 34 contract cases, a few seconds each at most). */
const RUNNER_MS = 90_000;

/** A runner: the test-support file, its exported function, and what it needs. */
export interface JsonRunner {
  /** File under test/support/, e.g. `broker-runner.ts`. */
  readonly file: string;
  /** The exported function that runs and prints the line. */
  readonly run: string;
  /** The `kind` of the line it prints. */
  readonly kind: string;
  readonly env?: Readonly<Record<string, string>>;
  readonly alias?: Record<string, string>;
  /** The cases of the printed line. */
  cases(line: unknown): CaseResult[];
}

/** Runs `runner` in `runtime` and returns the outcome of `target`. */
export async function runJsonRunner(runtime: ServerRuntime, target: PlatformTarget, runner: JsonRunner): Promise<TargetOutcome> {
  const code = await bundleEntry('node', `import { ${runner.run} } from ${JSON.stringify(join(PLATFORMS_DIR, 'test/support', runner.file))};\nawait ${runner.run}();`, runner.alias);
  const work = mkdtempSync(join(tmpdir(), `wirekit-runner-${runtime}-`));
  try {
    const file = join(work, 'runner.mjs');
    writeFileSync(file, code);
    const { command, args, env } = await commandFor(runtime, file, work);
    const outcome = await runBounded(command, args, { cwd: work, env: { ...env, ...runner.env }, timeoutMs: RUNNER_MS });
    const line = outcome.stdout.split('\n').find((candidate) => candidate.startsWith(`{"kind":${JSON.stringify(runner.kind)}`));
    if (line === undefined) {
      const how = outcome.timedOut ? `killed after ${RUNNER_MS} ms` : `exited with ${String(outcome.code ?? outcome.signal)}`;
      return { target, status: 'no-report', reason: `${runner.file} ${how} without results: ${outcome.stderr.slice(-500)}` };
    }
    const cases = runner.cases(JSON.parse(line));
    const count = (status: string): number => cases.filter((kase) => kase.status === status).length;
    return { target, status: 'ran', report: { name: target.label, cases, passed: count('passed'), failed: count('failed'), skipped: count('skipped') }, unhandled: [] };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
