/** toWebStreams over a scripted Connection, no sockets: pulls and sends counted exactly. */
import { WireKitError, type CloseInfo, type Connection, type Message } from '@wirekit/core';
import { describe, expect, it } from 'vitest';
import { toWebStreams } from '../src/index.js';
import { delay } from './support/recorder.js';

/** A Connection whose receive() hands out queued messages and whose send() waits for the test. */
function scripted(): {
  connection: Connection;
  pulls: () => number;
  push(message: Message): void;
  sends: Array<{ message: Message; finish: () => void }>;
  end(info: CloseInfo): void;
} {
  const inbox: Message[] = [];
  const waiting: Array<{ resolve: (message: Message) => void; reject: (error: Error) => void }> = [];
  const sends: Array<{ message: Message; finish: () => void }> = [];
  let pulls = 0;
  let resolveClosed!: (info: CloseInfo) => void;
  const closed = new Promise<CloseInfo>((resolve) => (resolveClosed = resolve));
  let ended: WireKitError | null = null;
  const connection = {
    url: 'ws://scripted/',
    state: 'open',
    protocol: '',
    extensions: '',
    bufferedAmount: 0,
    closed,
    receive(): Promise<Message> {
      pulls += 1;
      const next = inbox.shift();
      if (next !== undefined) return Promise.resolve(next);
      if (ended !== null) return Promise.reject(ended);
      return new Promise<Message>((resolve, reject) => waiting.push({ resolve, reject }));
    },
    send(message: Message): Promise<void> {
      return new Promise<void>((resolve) => sends.push({ message, finish: resolve }));
    },
    close: () => closed,
    on: () => () => undefined,
  } as unknown as Connection;
  return {
    connection,
    pulls: () => pulls,
    push(message) {
      const waiter = waiting.shift();
      if (waiter !== undefined) waiter.resolve(message);
      else inbox.push(message);
    },
    sends,
    end(info) {
      ended = new WireKitError('WK_ERR_CLOSED', 'closed', { closeCode: info.code });
      resolveClosed(info);
      for (const waiter of waiting.splice(0)) waiter.reject(ended);
    },
  };
}

describe('toWebStreams()', () => {
  it('stops pulling once readableHighWaterMark messages wait unread, and pulls one more per read', async () => {
    const script = scripted();
    for (let i = 0; i < 10; i++) script.push(`m${i}`);
    const { readable } = toWebStreams(script.connection, { readableHighWaterMark: 3 });
    await delay(20);
    expect(script.pulls()).toBe(3);
    await delay(20);
    expect(script.pulls()).toBe(3);
    const reader = readable.getReader();
    expect(await reader.read()).toEqual({ done: false, value: 'm0' });
    await delay(10);
    expect(script.pulls()).toBe(4);
    const rest: Message[] = [];
    for (let i = 1; i < 10; i++) rest.push((await reader.read()).value!);
    expect(rest).toEqual(['m1', 'm2', 'm3', 'm4', 'm5', 'm6', 'm7', 'm8', 'm9']);
  });

  it('closes the readable after a clean close and errors it after an abnormal one', async () => {
    const clean = scripted();
    clean.push('last');
    const cleanReader = toWebStreams(clean.connection).readable.getReader();
    expect((await cleanReader.read()).value).toBe('last');
    clean.end({ code: 1000, reason: '', wasClean: true });
    expect(await cleanReader.read()).toEqual({ done: true, value: undefined });

    const dropped = scripted();
    const droppedReader = toWebStreams(dropped.connection).readable.getReader();
    dropped.end({ code: 1006, reason: '', wasClean: false });
    await expect(droppedReader.read()).rejects.toMatchObject({ code: 'WK_ERR_CLOSED', closeCode: 1006 });
  });

  it('keeps one send() in flight and reports backpressure through desiredSize at writableHighWaterMark', async () => {
    const script = scripted();
    const writer = toWebStreams(script.connection, { writableHighWaterMark: 2 }).writable.getWriter();
    const writes = ['a', 'b', 'c', 'd'].map((message) => writer.write(message));
    await delay(10);
    expect(script.sends.map((send) => send.message)).toEqual(['a']);
    expect(writer.desiredSize).toBeLessThanOrEqual(0);
    // Bounded: one send settles per pass, four in all.
    for (let i = 0; i < 4; i++) {
      await delay(5);
      script.sends[i]!.finish();
    }
    await Promise.all(writes);
    expect(script.sends.map((send) => send.message)).toEqual(['a', 'b', 'c', 'd']);
    expect(writer.desiredSize).toBe(2);
  });
});
