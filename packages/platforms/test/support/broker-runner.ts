/**
 * The broker contract of @wirekit/redis inside the runtime under test (a Node child, Bun or
 * Deno, with ioredis on their node:net): bundled with `vitest` replaced by test/support/vitest-shim.ts,
 * it runs `describeBroker` against RedisBroker nodes on the redis-server at WIREKIT_REDIS_URL
 * (started and stopped by PID in the Node parent) and prints the results as one JSON line.
 */
import { describeBroker } from '@wirekit/conformance';
import { RedisBroker } from '@wirekit/redis';
import { runCollected, type ShimCaseResult } from './vitest-shim.js';

/** The line the runner prints. */
export interface BrokerRun {
  readonly kind: 'broker';
  readonly results: readonly ShimCaseResult[];
}

/** Runs the broker contract on the Redis at WIREKIT_REDIS_URL, prints {@link BrokerRun}, and exits. */
export async function runBrokerContract(): Promise<void> {
  const url = process.env.WIREKIT_REDIS_URL;
  if (url === undefined) throw new Error('the broker runner needs WIREKIT_REDIS_URL');
  // As packages/redis/test/redis-broker.integration.test.ts runs it in Node.
  describeBroker('RedisBroker (nodes on one redis-server)', (nodes, { maxLen }) => {
    const brokers = Array.from({ length: nodes }, () => new RedisBroker({ url, maxLen, trim: 'exact', heartbeatInterval: 200 }));
    return Promise.resolve({ brokers, close: async () => void (await Promise.all(brokers.map((broker) => broker.close()))) });
  });
  const run: BrokerRun = { kind: 'broker', results: await runCollected() };
  process.stdout.write(`${JSON.stringify(run)}\n`);
  process.exit(0);
}
