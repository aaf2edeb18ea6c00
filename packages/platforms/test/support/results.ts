/**
 * The results file of a runtime's run (packages/platforms/results/<runtime>.json): what ran,
 * what passed, what was skipped and why, what failed and whether the failure is a known one.
 * docs/platforms.md is rendered from these files by scripts/platform-matrix.mjs.
 */
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CaseResult } from '@wirekit/conformance';
import { PLATFORMS_DIR } from './bundle.js';
import type { PlatformResult, TargetOutcome } from './platform-run.js';
import { TARGETS, type Flavor, type Runtime } from './targets.js';

export const RESULTS_DIR = join(PLATFORMS_DIR, 'results');

/** A failed case, with the known reason when it is a known failure. */
export interface FailedCase {
  readonly group: CaseResult['group'];
  /** The contract feature, or a server case's own (test/support/server-cases.ts). */
  readonly feature: CaseResult['feature'] | (string & {});
  readonly title: string;
  readonly error: string;
  /** Why it is expected to fail here, from the target's knownFailures; null when unexpected. */
  readonly known: string | null;
}

/** One target's line in a results file. */
export interface TargetResult {
  readonly id: string;
  readonly package: string;
  readonly label: string;
  readonly flavor: Flavor;
  readonly status: TargetOutcome['status'];
  readonly reason?: string;
  readonly passed: number;
  readonly failed: number;
  readonly skipped: number;
  /** Skipped features, each once, with its reason. */
  readonly skippedFeatures: ReadonlyArray<{ readonly feature: string; readonly reason: string }>;
  readonly failedCases: readonly FailedCase[];
  /** Known failures of this runtime whose cases all ran and passed: the list in targets.ts is stale. */
  readonly staleKnownFailures: readonly string[];
  readonly unhandled: readonly string[];
}

/** A results file. */
export interface ResultsFile {
  readonly runtime: Runtime;
  readonly version: string;
  readonly targets: readonly TargetResult[];
}

/** An error message without what changes from run to run (ephemeral ports), so results files diff cleanly. */
function stable(message: string): string {
  return message.replace(/(127\.0\.0\.1|localhost|\[::1\]):\d+/g, '$1:<port>');
}

function knownReason(outcome: TargetOutcome, runtime: Runtime, feature: string): string | null {
  return outcome.target.knownFailures?.find((known) => known.runtime === runtime && known.feature === feature)?.reason ?? null;
}

/** The results of a run, in matrix order. */
export function summarize(result: PlatformResult): ResultsFile {
  const order = (id: string): number => TARGETS.findIndex((target) => target.id === id);
  const targets = [...result.outcomes].sort((a, b) => order(a.target.id) - order(b.target.id)).map((outcome): TargetResult => {
    const cases = outcome.report?.cases ?? [];
    const skippedFeatures = new Map<string, string>();
    for (const kase of cases) if (kase.status === 'skipped') skippedFeatures.set(kase.feature, kase.reason ?? '');
    return {
      id: outcome.target.id,
      package: outcome.target.package,
      label: outcome.target.label,
      flavor: outcome.target.flavor,
      status: outcome.status,
      ...(outcome.reason === undefined ? {} : { reason: stable(outcome.reason) }),
      passed: outcome.report?.passed ?? 0,
      failed: outcome.report?.failed ?? 0,
      skipped: outcome.report?.skipped ?? 0,
      skippedFeatures: [...skippedFeatures].map(([feature, reason]) => ({ feature, reason })),
      failedCases: cases.filter((kase) => kase.status === 'failed').map((kase) => ({
        group: kase.group,
        feature: kase.feature,
        title: kase.title,
        error: stable(kase.error ?? ''),
        known: knownReason(outcome, result.runtime, kase.feature),
      })),
      staleKnownFailures: (outcome.target.knownFailures ?? [])
        .filter((known) => known.runtime === result.runtime)
        .map((known) => known.feature)
        .filter((feature) => {
          const ofFeature = cases.filter((kase) => kase.feature === feature);
          return ofFeature.length > 0 && ofFeature.every((kase) => kase.status === 'passed');
        }),
      unhandled: (outcome.unhandled ?? []).map(stable),
    };
  });
  return { runtime: result.runtime, version: result.version, targets };
}

/** Writes results/<name>.json (the runtime's name by default) atomically (a reader sees the old file or the new one). */
export function writeResults(file: ResultsFile, name: string = file.runtime): string {
  mkdirSync(RESULTS_DIR, { recursive: true });
  const path = join(RESULTS_DIR, `${name}.json`);
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(file, null, 2)}\n`);
  renameSync(temporary, path);
  return path;
}

/** What a test fails on: runs that did not report, unexpected failures, unhandled rejections. */
export function problems(file: ResultsFile): string[] {
  const found: string[] = [];
  for (const target of file.targets) {
    if (target.status === 'no-report') found.push(`${file.runtime} ${target.id}: no report (${target.reason ?? ''})`);
    for (const kase of target.failedCases) {
      if (kase.known === null) found.push(`${file.runtime} ${target.id} [${kase.group}] ${kase.title}: ${kase.error}`);
    }
    for (const reason of target.unhandled) found.push(`${file.runtime} ${target.id}: unhandled rejection ${reason}`);
  }
  return found;
}
