import type { Connection, ConnectionFactory, ConnectOptions } from '@wirekit/core';
import { within } from './bounded.js';
import { closeCases } from './close-cases.js';
import { CONFORMANCE_FEATURES, type CaseContext, type ConformanceFeature, type ContractCase, type Route, type TargetContext } from './contract-case.js';
import type { ContractServer, ServerKind } from './contract-server.js';
import type { ContractEnvironment, EnvironmentFaultServer } from './environment.js';
import { faultCases, type FaultContext, type KeepAlive } from './fault-cases.js';
import { messagingCases } from './messaging-cases.js';
import { violationCases } from './violation-cases.js';
import { usageCases } from './usage-cases.js';

/** A capability a transport documents it lacks, and why. */
export interface ConformanceSkip {
  readonly feature: ConformanceFeature;
  /** Why the transport cannot offer it, e.g. 'browsers cannot set request headers'. Required, shown in the output. */
  readonly reason: string;
}

/** The groups of cases: one per contract server, and the fault cases. */
export type ContractGroupKind = ServerKind | 'faults';

/** One case of a planned run: what it checks, and why it does not run when it does not. */
export interface PlannedCase {
  readonly group: ContractGroupKind;
  readonly feature: ConformanceFeature;
  readonly title: string;
  readonly timeoutMs: number;
  /** Set when the case does not run: a documented skip, a server that cannot start, a feature not selected. */
  readonly skipReason?: string;
  /** Runs the case body (the group must be started). */
  run(): Promise<void>;
}

/** A group of cases sharing servers: started once, cleaned after each case, stopped at the end. */
export interface ContractGroup {
  readonly kind: ContractGroupKind;
  /** 'against the ws server', 'against the WireKit server', 'against faulty peers and networks'. */
  readonly label: string;
  readonly cases: readonly PlannedCase[];
  start(): Promise<void>;
  /** Terminates the connections the last case left open and closes its fault servers. */
  afterCase(): Promise<void>;
  stop(): Promise<void>;
}

/** How a {@link planContract} is made. */
export interface PlanOptions {
  readonly environment: ContractEnvironment;
  /** The contract servers to run against; both by default. */
  readonly servers?: readonly ServerKind[];
  /** Documented capability gaps, checked by {@link validateSkips}. */
  readonly skip?: readonly ConformanceSkip[];
  /** Only these features run; the cases of the others are planned as skipped ('not selected'). All by default. */
  readonly features?: readonly ConformanceFeature[];
  /**
   * core's keepAlive for the keep-alive case; loaded from @wirekit/core when not given. `null`:
   * none, and the keep-alive case is skipped with that reason.
   */
  readonly keepAlive?: KeepAlive | null;
  /** Whether the fault cases run (default true); false for a run that adds one more way to reach the servers, e.g. HTTP/2. */
  readonly faults?: boolean;
}

export const DEFAULT_CASE_MS = 15_000;
const CLEANUP_MS = 5_000;
const OPEN_MS = 5_000;
const SERVER_LABELS: Readonly<Record<ServerKind, string>> = { ws: 'the ws server', wirekit: 'the WireKit server' };
const FAULTS_LABEL = 'against faulty peers and networks';

/**
 * Checks a skip list: every feature known, every reason given, so that a typo never hides a case.
 *
 * @throws {Error} for a skip without a reason or with an unknown feature.
 */
