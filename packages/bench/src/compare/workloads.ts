/**
 * The workloads, run inside the client process against a BenchClient. Every loop is bounded in
 * count, and each wait is bounded in time by the orchestrator's timeout on the whole process.
 */
import type { Message } from '@wirekit/core';
import { runBroadcast } from './broadcast-workload.js';
import type { BenchClient, Dialer } from './clients.js';

export type WorkloadName = 'small' | 'large' | 'text' | 'latency' | 'handshakes' | 'handshakes32' | 'idle' | 'broadcast1k' | 'broadcast10k';

/**
 * Connections in flight at once in `handshakes32`: enough for a server to overlap the handshakes of
 * many clients (as on a reconnect storm), few enough that neither process runs out of descriptors.
 */
export const HANDSHAKE_CONCURRENCY = 32;

/** The most subscribers a broadcast workload holds (each process needs a descriptor per connection). */
export const BROADCAST_MAX = 10_000;

/** Whether a workload is one of the broadcast ones (which measure the server's fan-out). */
export function isBroadcast(name: WorkloadName): name is 'broadcast1k' | 'broadcast10k' {
  return name === 'broadcast1k' || name === 'broadcast10k';
}

export interface WorkloadSize {
  /** 64 B messages pipelined. */
  readonly smallCount: number;
  /** 1 MiB binary messages. */
  readonly largeCount: number;
  /** 16 KiB UTF-8 text messages. */
  readonly textCount: number;
  /** Sequential round trips. */
  readonly latencyCount: number;
  /** Sequential connect + close. */
  readonly handshakeCount: number;
  /** Connect + close in all, HANDSHAKE_CONCURRENCY at a time. */
  readonly concurrentHandshakeCount: number;
  /** Idle connections held open. */
  readonly idleCount: number;
  /** The broadcast workloads: single broadcasts timed, and rounds of `window` broadcasts. */
  readonly broadcast: { readonly single: number; readonly rounds: number; readonly window: number; readonly scale: number };
}

export const FULL: WorkloadSize = {
  smallCount: 200_000,
  largeCount: 256,
  textCount: 20_000,
  latencyCount: 5_000,
  handshakeCount: 1_000,
  concurrentHandshakeCount: 2_000,
  idleCount: 1_000,
  broadcast: { single: 11, rounds: 8, window: 8, scale: 1 },
};
/** Quick sizes: a broadcast to 1% of the subscribers (10 and 100). */
export const QUICK: WorkloadSize = {
  smallCount: 2_000,
  largeCount: 4,
  textCount: 200,
  latencyCount: 100,
  handshakeCount: 20,
  concurrentHandshakeCount: 64,
  idleCount: 20,
  broadcast: { single: 3, rounds: 2, window: 4, scale: 0.01 },
};

/** What a workload measured: one headline number and its unit, plus extras. */
export interface Measurement {
  readonly value: number;
  readonly unit: string;
  readonly extra?: Readonly<Record<string, number>>;
}

const MiB = 1024 * 1024;

/** A 16 KiB string of multi-byte UTF-8 (2-, 3- and 4-byte sequences), so validation does real work. */
export function utf8Text(bytes: number): string {
  const unit = 'WireKit ✓ héllo 世界 🚀 ';
  const unitBytes = new TextEncoder().encode(unit).length;
  return unit.repeat(Math.ceil(bytes / unitBytes)).slice(0, bytes);
}

/** Sends `count` copies of `message`, keeping at most `window` unanswered, until all echoes are back. */
function pipeline(client: BenchClient, message: Message, count: number, window: number): Promise<number> {
  return new Promise((resolve, reject) => {
    let sent = 0;
    let received = 0;
    const start = performance.now();
    client.onMessage = () => {
      received += 1;
      if (client.error) return reject(client.error);
      if (received === count) return resolve(performance.now() - start);
      if (sent < count) {
        sent += 1;
        client.send(message);
      }
    };
    while (sent < Math.min(window, count)) {
      sent += 1;
      client.send(message);
    }
  });
}

