/**
 * Starts a throw-away `redis-server` on a free loopback port and stops it by its PID: for the
 * tests (a missing redis-server fails them, never skips; the README's test command installs it)
 * and `pnpm demo --nodes N`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface RedisProcess {
  readonly port: number;
  readonly url: string;
  readonly pid: number;
  /** Kills the process (SIGKILL by default, as a crash) and waits for it to exit. */
  stop(signal?: NodeJS.Signals): Promise<void>;
  /** Starts redis-server again on the same port and directory (its append-only file, if on, is read back). */
  restart(): Promise<void>;
}

const running = new Set<RedisProcess>();

/** A free loopback TCP port (bound, then released). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => (typeof address === 'object' && address !== null ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/**
 * Starts redis-server. `appendOnly` turns on the append-only file with fsync on every write,
 * so that a killed and restarted server keeps every entry it acknowledged.
 */
export async function startRedis(options: { appendOnly?: boolean } = {}): Promise<RedisProcess> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'wirekit-redis-'));
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--dir', dir, '--daemonize', 'no'];
  if (options.appendOnly === true) args.push('--appendonly', 'yes', '--appendfsync', 'always');
  let child = await launch(args);
  const handle: RedisProcess = {
    port,
    url: `redis://127.0.0.1:${String(port)}`,
    get pid() {
      return child.pid!;
    },
    stop: async (signal = 'SIGKILL') => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      process.kill(child.pid!, signal);
      await bounded(exited, 10_000, `redis-server ${String(child.pid)} to exit`);
    },
    restart: async () => {
      child = await launch(args);
    },
  };
  running.add(handle);
  cleanups.set(handle, () => rmSync(dir, { recursive: true, force: true }));
  return handle;
}

const cleanups = new Map<RedisProcess, () => void>();

/** Stops every redis-server this module started (by PID) and removes their directories. */
export async function stopAllRedis(): Promise<void> {
  for (const handle of [...running]) {
    running.delete(handle);
    await handle.stop('SIGKILL');
    cleanups.get(handle)?.();
    cleanups.delete(handle);
  }
}

async function launch(args: string[]): Promise<ChildProcess> {
  const child = spawn('redis-server', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const ready = new Promise<void>((resolve, reject) => {
    let output = '';
    child.once('error', (error) => reject(new Error(`cannot start redis-server (is it installed? apt-get install -y redis-server): ${error.message}`)));
    child.once('exit', (code) => reject(new Error(`redis-server exited (${String(code)}) before it was ready:\n${output}`)));
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8');
      if (output.includes('Ready to accept connections')) resolve();
    });
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  });
  await bounded(ready, 10_000, 'redis-server to be ready');
  return child;
}

function bounded<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`timed out after ${String(ms)} ms waiting for ${what}`)), ms)));
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}