export function validateSkips(list: readonly ConformanceSkip[], caller = 'describeConnection'): Map<ConformanceFeature, string> {
  const skips = new Map<ConformanceFeature, string>();
  for (const skip of list) {
    if (!(CONFORMANCE_FEATURES as readonly string[]).includes(skip.feature)) {
      throw new Error(`${caller}: unknown feature "${String(skip.feature)}" in skip; known: ${CONFORMANCE_FEATURES.join(', ')}`);
    }
    if (typeof skip.reason !== 'string' || skip.reason.trim() === '') {
      throw new Error(`${caller}: skipping "${skip.feature}" needs a reason`);
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

async function loadKeepAlive(): Promise<{ keepAlive: KeepAlive } | { reason: string }> {
  try {
    const core = (await import('@wirekit/core')) as { keepAlive?: unknown };
    if (typeof core.keepAlive === 'function') return { keepAlive: core.keepAlive as KeepAlive };
    return { reason: '@wirekit/core does not export keepAlive' };
  } catch (error) {
    return { reason: `@wirekit/core could not be loaded (${error instanceof Error ? error.message.split('\n')[0] : String(error)})` };
  }
}

function plan<C extends CaseContext>(group: ContractGroupKind, cases: ReadonlyArray<ContractCase<C>>, why: (kase: ContractCase<C>) => string | undefined, context: () => C): PlannedCase[] {
  return cases.map((kase) => {
    const skipReason = why(kase);
    return {
      group,
      feature: kase.feature,
      title: kase.title,
      timeoutMs: kase.timeoutMs ?? DEFAULT_CASE_MS,
      ...(skipReason === undefined ? {} : { skipReason }),
      run: () => kase.run(context()),
    };
  });
}

function targetGroup(kind: ServerKind, factory: ConnectionFactory, environment: ContractEnvironment, skipped: (feature: ConformanceFeature) => string | undefined, missing: string | undefined): ContractGroup {
  let server: ContractServer | undefined;
  const tracker = connectionTracker(factory);
  let counter = 0;
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
  const unavailable = missing === undefined ? undefined : `${SERVER_LABELS[kind]} is not available: ${missing}`;
  const cases = plan(kind, [...messagingCases, ...closeCases, ...usageCases], (kase) => skipped(kase.feature) ?? unavailable, context);
  return {
    kind,
    label: `against ${SERVER_LABELS[kind]}`,
    cases,
    async start() {
      if (missing === undefined && cases.some((kase) => kase.skipReason === undefined)) server = await environment.startTarget(kind);
    },
    afterCase: () => tracker.cleanup(),
    async stop() {
      await server?.close();
      server = undefined;
    },
  };
}

function faultGroup(factory: ConnectionFactory, environment: ContractEnvironment, skipped: (feature: ConformanceFeature) => string | undefined, keepAlive: KeepAlive | undefined, keepAliveMissing: string | undefined): ContractGroup {
  const tracker = connectionTracker(factory);
  const servers: EnvironmentFaultServer[] = [];
  const context = (): FaultContext => ({
    ...tracker.context,
    keepAlive,
    async faultServer(faultOptions) {
      const server = await environment.startFaultServer(faultOptions);
      servers.push(server);
      return server;
    },
    closedPortUrl: () => environment.closedPortUrl(),
  });
  const why = (kase: ContractCase<FaultContext>): string | undefined => skipped(kase.feature) ?? (kase.feature === 'keep-alive' ? keepAliveMissing : undefined);
  return {
    kind: 'faults',
    label: FAULTS_LABEL,
    cases: plan('faults', [...faultCases, ...violationCases], why, context),
    start: () => Promise.resolve(),
    async afterCase() {
      try {
        await tracker.cleanup();
      } finally {
        await Promise.all(servers.splice(0).map((server) => server.close()));
      }
    },
    stop: () => Promise.resolve(),
  };
}

/**
 * Plans the contract suite for `factory`: its groups of cases, each case with the reason it is
 * skipped when it is. Both {@link describeConnection} (as vitest tests) and {@link runContract}
 * (anywhere) run this plan, so each case is written once.
 */
export async function planContract(factory: ConnectionFactory, options: PlanOptions): Promise<ContractGroup[]> {
  const skips = validateSkips(options.skip ?? [], 'planContract');
  const selected = options.features === undefined ? undefined : new Set(options.features);
  const skipped = (feature: ConformanceFeature): string | undefined => skips.get(feature) ?? (selected === undefined || selected.has(feature) ? undefined : 'not selected');
  const environment = options.environment;
  const groups: ContractGroup[] = [];
  for (const kind of options.servers ?? (['ws', 'wirekit'] as const)) {
    groups.push(targetGroup(kind, factory, environment, skipped, await environment.targetUnavailable(kind)));
  }
  if (options.faults === false) return groups;
  const loaded = options.keepAlive === undefined ? await loadKeepAlive() : options.keepAlive === null ? { reason: 'no keepAlive was given' } : { keepAlive: options.keepAlive };
  groups.push(faultGroup(factory, environment, skipped, 'keepAlive' in loaded ? loaded.keepAlive : undefined, 'reason' in loaded ? loaded.reason : undefined));
  return groups;
}

/** The outcome of one case. */
export interface CaseResult {
  readonly group: ContractGroupKind;
  readonly feature: ConformanceFeature;
  readonly title: string;
  readonly status: 'passed' | 'failed' | 'skipped';
  /** Why it was skipped. */
  readonly reason?: string;
  /** Why it failed: the first line of the error. */
  readonly error?: string;
  readonly ms: number;
}

/** What {@link runContract} returns: every case, in order, with totals. */
export interface ContractReport {
  readonly name: string;
  readonly cases: readonly CaseResult[];
  readonly passed: number;
  readonly failed: number;
  readonly skipped: number;
}

/** Options of {@link runContract}: the plan's, and a progress callback. */
export interface RunContractOptions extends PlanOptions {
  /** Called after each case. */
  readonly onCase?: (result: CaseResult) => void;
}

function describeError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const code = (error as { code?: unknown }).code;
  return `${error.name}${typeof code === 'string' ? ` ${code}` : ''}: ${error.message.split('\n')[0] ?? ''}`;
}

function now(): number {
  return typeof performance === 'undefined' ? Date.now() : performance.now();
}

/**
 * Runs the contract suite without a test framework, in any runtime with `fetch`-era globals
 * (Node, browsers, Bun, Deno): every case bounded by its timeout, each case's connections and
 * fault servers cleaned after it, and the outcome returned instead of thrown.
 *
 * @param name the transport's name, carried into the report.
 * @param factory the transport's `connect`.
 * @param options where the servers are ({@link ContractEnvironment}), which servers, skips and features.
 * @throws {Error} for an invalid skip list (see {@link validateSkips}), before anything runs.
 * @example
 * const report = await runContract('task (browser)', connect, { environment: await connectEnvironment(controlUrl), skip });
 */
export async function runContract(name: string, factory: ConnectionFactory, options: RunContractOptions): Promise<ContractReport> {
  const groups = await planContract(factory, options);
  const cases: CaseResult[] = [];
  const record = (result: CaseResult): void => {
    cases.push(result);
    options.onCase?.(result);
  };
  for (const group of groups) {
    let startError: string | undefined;
    try {
      await within(group.start(), OPEN_MS * 2, `${group.label}: the servers to start`);
    } catch (error) {
      startError = `the servers did not start: ${describeError(error)}`;
    }
    for (const kase of group.cases) {
      const base = { group: kase.group, feature: kase.feature, title: kase.title };
      if (kase.skipReason !== undefined) {
        record({ ...base, status: 'skipped', reason: kase.skipReason, ms: 0 });
        continue;
      }
      if (startError !== undefined) {
        record({ ...base, status: 'failed', error: startError, ms: 0 });
        continue;
      }
      const started = now();
      let error: string | undefined;
      try {
        await within(kase.run(), kase.timeoutMs, `the case "${kase.title}"`);
      } catch (caught) {
        error = describeError(caught);
      }
      try {
        await group.afterCase();
      } catch (caught) {
        error ??= `cleanup after the case: ${describeError(caught)}`;
      }
      const ms = Math.round(now() - started);
      record(error === undefined ? { ...base, status: 'passed', ms } : { ...base, status: 'failed', error, ms });
    }
    await group.stop().catch(() => undefined);
  }
  const count = (status: CaseResult['status']): number => cases.filter((result) => result.status === status).length;
  return { name, cases, passed: count('passed'), failed: count('failed'), skipped: count('skipped') };
}
