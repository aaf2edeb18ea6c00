import type { ConnectionFactory } from '@wirekit/core';
import { afterAll, afterEach, beforeAll, describe, it } from 'vitest';
import type { ServerKind } from './contract-server.js';
import type { ContractEnvironment } from './environment.js';
import { localEnvironment } from './local-environment.js';
import { planContract, validateSkips, type ConformanceSkip } from './run-contract.js';

export type { ConformanceSkip } from './run-contract.js';

/** Options of {@link describeConnection}. */
export interface DescribeConnectionOptions {
  /**
   * The servers the well-behaved cases run against. Both by default: `ws` is the independent
   * reference, `wirekit` is @wirekit/server (its target is skipped, with the reason shown, when
   * the package cannot be loaded).
   */
  readonly servers?: readonly ServerKind[];
  /** Documented capability gaps. Each case of a skipped feature is reported as skipped, with the reason. */
  readonly skip?: readonly ConformanceSkip[];
  /** Where the servers run; {@link localEnvironment} by default (`localEnvironment({ http2: true })`: the WireKit target over h2c). */
  readonly environment?: ContractEnvironment;
  /** Whether the fault cases run; default true. */
  readonly faults?: boolean;
}

/**
 * Registers the contract suite every WireKit transport runs: one vitest `describe` block with
 * every case, over real loopback sockets, against `ws`, the WireKit server and fault servers,
 * all in this process. The cases are the ones {@link runContract} runs outside vitest.
 *
 * @param name the transport's name, shown in the output.
 * @param factory the transport's `connect`.
 * @param options target servers and documented skips; see {@link DescribeConnectionOptions}.
 * @throws {Error} at collection time for a skip without a reason or with an unknown feature,
 *   so that a typo never hides a case.
 * @example describeConnection('framed', connect, { skip: [{ feature: 'headers', reason: '…' }] });
 */
export function describeConnection(name: string, factory: ConnectionFactory, options: DescribeConnectionOptions = {}): void {
  const skips = validateSkips(options.skip ?? []);
  describe(`${name} conforms to the Connection contract`, async () => {
    if (skips.size > 0) {
      afterAll(() => {
        const lines = [...skips].map(([feature, reason]) => `  - ${feature}: ${reason}`);
        console.warn(`[conformance] ${name} skips ${skips.size} feature(s):\n${lines.join('\n')}`);
      });
    }
    const environment = options.environment ?? localEnvironment();
    const groups = await planContract(factory, {
      environment,
      skip: options.skip ?? [],
      ...(options.servers === undefined ? {} : { servers: options.servers }),
      ...(options.faults === undefined ? {} : { faults: options.faults }),
    });
    for (const group of groups) {
      if (group.kind !== 'faults') {
        const missing = await environment.targetUnavailable(group.kind);
        if (missing !== undefined) console.warn(`[conformance] ${group.label} skipped: ${missing}`);
      }
      describe(group.label, () => {
        beforeAll(() => group.start());
        afterEach(() => group.afterCase());
        afterAll(() => group.stop());
        for (const kase of group.cases) {
          if (kase.skipReason !== undefined) it.skip(`${kase.title} [skipped, ${kase.feature}: ${kase.skipReason}]`, () => undefined);
          else it(kase.title, () => kase.run(), kase.timeoutMs);
        }
      });
    }
  });
}
