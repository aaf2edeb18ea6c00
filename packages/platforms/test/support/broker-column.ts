/**
 * The @wirekit/redis row of the server columns: the broker contract (describeBroker) run inside
 * the runtime by the bundled broker runner (test/support/broker-runner.ts), on a redis-server
 * this process starts for the run and stops by its PID.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startRedis, type CaseResult } from '@wirekit/conformance';
import { runBounded } from '../../src/index.js';
import { bundleEntry, PLATFORMS_DIR } from './bundle.js';
import type { BrokerRun } from './broker-runner.js';
import { commandFor, type TargetOutcome } from './platform-run.js';
import type { ServerRuntime } from './server-host-process.js';
import type { PlatformTarget } from './targets.js';

/** Bound on the broker runner (7 cases, a few seconds each at most). */
const BROKER_MS = 90_000;

/**
 * Runs the broker contract in `runtime` and returns its outcome: `ran` with one case per
 * contract case, or `no-report` (with the child's output) when the runner printed no results.
 */
export async function runBrokerColumn(runtime: ServerRuntime, target: PlatformTarget): Promise<TargetOutcome> {
  const code = await bundleEntry(
    'node',
    `import { runBrokerContract } from ${JSON.stringify(join(PLATFORMS_DIR, 'test/support/broker-runner.ts'))};\nawait runBrokerContract();`,
    { vitest: join(PLATFORMS_DIR, 'test/support/vitest-shim.ts') },
  );
  const work = mkdtempSync(join(tmpdir(), `wirekit-broker-${runtime}-`));
  // A missing redis-server throws here and fails the run, never skips it.
  const redis = await startRedis();
  try {
    const file = join(work, 'broker-runner.mjs');
    writeFileSync(file, code);
    const { command, args, env } = await commandFor(runtime, file, work);
    const outcome = await runBounded(command, args, { cwd: work, env: { ...env, WIREKIT_REDIS_URL: redis.url }, timeoutMs: BROKER_MS });
    const line = outcome.stdout.split('\n').find((candidate) => candidate.startsWith('{"kind":"broker"'));
    if (line === undefined) {
      const how = outcome.timedOut ? `killed after ${BROKER_MS} ms` : `exited with ${String(outcome.code ?? outcome.signal)}`;
      return { target, status: 'no-report', reason: `the broker runner ${how} without results: ${outcome.stderr.slice(-500)}` };
    }
    const run = JSON.parse(line) as BrokerRun;
    const cases: CaseResult[] = run.results.map((result) => ({ group: 'wirekit', feature: 'broker' as CaseResult['feature'], ...result }));
    const count = (status: string): number => cases.filter((kase) => kase.status === status).length;
    return { target, status: 'ran', report: { name: target.label, cases, passed: count('passed'), failed: count('failed'), skipped: 0 }, unhandled: [] };
  } finally {
    await redis.stop();
    rmSync(work, { recursive: true, force: true });
  }
}
