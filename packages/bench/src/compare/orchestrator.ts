/**
 * Runs the comparison: servers and clients in separate processes, every transport × workload,
 * several repetitions, medians. Each child process is bounded by a timeout and killed by PID.
 */
import { fork, spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { planFileLimit, readFileLimit } from '../soak/run-soak.js';
import { TRANSPORTS, type TransportEntry } from './clients.js';
import { checkPinning, cpuOf, pinnedCommand, type PinMode } from './pinning.js';
import { BROADCAST_MAX, isBroadcast, type Measurement, type WorkloadName } from './workloads.js';

export const WORKLOADS: readonly WorkloadName[] = ['small', 'large', 'text', 'latency', 'handshakes', 'handshakes32', 'idle', 'broadcast1k', 'broadcast10k'];

export interface ComparisonOptions {
  readonly quick: boolean;
  readonly repetitions: number;
  /** Transport names to run; default all. */
  readonly transports?: readonly string[];
  readonly workloads?: readonly WorkloadName[];
  /** Called after each client run: done, total, and what ran. */
  readonly progress?: (done: number, total: number, label: string) => void;
  /** Pins servers and clients to CPUs (see pinning.ts); unpinned by default. */
  readonly pin?: PinMode;
}

/** One cell: the median of the repetitions, or why it could not be measured. */
export type Cell = { readonly ok: true; readonly measurement: Measurement; readonly runs: number } | { readonly ok: false; readonly reason: string };

export interface ComparisonResult {
  readonly transports: readonly string[];
  readonly workloads: readonly WorkloadName[];
  /** cells[transport][workload] */
  readonly cells: Readonly<Record<string, Readonly<Partial<Record<WorkloadName, Cell>>>>>;
  readonly repetitions: number;
  readonly quick: boolean;
  readonly node: string;
  /** How the processes were pinned, or null. */
  readonly pin: PinMode | null;
}

const EXEC_ARGV = ['--conditions=source', '--import', 'tsx', '--expose-gc'];
const here = (file: string): string => fileURLToPath(new URL(file, import.meta.url));

/**
 * Descriptors: the broadcast workload holds BROADCAST_MAX + 1 sockets in each process. Under the
 * soft `ulimit -n` nothing changes; under the hard one the children raise their soft limit; above
 * it that workload fails with the reason (never a silently smaller run).
 */
const FILE_PLAN = planFileLimit(BROADCAST_MAX + 1, readFileLimit());

/** Forks a TypeScript child with IPC, in `env`, on `cpu` when given, with the soft descriptor limit raised when needed. */
function spawnNode(path: string, args: readonly string[], env: NodeJS.ProcessEnv, cpu: number | null): ChildProcess {
  const stdio: ['ignore', 'inherit', 'inherit', 'ipc'] = ['ignore', 'inherit', 'inherit', 'ipc'];
  const [pinner, ...pinArgs] = pinnedCommand(cpu);
  if (FILE_PLAN.raiseTo === null) {
    // taskset execs node in its place, which keeps the IPC descriptor fork set up.
    const execArgv = pinner === undefined ? EXEC_ARGV : [...pinArgs, process.execPath, ...EXEC_ARGV];
    return fork(path, args, { execArgv, env, stdio, ...(pinner === undefined ? {} : { execPath: pinner }) });
  }
  // exec keeps the process (and its IPC descriptor) while the new soft limit applies to node.
  const command = pinner === undefined ? [process.execPath] : [pinner, ...pinArgs, process.execPath];
  return spawn('/bin/sh', ['-c', `ulimit -n ${FILE_PLAN.raiseTo} && exec "$0" "$@"`, ...command, ...EXEC_ARGV, path, ...args], { env, stdio });
}

interface Server {
  readonly child: ChildProcess;
  readonly url: string;
  request(type: 'mark' | 'measure'): Promise<{ heapUsed?: number; rss?: number }>;
  stop(): void;
}

/**
 * The environment of a row's processes: the row's own variables, and never a WS_NO_BUFFER_UTIL
 * inherited from the shell (it would silently turn the ws + bufferutil row into the other one).
 */
export function childEnv(entry: TransportEntry): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, ...entry.env };
  if (entry.env?.WS_NO_BUFFER_UTIL === undefined) delete env.WS_NO_BUFFER_UTIL;
  return env;
}

function startServer(entry: TransportEntry, workload: WorkloadName, pin: PinMode | null): Promise<Server> {
  const kind = entry.server;
  const child = spawnNode(here('./server-process.ts'), [kind, workload], childEnv(entry), cpuOf(pin, 'server'));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill();
      reject(new Error(`${kind} server did not start in 30 s`));
    }, 30_000);
    child.once('error', reject);
    child.once('message', (message: { type: string; port: number }) => {
      clearTimeout(timer);
      resolve({
        child,
        url: `ws://127.0.0.1:${message.port}/`,
        request: (type) =>
          new Promise((done) => {
            child.once('message', (answer: { heapUsed?: number; rss?: number }) => done(answer));
            child.send({ type });
          }),
        stop: () => {
          if (child.exitCode === null) child.kill();
        },
      });
    });
  });
}

