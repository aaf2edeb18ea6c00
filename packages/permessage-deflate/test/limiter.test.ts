import { describe, expect, it } from 'vitest';
import { DEFAULT_ZLIB_CONCURRENCY, sharedZlibLimiter, ZlibLimiter } from '../src/index.js';

function deferred(): { promise: Promise<void>; resolve: () => void; reject: (e: Error) => void } {
  let resolve!: () => void;
  let reject!: (e: Error) => void;
  const promise = new Promise<void>((res, rej) => ((resolve = res), (reject = rej)));
  return { promise, resolve, reject };
}

describe('ZlibLimiter', () => {
  it('defaults to 10 concurrent jobs, shared by every connection', () => {
    expect(DEFAULT_ZLIB_CONCURRENCY).toBe(10);
    expect(new ZlibLimiter().concurrency).toBe(10);
    expect(sharedZlibLimiter.concurrency).toBe(DEFAULT_ZLIB_CONCURRENCY);
  });

  it.each([0, -1, 1.5, Number.NaN])('refuses concurrency %s with WK_ERR_INVALID_ARGUMENT', (value) => {
    expect(() => new ZlibLimiter(value)).toThrow(expect.objectContaining({ code: 'WK_ERR_INVALID_ARGUMENT' }));
  });

  it('never runs more than its concurrency, and runs waiting jobs in order', async () => {
    const limiter = new ZlibLimiter(2);
    const gates = Array.from({ length: 5 }, deferred);
    const started: number[] = [];
    let peak = 0;
    const runs = gates.map((gate, i) => limiter.run(async () => {
      started.push(i);
      peak = Math.max(peak, limiter.running);
      await gate.promise;
      return i;
    }));
    await Promise.resolve();
    expect(started).toEqual([0, 1]);
    expect(limiter.pending).toBe(3);
    for (const gate of gates) gate.resolve();
    expect(await Promise.all(runs)).toEqual([0, 1, 2, 3, 4]);
    expect(started).toEqual([0, 1, 2, 3, 4]);
    expect(peak).toBe(2);
    expect(limiter.running).toBe(0);
  });

  it('releases the slot of a job that fails', async () => {
    const limiter = new ZlibLimiter(1);
    await expect(limiter.run(() => Promise.reject(new Error('zlib broke')))).rejects.toThrow('zlib broke');
    await expect(limiter.run(() => Promise.resolve('next'))).resolves.toBe('next');
    expect(limiter.running).toBe(0);
  });
});

describe('ZlibLimiter fairness', () => {
  it('serves waiting jobs round-robin by owner, so one connection\'s backlog does not starve another', async () => {
    const limiter = new ZlibLimiter(1);
    const gate = deferred();
    const order: string[] = [];
    const busy = {};
    const quiet = {};
    const first = limiter.run(() => gate.promise, busy);
    const runs = [
      ...Array.from({ length: 5 }, (_, i) => limiter.run(async () => void order.push(`busy${i}`), busy)),
      limiter.run(async () => void order.push('quiet0'), quiet),
      limiter.run(async () => void order.push('quiet1'), quiet),
    ];
    expect(limiter.pending).toBe(7);
    gate.resolve();
    await Promise.all([first, ...runs]);
    expect(order).toEqual(['busy0', 'quiet0', 'busy1', 'quiet1', 'busy2', 'busy3', 'busy4']);
    expect(limiter.pending).toBe(0);
    expect(limiter.running).toBe(0);
  });
});
