/**
 * One runtime's server column: WireKitServer runs inside the runtime (the server host, in a
 * Node child, Bun or Deno), and the Node clients of this process run against it: the contract
 * suite's WireKit-server cases with every Node transport of the client matrix, then the server
 * cases (deflate, rooms, limits, hostile basics). Writes results/server-<runtime>.json, from
 * which docs/platforms.md's server table is rendered. A host that cannot start fails every
 * test (setupAll), never skips one.
 */
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { connectEnvironment, localEnvironment, planContract, runContract, type ContractEnvironment, type ControlSocketConstructor, type ContractReport, type RemoteEnvironment } from '@wirekit/conformance';
import type { ConnectionFactory } from '@wirekit/core';
import { connectWs } from '@wirekit/adapter';
import { connect as framedConnect } from '@wirekit/framed';
import { connect as socketConnect } from '@wirekit/socket';
import { connect as streamsConnect } from '@wirekit/streams';
import { connect as taskConnect } from '@wirekit/task';
import { setupAll } from '@wirekit/test-support';
import { describe, expect, it } from 'vitest';
import { runBrokerColumn } from './broker-column.js';
import { PLATFORMS_DIR } from './bundle.js';
import { coreNetFactory } from './core-net.js';
import type { PlatformResult, TargetOutcome } from './platform-run.js';
import { problems, summarize, writeResults, type ResultsFile } from './results.js';
import { runJsonRunner } from './runtime-runner.js';
import type { SameRuntimeRun } from './same-runtime-runner.js';
import { runServerCases } from './server-cases.js';
import { startServerHost, type ServerHost, type ServerRuntime } from './server-host-process.js';
import { FETCH_MS, runtimeBinary } from './runtimes.js';
import { TARGETS, type KnownFailure, type PlatformTarget } from './targets.js';

/** ws, from the package that lists it (the adapter's connectWs takes it as options.WebSocket). */
const requireWs = createRequire(join(PLATFORMS_DIR, '..', 'adapter', 'package.json'));
const { WebSocket } = requireWs('ws') as { WebSocket: ControlSocketConstructor & (new (url: string) => unknown) };

/** The Node clients of the client matrix, in this process: each runs the contract suite against the runtime's server. */
const CLIENTS: Readonly<Record<string, ConnectionFactory>> = {
  core: coreNetFactory,
  framed: framedConnect,
  'task-node': taskConnect,
  streams: streamsConnect,
  socket: socketConnect,
  'adapter-ws': (url, options = {}) => connectWs(url, { ...options, WebSocket: WebSocket as never }),
};

/** Server-side gaps per runtime, each with its reason (none known: every case is expected to pass). */
export const SERVER_KNOWN_FAILURES: readonly KnownFailure[] = [];

/** Bound on a runtime's whole server run (host start included). */
export const SERVER_RUN_MS = 180_000;

/** The rows of the server table: one per client target, then the server cases. */
function serverTarget(id: string, pkg: string, label: string, skip: PlatformTarget['skip']): PlatformTarget {
  return { id, package: pkg, label, flavor: 'node', imports: [], factory: '', skip, knownFailures: SERVER_KNOWN_FAILURES };
}

export const SERVER_CASES_TARGET = serverTarget('server-cases', '@wirekit/server', 'WireKitServer: permessage-deflate, rooms and broadcast, 1009 past maxMessageSize, 1002 for an unmasked frame, 408 for a slow handshake, 503 past maxConnections', []);

export const BROKER_TARGET = serverTarget('redis-broker', '@wirekit/redis', 'the broker contract (describeBroker) on RedisBroker over ioredis, run inside the runtime against a redis-server', []);

export const SAME_RUNTIME_TARGET = serverTarget('same-runtime', '@wirekit/framed', 'the contract cases against the WireKit server, with the client (connect) in the same runtime as the server', []);

/** The WireKit contract server in the runtime; the fault servers and the closed port stay in this process. */
function splitEnvironment(remote: RemoteEnvironment): ContractEnvironment {
  const local = localEnvironment();
  return {
    targetUnavailable: (kind) => (kind === 'wirekit' ? remote.targetUnavailable(kind) : Promise.resolve(`the server columns run only the WireKit server in the runtime`)),
    startTarget: (kind) => remote.startTarget(kind),
    startFaultServer: (options) => local.startFaultServer(options),
    closedPortUrl: () => local.closedPortUrl(),
  };
}

