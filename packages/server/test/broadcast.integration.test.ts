import { connect, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { Connection } from '@wirekit/core';
import { broadcast, type BroadcastResult } from '../src/index.js';
import { collect, openClient, upgradeRequest, within } from './support/harness.js';
import { arrivals, startServer } from './support/servers.js';

const sockets: Socket[] = [];
afterEach(() => {
  for (const socket of sockets.splice(0)) socket.destroy();
});

/** A subscriber that completes the handshake and then never reads: its buffers fill up. */
async function stalledSubscriber(port: number): Promise<Socket> {
  const socket = connect({ host: '127.0.0.1', port });
  sockets.push(socket);
  await within(5_000, new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.once('connect', () => socket.write(upgradeRequest('/')));
    socket.once('data', () => {
      socket.pause();
      resolve();
    });
  }), 'the stalled subscriber to open');
  return socket;
}

const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('broadcast() over loopback', () => {
  it('reports a subscriber that does not read as WK_ERR_BUFFER_FULL once maxBufferedAmount is reached, and keeps delivering to the others', async () => {
    const LIMIT = 256 * 1024;
    const { server, port, url } = await startServer({ maxBufferedAmount: LIMIT });
    const connections = arrivals(server);
    await stalledSubscriber(port);
    const stalled = await connections.next();
    const reader = await openClient(url);
    const readerConnection = await connections.next();
    const inbox = collect(reader);
    const message = new Uint8Array(64 * 1024).fill(7);
    const pending: Promise<BroadcastResult>[] = [];
    let refused: BroadcastResult | null = null;
    let highest = 0;
    // Bounded: 400 × 64 KiB is far more than loopback's socket buffers hold.
    for (let round = 0; round < 400 && refused === null; round++) {
      const result = broadcast([stalled, readerConnection], message);
      pending.push(result);
      void result.then((outcome) => {
        if (outcome.failed.length > 0) refused ??= outcome;
      });
      highest = Math.max(highest, stalled.bufferedAmount);
      await turn();
    }
    expect(refused).not.toBeNull();
    expect(refused!.sent).toBe(1);
    expect(refused!.failed.map(({ connection, error }) => [connection, error.code])).toEqual([[stalled, 'WK_ERR_BUFFER_FULL']]);
    // The stalled subscriber's backlog stays within the limit (plus the one message that may pass it, as send() allows).
    expect(highest).toBeLessThanOrEqual(LIMIT + message.length);
    expect(stalled.state).toBe('open');
    // The reader got every broadcast; the stalled one's sends in flight fail when it ends, none hangs.
    await within(10_000, inbox.next(pending.length), 'the reader to get every broadcast');
    stalled.terminate();
    const outcomes = await within(5_000, Promise.all(pending), 'every broadcast to settle');
    for (const outcome of outcomes) expect(outcome.failed.every(({ connection }) => connection === stalled)).toBe(true);
    // Refused means sends were still in flight to it: those fail now that it has ended.
    expect(outcomes.some((outcome) => outcome.failed.some(({ error }) => error.code !== 'WK_ERR_BUFFER_FULL'))).toBe(true);
  });

  it('lists failures in the order of the recipients, whatever order they settle in', async () => {
    const { server, url } = await startServer();
    const connections = arrivals(server);
    await openClient(url);
    const first = await connections.next();
    await openClient(url);
    const second = await connections.next();
    // Connections that only send (all a broadcast calls on a connection that is not an EngineConnection).
    const late = { send: () => new Promise((_, reject) => setTimeout(() => reject(new Error('late')), 20)) } as unknown as Connection;
    const early = { send: () => Promise.reject(new Error('early')) } as unknown as Connection;
    const result = await within(5_000, broadcast([late, first, early, second], 'x'), 'the broadcast');
    expect(result.sent).toBe(2);
    expect(result.failed.map(({ connection }) => connection)).toEqual([late, early]);
  });
});