/** Connect + close `count` times, `concurrency` at a time; resolves with the elapsed ms. */
async function handshakes(dial: Dialer, url: string, count: number, concurrency: number): Promise<number> {
  const start = performance.now();
  let started = 0;
  const worker = async (): Promise<void> => {
    while (started < count) {
      started += 1;
      const client = await dial(url, false);
      await client.close();
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  return performance.now() - start;
}

/**
 * Unmeasured work before each measured throughput or handshake run, as a fraction of it: a cold
 * process's first messages or handshakes are its JIT warming up, not its steady state (a 1 MiB
 * echo costs WireKit 300-500 µs more per message then, ws about 150). Every row gets the same.
 */
const WARM_UP_FRACTION = 0.1;

const warmUp = (count: number): number => Math.ceil(count * WARM_UP_FRACTION);

/** `pipeline` after an unmeasured `warmUp` of the same. */
async function warmPipeline(client: BenchClient, message: Message, count: number, window: number): Promise<number> {
  await pipeline(client, message, warmUp(count), window);
  return pipeline(client, message, count, window);
}

/** `handshakes` after an unmeasured `warmUp` of the same. */
async function warmHandshakes(dial: Dialer, url: string, count: number, concurrency: number): Promise<number> {
  await handshakes(dial, url, warmUp(count), concurrency);
  return handshakes(dial, url, count, concurrency);
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))] ?? Number.NaN;
}

function gc(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

/** Runs one workload; `hooks.idleOpen` lets the orchestrator measure the server while connections are held. */
export async function runWorkload(name: WorkloadName, dial: Dialer, url: string, size: WorkloadSize, hooks: { idleOpen(): Promise<void> }): Promise<Measurement> {
  switch (name) {
    case 'small': {
      const client = await dial(url, false);
      const ms = await warmPipeline(client, new Uint8Array(64).fill(7), size.smallCount, 512);
      await client.close();
      return { value: (size.smallCount / ms) * 1000, unit: 'msg/s' };
    }
    case 'large': {
      const client = await dial(url, false);
      const payload = new Uint8Array(MiB).fill(3);
      const ms = await warmPipeline(client, payload, size.largeCount, 4);
      await client.close();
      return { value: (size.largeCount / ms) * 1000, unit: 'MiB/s' };
    }
    case 'text': {
      const client = await dial(url, true);
      const ms = await warmPipeline(client, utf8Text(16 * 1024), size.textCount, 64);
      await client.close();
      return { value: (size.textCount / ms) * 1000, unit: 'msg/s' };
    }
    case 'latency': {
      const client = await dial(url, false);
      const payload = new Uint8Array(64);
      // Unmeasured round trips first: the tail of a cold client is its JIT warming up, not its
      // steady-state latency (every row gets the same warm-up).
      const warmUp = Math.ceil(size.latencyCount / 5);
      for (let i = 0; i < warmUp; i++) await pipeline(client, payload, 1, 1);
      const samples: number[] = [];
      for (let i = 0; i < size.latencyCount; i++) samples.push(await pipeline(client, payload, 1, 1));
      await client.close();
      samples.sort((a, b) => a - b);
      return { value: percentile(samples, 50) * 1000, unit: 'µs p50', extra: { p99: percentile(samples, 99) * 1000 } };
    }
    case 'handshakes': {
      const ms = await warmHandshakes(dial, url, size.handshakeCount, 1);
      return { value: (size.handshakeCount / ms) * 1000, unit: 'conn/s' };
    }
    case 'handshakes32': {
      const ms = await warmHandshakes(dial, url, size.concurrentHandshakeCount, HANDSHAKE_CONCURRENCY);
      return { value: (size.concurrentHandshakeCount / ms) * 1000, unit: 'conn/s' };
    }
    case 'broadcast1k':
    case 'broadcast10k': {
      const { scale, ...rest } = size.broadcast;
      const subscribers = Math.round((name === 'broadcast1k' ? 1_000 : BROADCAST_MAX) * scale);
      const figures = await runBroadcast(url, { subscribers, ...rest });
      return { value: figures.deliveredPerSecond, unit: 'msg/s delivered', extra: { reachMs: figures.reachMs, subscribers } };
    }
    case 'idle': {
      gc();
      const before = process.memoryUsage();
      const clients: BenchClient[] = [];
      for (let i = 0; i < size.idleCount; i++) clients.push(await dial(url, false));
      gc();
      const after = process.memoryUsage();
      await hooks.idleOpen();
      for (const client of clients) await client.close();
      const perConnection = (key: 'rss' | 'heapUsed'): number => (after[key] - before[key]) / size.idleCount / 1024;
      return { value: perConnection('heapUsed'), unit: 'KiB heap/conn (client)', extra: { clientRssKiB: perConnection('rss') } };
    }
  }
}