function runClient(entry: TransportEntry, workload: WorkloadName, server: Server, quick: boolean, pin: PinMode | null): Promise<Measurement> {
  const timeoutMs = quick ? 60_000 : 300_000;
  const child = spawnNode(here('./client-process.ts'), [entry.name, workload, server.url, quick ? 'quick' : 'full'], childEnv(entry), cpuOf(pin, 'client'));
  return new Promise((resolve, reject) => {
    let serverMemory: { heapUsed?: number; rss?: number } = {};
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`timed out after ${timeoutMs / 1000} s`));
    }, timeoutMs);
    const finish = (outcome: () => void): void => {
      clearTimeout(timer);
      outcome();
    };
    child.on('message', (message: { type: string; measurement?: Measurement; reason?: string }) => {
      if (message.type === 'idle-open') {
        void server.request('measure').then((memory) => {
          serverMemory = memory;
          child.send({ type: 'continue' });
        });
      } else if (message.type === 'result' && message.measurement) {
        const measurement = message.measurement;
        if (workload === 'idle') {
          const count = quick ? 20 : 1_000;
          const extra = { ...measurement.extra, serverHeapKiB: (serverMemory.heapUsed ?? Number.NaN) / count / 1024, serverRssKiB: (serverMemory.rss ?? Number.NaN) / count / 1024 };
          finish(() => resolve({ ...measurement, extra }));
        } else finish(() => resolve(measurement));
      } else if (message.type === 'failed') finish(() => reject(new Error(message.reason ?? 'failed')));
    });
    child.once('exit', (code) => finish(() => reject(new Error(`client exited with ${code}`))));
  });
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

function medianMeasurement(runs: readonly Measurement[]): Measurement {
  const first = runs[0]!;
  const extra: Record<string, number> = {};
  for (const key of Object.keys(first.extra ?? {})) extra[key] = median(runs.map((run) => run.extra?.[key] ?? Number.NaN));
  return { value: median(runs.map((run) => run.value)), unit: first.unit, extra };
}

/** The broadcast workloads measure a server, so they run only in the rows that stand for one. */
function runsIn(entry: TransportEntry, workload: WorkloadName): boolean {
  return !isBroadcast(workload) || entry.broadcasts === true;
}

export async function runComparison(options: ComparisonOptions): Promise<ComparisonResult> {
  const pin = options.pin ?? null;
  checkPinning(pin);
  const entries = TRANSPORTS.filter((entry) => options.transports === undefined || options.transports.includes(entry.name));
  const workloads = options.workloads ?? WORKLOADS;
  const available = new Map<string, string | null>();
  for (const entry of entries) available.set(entry.name, await entry.load().then(() => null, (error: Error) => error.message));

  const runs = new Map<string, Measurement[]>();
  const failures = new Map<string, string>();
  const runnable = entries.filter((entry) => available.get(entry.name) === null);
  const total = runnable.reduce((sum, entry) => sum + workloads.filter((workload) => runsIn(entry, workload)).length, 0) * options.repetitions;
  let done = 0;
  for (let repetition = 0; repetition < options.repetitions; repetition++) {
    // Each repetition starts one row further down, so that no row always runs first or last
    // (the machine's state drifts over a run: caches, frequency, other jobs).
    const order = runnable.map((_, index) => runnable[(index + repetition * 5) % runnable.length]!);
    for (const entry of order) {
      for (const workload of workloads) {
        if (!runsIn(entry, workload)) continue;
        const key = `${entry.name}\u0000${workload}`;
        if (workload === 'broadcast10k' && FILE_PLAN.connections < BROADCAST_MAX + 1) {
          failures.set(key, FILE_PLAN.note);
          done += 1;
          continue;
        }
        const server = await startServer(entry, workload, pin); // fresh per run: memory and handshakes start from zero
        try {
          if (workload === 'idle') await server.request('mark');
          const measurement = await runClient(entry, workload, server, options.quick, pin);
          runs.set(key, [...(runs.get(key) ?? []), measurement]);
        } catch (error) {
          failures.set(key, (error as Error).message);
        } finally {
          server.stop();
        }
        done += 1;
        options.progress?.(done, total, `${entry.name} · ${workload}`);
      }
    }
  }

  const cells: Record<string, Partial<Record<WorkloadName, Cell>>> = {};
  for (const entry of entries) {
    const row: Partial<Record<WorkloadName, Cell>> = {};
    for (const workload of workloads) {
      if (!runsIn(entry, workload)) continue;
      const reason = available.get(entry.name);
      const key = `${entry.name}\u0000${workload}`;
      const measured = runs.get(key) ?? [];
      if (reason) row[workload] = { ok: false, reason };
      else if (failures.has(key)) row[workload] = { ok: false, reason: failures.get(key)! };
      else row[workload] = { ok: true, measurement: medianMeasurement(measured), runs: measured.length };
    }
    cells[entry.name] = row;
  }
  return { transports: entries.map((entry) => entry.name), workloads, cells, repetitions: options.repetitions, quick: options.quick, node: process.version, pin };
}
