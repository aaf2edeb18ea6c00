import { describe, expect, it } from 'vitest';
import { memoryChannelPair, type ByteChannelHandlers, type MemoryChannel } from '../src/index.js';
import { tick } from './support/pair.js';

function record(channel: MemoryChannel): { events: string[]; data: number[]; handlers: ByteChannelHandlers } {
  const events: string[] = [];
  const data: number[] = [];
  const handlers: ByteChannelHandlers = {
    data: (chunk) => data.push(...chunk),
    end: () => events.push('end'),
    error: (error) => events.push(`error ${(error as Error & { code?: string }).code ?? error.message}`),
    close: () => events.push('close'),
    drain: () => events.push('drain'),
  };
  channel.bind(handlers);
  return { events, data, handlers };
}

describe('memoryChannelPair()', () => {
  it('delivers writes in order, asynchronously, and calls done after delivery', async () => {
    const [a, b] = memoryChannelPair();
    const peer = record(b);
    let done = false;
    a.write([Uint8Array.of(1), Uint8Array.of(2)], () => (done = true));
    a.write([Uint8Array.of(3)], () => undefined);
    expect(peer.data).toEqual([]);
    expect(a.bufferedAmount).toBe(3);
    await tick();
    expect(peer.data).toEqual([1, 2, 3]);
    expect(done).toBe(true);
    expect(a.bufferedAmount).toBe(0);
  });

  it('holds events until bind()', async () => {
    const [a, b] = memoryChannelPair();
    a.write([Uint8Array.of(7)], () => undefined);
    await tick();
    const peer = record(b);
    await tick();
    expect(peer.data).toEqual([7]);
  });

  it('ends both sides after end(), as a socket without half-open', async () => {
    const [a, b] = memoryChannelPair();
    const left = record(a);
    const right = record(b);
    a.end();
    await tick();
    expect(right.events).toEqual(['end', 'close']);
    expect(left.events).toEqual(['end', 'close']);
  });

  it('returns false over the high-water mark and emits drain once delivered', async () => {
    const [a, b] = memoryChannelPair({ highWaterMark: 4 });
    const left = record(a);
    record(b);
    expect(a.write([new Uint8Array(5)], () => undefined)).toBe(false);
    await tick();
    expect(left.events).toEqual(['drain']);
  });

  it('stops delivering data while paused', async () => {
    const [a, b] = memoryChannelPair();
    const peer = record(b);
    b.pause();
    a.write([Uint8Array.of(1)], () => undefined);
    await tick();
    expect(peer.data).toEqual([]);
    b.resume();
    await tick();
    expect(peer.data).toEqual([1]);
  });

  it('fails pending and later writes after destroy(), and the peer sees a FIN', async () => {
    const [a, b] = memoryChannelPair();
    const left = record(a);
    const right = record(b);
    const errors: Array<Error | undefined> = [];
    a.write([Uint8Array.of(1)], (error) => errors.push(error));
    a.destroy(new Error('boom'));
    a.write([Uint8Array.of(2)], (error) => errors.push(error));
    await tick();
    expect(errors.every((error) => error instanceof Error)).toBe(true);
    expect(left.events).toEqual(['error boom', 'close']);
    expect(right.events).toEqual(['end', 'close']);
  });

  it('reports ECONNRESET on both ends after reset()', async () => {
    const [a, b] = memoryChannelPair();
    const left = record(a);
    const right = record(b);
    a.reset();
    await tick();
    expect(left.events).toEqual(['error ECONNRESET', 'close']);
    expect(right.events).toEqual(['error ECONNRESET', 'close']);
  });
});
