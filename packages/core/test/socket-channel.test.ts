import { EventEmitter } from 'node:events';
import { beforeEach, describe, expect, it } from 'vitest';
import { socketChannel, type ByteChannelHandlers, type DuplexSocketLike } from '../src/index.js';
import { tick } from './support/pair.js';

/** A stand-in for net.Socket that records writes and lets the test fire its events. */
class FakeSocket extends EventEmitter {
  writes: Uint8Array[] = [];
  corks = 0;
  uncorks = 0;
  writableLength = 0;
  destroyed = false;
  writableEnded = false;
  callbacks: Array<(error?: Error | null) => void> = [];
  write(chunk: Uint8Array, callback?: (error?: Error | null) => void): boolean {
    this.writes.push(chunk);
    if (callback !== undefined) this.callbacks.push(callback);
    return true;
  }
  cork(): void {
    this.corks++;
  }
  uncork(): void {
    this.uncorks++;
  }
  end(): void {
    this.writableEnded = true;
  }
  destroy(): void {
    this.destroyed = true;
  }
  pause(): void {}
  resume(): void {}
}

const noop: ByteChannelHandlers = { data: () => undefined, end: () => undefined, error: () => undefined, close: () => undefined, drain: () => undefined };

describe('socketChannel()', () => {
  // Which write is a turn's first is module state: start every test in a turn of its own.
  beforeEach(() => new Promise<void>((resolve) => setImmediate(resolve)));

  it('writes a batch corked and reports completion through the last chunk’s callback', () => {
    const socket = new FakeSocket();
    const channel = socketChannel(socket as unknown as DuplexSocketLike);
    const done: Array<Error | undefined> = [];
    channel.write([Uint8Array.of(1), Uint8Array.of(2)], (error) => done.push(error));
    expect(socket.writes).toEqual([Uint8Array.of(1), Uint8Array.of(2)]);
    expect(socket.corks).toBe(1);
    expect(socket.callbacks).toHaveLength(1);
    socket.callbacks[0]!(null);
    expect(done).toEqual([undefined]);
  });

  it('writes the first one-chunk write of a turn straight to the socket, and corks from the second one to the end of the turn', async () => {
    const socket = new FakeSocket();
    const channel = socketChannel(socket as unknown as DuplexSocketLike);
    const corksAtWrite: number[] = [];
    const write = socket.write.bind(socket);
    socket.write = (chunk, callback) => (corksAtWrite.push(socket.corks - socket.uncorks), write(chunk, callback));
    for (let i = 0; i < 5; i++) channel.write([Uint8Array.of(i)], () => undefined);
    expect(corksAtWrite).toEqual([0, 1, 1, 1, 1]);
    expect([socket.corks, socket.uncorks]).toEqual([1, 0]);
    await new Promise((resolve) => process.nextTick(resolve));
    expect([socket.corks, socket.uncorks]).toEqual([1, 1]);
    // A new turn: its first write goes straight again, its second corks.
    channel.write([Uint8Array.of(9)], () => undefined);
    expect([socket.corks, socket.uncorks]).toEqual([1, 1]);
    channel.write([Uint8Array.of(10)], () => undefined);
    expect([socket.corks, socket.uncorks]).toEqual([2, 1]);
    channel.end();
    expect(socket.uncorks).toBe(2); // end() hands the corked bytes over before ending
    expect(socket.writableEnded).toBe(true);
  });

  it('writes straight only the first write of a turn across channels: a broadcast corks every other socket until the end of the turn', async () => {
    const sockets = [new FakeSocket(), new FakeSocket(), new FakeSocket()];
    const channels = sockets.map((socket) => socketChannel(socket as unknown as DuplexSocketLike));
    const corkedAtWrite = sockets.map(() => [] as boolean[]);
    sockets.forEach((socket, index) => {
      const write = socket.write.bind(socket);
      socket.write = (chunk, callback) => (corkedAtWrite[index]!.push(socket.corks > socket.uncorks), write(chunk, callback));
    });
    for (let round = 0; round < 2; round++) for (const channel of channels) channel.write([Uint8Array.of(round)], () => undefined);
    expect(corkedAtWrite).toEqual([
      [false, true],
      [true, true],
      [true, true],
    ]);
    expect(sockets.map((socket) => socket.corks)).toEqual([1, 1, 1]);
    expect(sockets.map((socket) => socket.writes.length)).toEqual([2, 2, 2]);
    await new Promise((resolve) => process.nextTick(resolve));
    expect(sockets.map((socket) => socket.uncorks)).toEqual([1, 1, 1]);
  });

  it('corks a lone write of several chunks, so a header and its payload leave in one batch', async () => {
    const socket = new FakeSocket();
    const channel = socketChannel(socket as unknown as DuplexSocketLike);
    channel.write([Uint8Array.of(1), Uint8Array.of(2)], () => undefined);
    expect([socket.corks, socket.uncorks]).toEqual([1, 0]);
    await new Promise((resolve) => process.nextTick(resolve));
    expect([socket.corks, socket.uncorks]).toEqual([1, 1]);
  });

  it('passes a lone write’s completion on, null as success', () => {
    const socket = new FakeSocket();
    const channel = socketChannel(socket as unknown as DuplexSocketLike);
    const done: Array<Error | undefined> = [];
    channel.write([Uint8Array.of(1)], (error) => done.push(error));
    expect(socket.callbacks).toHaveLength(1);
    socket.callbacks[0]!(null);
    const failure = new Error('EPIPE');
    channel.write([Uint8Array.of(2)], (error) => done.push(error));
    socket.callbacks[1]!(failure);
    expect(done).toEqual([undefined, failure]);
  });

  it.each(['writableEnded', 'destroyed'] as const)('end() leaves a socket already %s alone (Node would build an error object for nobody)', (flag) => {
    const socket = new FakeSocket();
    let ends = 0;
    socket.end = () => {
      ends++;
      socket.writableEnded = true;
    };
    const channel = socketChannel(socket as unknown as DuplexSocketLike);
    channel.bind(noop);
    socket[flag] = true;
    channel.end();
    expect(ends).toBe(0);
  });

  it('fails a write after end through its callback, without writing', async () => {
    const socket = new FakeSocket();
    const channel = socketChannel(socket as unknown as DuplexSocketLike);
    channel.end();
    const done: Array<Error | undefined> = [];
    expect(channel.write([Uint8Array.of(1)], (error) => done.push(error))).toBe(false);
    await tick();
    expect(done[0]).toBeInstanceOf(Error);
    expect(socket.writes).toEqual([]);
  });

  it('delivers Buffers as plain Uint8Array views and forwards the other events', () => {
    const socket = new FakeSocket();
    const channel = socketChannel(socket as unknown as DuplexSocketLike);
    const seen: string[] = [];
    let chunk: Uint8Array | null = null;
    channel.bind({ data: (c) => (chunk = c), end: () => seen.push('end'), error: (e) => seen.push(e.message), close: () => seen.push('close'), drain: () => seen.push('drain') });
    socket.emit('data', Buffer.from([1, 2]));
    socket.emit('drain');
    socket.emit('end');
    socket.emit('error', new Error('boom'));
    socket.emit('close');
    expect(chunk!.constructor).toBe(Uint8Array);
    expect(chunk).toEqual(Uint8Array.of(1, 2));
    expect(seen).toEqual(['drain', 'end', 'boom', 'close']);
  });

  it('sends events to the latest handlers when bound again, and keeps an error listener after close', () => {
    const socket = new FakeSocket();
    const channel = socketChannel(socket as unknown as DuplexSocketLike);
    const seen: string[] = [];
    channel.bind({ ...noop, data: () => seen.push('first') });
    channel.bind({ ...noop, data: () => seen.push('second') });
    socket.emit('data', Uint8Array.of(1));
    expect(seen).toEqual(['second']);
    expect(socket.listenerCount('data')).toBe(1);
    socket.emit('close');
    expect(socket.listenerCount('data')).toBe(0);
    expect(socket.listenerCount('error')).toBeGreaterThan(0);
    expect(() => socket.emit('error', new Error('late'))).not.toThrow();
  });
});
