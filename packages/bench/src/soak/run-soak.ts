import { execFileSync, fork, spawn, type ChildProcess } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildWireKit, sourceModules, type WireKitModules } from './soak-build.js';
import {
  SOAK_DEFAULTS,
  type FromClient,
  type FromServer,
  type MemorySample,
  type SideMemory,
  type SoakOptions,
  type SoakReport,
  type SoakResult,
  type SoakTarget,
  type ToChild,
} from './soak-protocol.js';

const here = dirname(fileURLToPath(import.meta.url));
const packageRoot = join(here, '..', '..');
/** Children run the TypeScript sources as this process does (pnpm soak), with a GC they can force. */
const CHILD_EXEC_ARGV = ['--conditions=source', '--import', 'tsx', '--expose-gc'];
/** File descriptors a process needs beyond one per connection: stdio, IPC, the listener, node internals. */
const FD_HEADROOM = 256;
/** ms a child may take for one step (ramp-up excepted) before the run is declared failed. */
const STEP_TIMEOUT = 60_000;

interface FileLimit {
  readonly soft: number;
  readonly hard: number;
}

/** The open-file limits of this process (children inherit them), read through the shell's `ulimit`. */
export function readFileLimit(): FileLimit {
  try {
    const [soft = '', hard = ''] = execFileSync('/bin/sh', ['-c', 'ulimit -Sn; ulimit -Hn'], { encoding: 'utf8' }).trim().split('\n');
    const parse = (value: string): number => (value.trim() === 'unlimited' ? Number.POSITIVE_INFINITY : Number(value));
    return { soft: parse(soft), hard: parse(hard) };
  } catch {
    return { soft: Number.POSITIVE_INFINITY, hard: Number.POSITIVE_INFINITY };
  }
}

/**
 * Decides how many connections the run can hold: each child needs one descriptor per
 * connection plus headroom. Under the soft limit nothing changes; under the hard limit the
 * children raise their soft limit (`ulimit -n` in a shell that then execs node); above it the
 * run is capped, with a note saying so.
 */
export function planFileLimit(connections: number, limit: FileLimit): { connections: number; raiseTo: number | null; note: string } {
  const needed = connections + FD_HEADROOM;
  if (needed <= limit.soft) return { connections, raiseTo: null, note: `ulimit -n ${limit.soft} is enough for ${connections} connections per process` };
  if (needed <= limit.hard) return { connections, raiseTo: needed, note: `soft ulimit -n ${limit.soft} raised to ${needed} for the children (hard limit ${limit.hard})` };
  const capped = Math.max(0, limit.hard - FD_HEADROOM);
  return { connections: capped, raiseTo: limit.hard, note: `capped at ${capped} connections: the hard ulimit -n is ${limit.hard}; raise it to run ${connections}` };
}

function startChild(file: string, args: readonly string[], raiseTo: number | null): ChildProcess {
  const path = join(here, file);
  const options = { cwd: packageRoot, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] as ['ignore', 'inherit', 'inherit', 'ipc'] };
  if (raiseTo === null) return fork(path, args, { ...options, execArgv: CHILD_EXEC_ARGV });
  // exec keeps the process (and its IPC descriptor) while the new soft limit applies to node.
  return spawn('/bin/sh', ['-c', `ulimit -n ${raiseTo} && exec "$0" "$@"`, process.execPath, ...CHILD_EXEC_ARGV, path, ...args], options);
}

/** Resolves with the child's next message of `type`; rejects if it exits or takes longer than `ms`. */
function expectMessage<M extends { type: string }, T extends M['type']>(child: ChildProcess, type: T, ms = STEP_TIMEOUT): Promise<Extract<M, { type: T }>> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => finish(new Error(`no '${type}' from the child within ${ms} ms`)), ms);
    const onMessage = (message: M): void => {
      if (message.type === type) finish(null, message as Extract<M, { type: T }>);
    };
    const onExit = (code: number | null): void => finish(new Error(`the child exited (${String(code)}) before '${type}'`));
    child.on('message', onMessage);
    child.on('exit', onExit);
    function finish(error: Error | null, message?: Extract<M, { type: T }>): void {
      clearTimeout(timer);
      child.off('message', onMessage);
      child.off('exit', onExit);
      if (error !== null) reject(error);
      else resolve(message!);
    }
  });
}

function tell(child: ChildProcess, message: ToChild): void {
  child.send(message);
}

function side(baseline: MemorySample, loaded: MemorySample, connections: number): SideMemory {
  const per = (delta: number): number => (connections > 0 ? Math.round(delta / connections) : 0);
  return { baseline, loaded, rssPerConnection: per(loaded.rss - baseline.rss), heapPerConnection: per(loaded.heapUsed - baseline.heapUsed) };
}

function exited(child: ChildProcess): Promise<void> {
  return child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : new Promise((resolve) => child.once('exit', () => resolve()));
}

async function soakOne(target: SoakTarget, options: SoakOptions, modules: WireKitModules, raiseTo: number | null): Promise<SoakResult> {
  const server = startChild('soak-server.ts', [target, modules.server], raiseTo);
  let client: ChildProcess | null = null;
  try {
    const listening = await expectMessage<FromServer, 'listening'>(server, 'listening');
    client = startChild('soak-client.ts', [JSON.stringify({ ...options, target, url: listening.url, framedModule: modules.framed })], raiseTo);
    // Ramp-up is bounded by the connect timeout of each connection times the number of rounds.
    await expectMessage<FromClient, 'connected'>(client, 'connected', STEP_TIMEOUT + options.connections * 100);
    const measured = await expectMessage<FromClient, 'measured'>(client, 'measured', options.durationMs + STEP_TIMEOUT);
    const serverMeasured = expectMessage<FromServer, 'measured'>(server, 'measured');
    tell(server, { type: 'measure' });
    const onServer = await serverMeasured;
    const done = expectMessage<FromClient, 'done'>(client, 'done');
    tell(client, { type: 'stop' });
    await done;
    const stopped = expectMessage<FromServer, 'stopped'>(server, 'stopped');
    tell(server, { type: 'stop' });
    await stopped;
    await Promise.all([exited(client), exited(server)]);
    return {
      target,
      durationMs: options.durationMs,
      server: { stats: onServer.stats, memory: side(listening.baseline, onServer.loaded, onServer.stats.held) },
      client: { stats: measured.stats, memory: side(measured.baseline, measured.loaded, measured.stats.held) },
      errors: onServer.stats.errors + measured.stats.errors,
    };
  } finally {
    for (const child of [client, server]) if (child !== null && child.exitCode === null && child.signalCode === null) child.kill();
  }
}

/**
 * Runs the soak for each target in turn: a server child and a client child (so that memory is
 * measured per side), `connections` connections ramped up, messages exchanged for the
 * duration, memory sampled with every connection held, then a clean shutdown.
 */
export async function runSoak(overrides: Partial<SoakOptions> = {}): Promise<SoakReport> {
  const requested: SoakOptions = { ...SOAK_DEFAULTS, ...overrides };
  const limit = readFileLimit();
  const plan = planFileLimit(requested.connections, limit);
  const options: SoakOptions = { ...requested, connections: plan.connections };
  const results: SoakResult[] = [];
  const modules = options.wirekit === 'compiled' && options.targets.includes('wirekit') ? await buildWireKit() : sourceModules;
  try {
    for (const target of options.targets) results.push(await soakOne(target, options, modules, plan.raiseTo));
  } finally {
    modules.dispose();
  }
  return { options, fileLimit: { ...limit, note: plan.note }, results };
}
