import type { Connection, ConnectionFactory, ConnectOptions } from '@wirekit/core';
import { afterAll, afterEach, beforeAll, describe, it } from 'vitest';
import { within } from './bounded.js';
import { closeCases } from './close-cases.js';
import { CONFORMANCE_FEATURES, type CaseContext, type ConformanceFeature, type ContractCase, type Route, type TargetContext } from './contract-case.js';
import type { ContractServer, ServerKind } from './contract-server.js';
import { faultCases, type FaultContext, type KeepAlive } from './fault-cases.js';
import { startFaultServer, type FaultServer } from './fault-server.js';
import { messagingCases } from './messaging-cases.js';
import { startWirekitContractServer, wirekitServerUnavailable } from './wirekit-contract-server.js';
import { startWsContractServer } from './ws-contract-server.js';

/** A capability a transport documents it lacks, and why. */
export interface ConformanceSkip {
  readonly feature: ConformanceFeature;
  /** Why the transport cannot offer it, e.g. 'browsers cannot set request headers'. Required, shown in the output. */
  readonly reason: string;
}

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
}

const DEFAULT_CASE_MS = 15_000;
const CLEANUP_MS = 5_000;
const OPEN_MS = 5_000;
const SERVER_LABELS: Readonly<Record<ServerKind, string>> = { ws: 'the ws server', wirekit: 'the WireKit server' };

/**
 * Registers the contract suite every WireKit transport runs: one vitest `describe` block with
 * every case, over real loopback sockets, against `ws`, the WireKit server and fault servers.
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
  const servers = options.servers ?? (['ws', 'wirekit'] as const);

  describe(`${name} conforms to the Connection contract`, () => {
    if (skips.size > 0) {
      afterAll(() => {
        const lines = [...skips].map(([feature, reason]) => `  - ${feature}: ${reason}`);
        console.warn(`[conformance] ${name} skips ${skips.size} feature(s):\n${lines.join('\n')}`);
      });
    }
    for (const kind of servers) {
      describe(`against ${SERVER_LABELS[kind]}`, () => registerTarget(kind, factory, skips));
    }
    describe('against faulty peers and networks', () => registerFaults(factory, skips));
  });
}

function validateSkips(list: readonly ConformanceSkip[]): Map<ConformanceFeature, string> {
  const skips = new Map<ConformanceFeature, string>();
  for (const skip of list) {
    if (!(CONFORMANCE_FEATURES as readonly string[]).includes(skip.feature)) {
      throw new Error(`describeConnection: unknown feature "${String(skip.feature)}" in skip; known: ${CONFORMANCE_FEATURES.join(', ')}`);
    }
    if (typeof skip.reason !== 'string' || skip.reason.trim() === '') {
      throw new Error(`describeConnection: skipping "${skip.feature}" needs a reason`);
    }
    skips.set(skip.feature, skip.reason);
  }
  return skips;
}

/** Tracks every connection a case opens and terminates the survivors after it. */
function connectionTracker(factory: ConnectionFactory): { context: CaseContext; cleanup(): Promise<void> } {
  const open = new Set<Connection>();
  return {
    context: {
      factory,
      async connect(url: string, connectOptions?: ConnectOptions) {
        const connection = await factory(url, connectOptions);
        open.add(connection);
        return connection;
      },
    },
    async cleanup() {
      const all = [...open];
      open.clear();
      for (const connection of all) if (connection.state !== 'closed') connection.terminate();
      await within(Promise.all(all.map((connection) => connection.closed)), CLEANUP_MS, 'connections to close after the case');
    },
  };
}

function register<C extends CaseContext>(cases: ReadonlyArray<ContractCase<C>>, skips: ReadonlyMap<ConformanceFeature, string>, context: () => C, unavailable?: (kase: ContractCase<C>) => string | undefined): void {
  for (const kase of cases) {
    const reason = skips.get(kase.feature) ?? unavailable?.(kase);
    if (reason !== undefined) {
      it.skip(`${kase.title} [skipped, ${kase.feature}: ${reason}]`, () => undefined);
      continue;
    }
    it(kase.title, () => kase.run(context()), kase.timeoutMs ?? DEFAULT_CASE_MS);
  }
}

async function startTarget(kind: ServerKind): Promise<ContractServer> {
  switch (kind) {
    case 'ws':
      return startWsContractServer();
    case 'wirekit':
      return startWirekitContractServer();
  }
}

async function registerTarget(kind: ServerKind, factory: ConnectionFactory, skips: ReadonlyMap<ConformanceFeature, string>): Promise<void> {
  const missing = kind === 'wirekit' ? await wirekitServerUnavailable() : undefined;
  if (missing !== undefined) console.warn(`[conformance] ${SERVER_LABELS[kind]} target skipped: ${missing}`);
  let server: ContractServer | undefined;
  const tracker = connectionTracker(factory);
  let counter = 0;
  beforeAll(async () => {
    if (missing === undefined) server = await startTarget(kind);
  });
  afterEach(() => tracker.cleanup());
  afterAll(() => server?.close());
  const context = (): TargetContext => {
    if (server === undefined) throw new Error(`${SERVER_LABELS[kind]} did not start`);
    const target = server;
    const url = (route: Route): string => `${target.url}/${route}/${++counter}`;
    return {
      ...tracker.context,
      server: target,
      url,
      async open(route, connectOptions) {
        const at = url(route);
        const connection = await within(tracker.context.connect(at, connectOptions), OPEN_MS, `the connect to ${at}`);
        return { connection, url: at, peer: () => target.peer(new URL(at).pathname, OPEN_MS) };
      },
    };
  };
  const unavailable = missing === undefined ? undefined : () => `${SERVER_LABELS[kind]} is not available: ${missing}`;
  register([...messagingCases, ...closeCases], skips, context, unavailable);
}

async function loadKeepAlive(): Promise<{ keepAlive: KeepAlive } | { reason: string }> {
  try {
    const core = (await import('@wirekit/core')) as { keepAlive?: unknown };
    if (typeof core.keepAlive === 'function') return { keepAlive: core.keepAlive as KeepAlive };
    return { reason: '@wirekit/core does not export keepAlive' };
  } catch (error) {
    return { reason: `@wirekit/core could not be loaded (${error instanceof Error ? error.message.split('\n')[0] : String(error)})` };
  }
}

async function registerFaults(factory: ConnectionFactory, skips: ReadonlyMap<ConformanceFeature, string>): Promise<void> {
  const loaded = await loadKeepAlive();
  const keepAlive = 'keepAlive' in loaded ? loaded.keepAlive : undefined;
  const tracker = connectionTracker(factory);
  const servers: FaultServer[] = [];
  afterEach(async () => {
    await tracker.cleanup();
    await Promise.all(servers.splice(0).map((server) => server.close()));
  });
  const context = (): FaultContext => ({
    ...tracker.context,
    keepAlive,
    async faultServer(faultOptions) {
      const server = await startFaultServer(faultOptions);
      servers.push(server);
      return server;
    },
  });
  const unavailable = 'reason' in loaded ? (kase: ContractCase<FaultContext>) => (kase.feature === 'keep-alive' ? loaded.reason : undefined) : undefined;
  register(faultCases, skips, context, unavailable);
}
