/**
 * The @wirekit/redis row of the server columns: the broker contract (describeBroker) run inside
 * the runtime by the bundled broker runner (test/support/broker-runner.ts), on a redis-server
 * this process starts for the run and stops by its PID.
 */
import { join } from 'node:path';
import { startRedis, type CaseResult } from '@wirekit/conformance';
import { PLATFORMS_DIR } from './bundle.js';
import type { BrokerRun } from './broker-runner.js';
import type { TargetOutcome } from './platform-run.js';
import { runJsonRunner } from './runtime-runner.js';
import type { ServerRuntime } from './server-host-process.js';
import type { PlatformTarget } from './targets.js';

/** Runs the broker contract in `runtime`: `ran` with one case per contract case, or `no-report` with the runner's output. */
export async function runBrokerColumn(runtime: ServerRuntime, target: PlatformTarget): Promise<TargetOutcome> {
  // A missing redis-server throws here and fails the run, never skips it.
  const redis = await startRedis();
  try {
    return await runJsonRunner(runtime, target, {
      file: 'broker-runner.ts',
      run: 'runBrokerContract',
      kind: 'broker',
      env: { WIREKIT_REDIS_URL: redis.url },
      alias: { vitest: join(PLATFORMS_DIR, 'test/support/vitest-shim.ts') },
      cases: (line) => (line as BrokerRun).results.map((result): CaseResult => ({ group: 'wirekit', feature: 'broker' as CaseResult['feature'], ...result })),
    });
  } finally {
    await redis.stop();
  }
}
