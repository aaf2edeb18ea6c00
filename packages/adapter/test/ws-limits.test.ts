import { describe, expect, it } from 'vitest';
import type { Message } from '@wirekit/core';
import { fromWs, type WsSocketLike } from '../src/index.js';

type Handler = (...args: never[]) => void;

/** A ws WebSocket stand-in, open: records pause()/resume(), holds send callbacks, lets a test emit events. */
function fakeWs() {
  const handlers = new Map<string, Handler[]>();
  const calls: string[] = [];
  const sendCallbacks: Array<(error?: Error | null) => void> = [];
  const socket = {
    readyState: 1,
    url: 'ws://test.local/',
    protocol: '',
    extensions: '',
    bufferedAmount: 0,
    send: (_data: string | Uint8Array, _options: { binary: boolean }, callback: (error?: Error | null) => void) => void sendCallbacks.push(callback),
    ping: () => undefined,
    close: () => undefined,
    terminate: () => undefined,
    pause: () => void calls.push('pause'),
    resume: () => void calls.push('resume'),
    on: (event: string, listener: Handler) => void (handlers.get(event) ?? handlers.set(event, []).get(event)!).push(listener),
    addEventListener: () => undefined,
    removeEventListener: () => undefined,
  } as unknown as WsSocketLike;
  const emit = (event: string, ...args: unknown[]): void => {
    for (const handler of handlers.get(event) ?? []) (handler as (...a: unknown[]) => void)(...args);
  };
  return { socket, calls, sendCallbacks, message: (text: string) => emit('message', Buffer.from(text), false) };
}

const turn = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));

describe('WsConnection limits and holding', () => {
  it('pauses ws while input waits for the application, and resumes a microtask after the first message listener', async () => {
    const ws = fakeWs();
    const connection = fromWs(ws.socket);
    expect(ws.calls).toEqual(['pause']);
    connection.on('message', () => undefined);
    await Promise.resolve();
    expect(ws.calls).toEqual(['pause', 'resume']);
  });

  it('resumes on the next macrotask when nobody consumes, and holds the messages for a listener attached later', async () => {
    const ws = fakeWs();
    const connection = fromWs(ws.socket);
    await turn();
    expect(ws.calls).toEqual(['pause', 'resume']);
    ws.message('early 1');
    ws.message('early 2');
    await turn();
    const seen: Message[] = [];
    connection.on('message', (message) => seen.push(message));
    await Promise.resolve();
    expect(seen).toEqual(['early 1', 'early 2']);
  });

  it('pauses ws past receiveHighWaterMark while messages wait for a consumer, and resumes at half', async () => {
    const ws = fakeWs();
    const connection = fromWs(ws.socket, { receiveHighWaterMark: 10 });
    await turn();
    ws.calls.length = 0;
    ws.message('123456');
    expect(ws.calls).toEqual([]);
    ws.message('123456');
    expect(ws.calls).toEqual(['pause']);
    expect(await connection.receive()).toBe('123456');
    expect(ws.calls).toEqual(['pause']); // 6 bytes still wait: more than half of 10
    expect(await connection.receive()).toBe('123456');
    expect(ws.calls).toEqual(['pause', 'resume']);
  });

  it('refuses a send past maxBufferedAmount with WK_ERR_BUFFER_FULL, counting payload bytes, unless nothing is buffered', async () => {
    const ws = fakeWs();
    const connection = fromWs(ws.socket, { maxBufferedAmount: 8 });
    const big = connection.send(new Uint8Array(20));
    await expect(connection.send('x')).rejects.toMatchObject({ code: 'WK_ERR_BUFFER_FULL' });
    ws.sendCallbacks[0]!();
    await big;
    const fits = connection.send('12345678');
    ws.sendCallbacks[1]!();
    await expect(fits).resolves.toBeUndefined();
  });
});