/** Only the cases against the WireKit server: the features of its group, and its results. */
async function wirekitOnly(name: string, factory: ConnectionFactory, environment: ContractEnvironment, skip: PlatformTarget['skip']): Promise<ContractReport> {
  const plan = await planContract(factory, { environment, servers: ['wirekit'], skip });
  const features = [...new Set(plan.filter((group) => group.kind === 'wirekit').flatMap((group) => group.cases.map((kase) => kase.feature)))];
  const report = await runContract(name, factory, { environment, servers: ['wirekit'], skip, features });
  const cases = report.cases.filter((kase) => kase.group === 'wirekit');
  const count = (status: string): number => cases.filter((kase) => kase.status === status).length;
  return { name, cases, passed: count('passed'), failed: count('failed'), skipped: count('skipped') };
}

/** Runs the server column of `runtime` and returns its results file (also written to results/server-<runtime>.json). */
export async function runServerColumn(runtime: ServerRuntime): Promise<{ file: ResultsFile; host: ServerHost; diagnostics: string }> {
  const host = await startServerHost(runtime);
  const remote = await connectEnvironment(host.ready.controlUrl, { WebSocket });
  const outcomes: TargetOutcome[] = [];
  const diagnostics: string[] = [];
  try {
    const environment = splitEnvironment(remote);
    for (const client of TARGETS.filter((target) => target.flavor === 'node')) {
      const factory = CLIENTS[client.id];
      if (factory === undefined) throw new Error(`no Node client for the target ${client.id}`);
      const target = serverTarget(`contract-${client.id}`, client.package, `the contract cases against the WireKit server, from ${client.label}`, client.skip);
      const report = await wirekitOnly(`${client.package} → WireKitServer in ${runtime}`, factory, environment, client.skip);
      diagnostics.push(`${runtime} server, ${client.id}: ${report.passed} passed, ${report.failed} failed, ${report.skipped} skipped`);
      outcomes.push({ target, status: 'ran', report, unhandled: [] });
    }
    const cases = await runServerCases(host.ready.servers);
    const count = (status: string): number => cases.filter((kase) => kase.status === status).length;
    outcomes.push({ target: SERVER_CASES_TARGET, status: 'ran', report: { name: SERVER_CASES_TARGET.label, cases, passed: count('passed'), failed: count('failed'), skipped: count('skipped') }, unhandled: [] });
  } finally {
    remote.close();
  }
  outcomes.push(await runJsonRunner(runtime, SAME_RUNTIME_TARGET, { file: 'same-runtime-runner.ts', run: 'runSameRuntime', kind: 'same-runtime', cases: (line) => [...(line as SameRuntimeRun).cases] }));
  outcomes.push(await runBrokerColumn(runtime, BROKER_TARGET));
  const result: PlatformResult = { runtime, version: host.ready.version, outcomes, diagnostics: diagnostics.join('\n') };
  const file = summarize(result);
  writeResults(file, `server-${runtime}`);
  return { file, host, diagnostics: result.diagnostics };
}

/** The vitest suite of one runtime's server column. */
export function describeServerPlatform(runtime: ServerRuntime): void {
  describe(`WireKitServer in ${runtime}`, () => {
    const state = setupAll(async () => {
      if (runtime === 'bun' || runtime === 'deno') await runtimeBinary(runtime);
      const { file, host, diagnostics } = await runServerColumn(runtime);
      const stopped = await host.stop();
      return { file, stopped, diagnostics };
    }, SERVER_RUN_MS + FETCH_MS);

    it('runs every row with no unexpected failure', () => {
      const { file, diagnostics } = state();
      expect(problems(file), diagnostics).toEqual([]);
      expect(file.targets.length).toBe(TARGETS.filter((target) => target.flavor === 'node').length + 3);
      for (const target of file.targets) {
        expect(target.status, target.id).toBe('ran');
        expect(target.passed, target.id).toBeGreaterThan(0);
      }
    });

    it('closes every server and exits 0 when its stdin ends (graceful shutdown in the runtime)', () => {
      const { stopped } = state();
      expect(stopped, stopped.stderr).toMatchObject({ graceful: true, code: 0 });
    });
  });
}
