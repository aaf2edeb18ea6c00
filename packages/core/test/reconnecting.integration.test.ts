import { connect as netConnect, type AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocketServer, type WebSocket } from 'ws';
import { openClientConnection, reconnecting, socketChannel, type ConnectionFactory, type ReconnectAttempt, type ReconnectGiveUp } from '../src/index.js';
import { next, random, sha1 } from './support/pair.js';

/** Core alone over node:net, as a transport's `connect` would be (ws:// only). */
const netFactory: ConnectionFactory = (url, options = {}) => {
  const target = new URL(url);
  const socket = netConnect({ host: target.hostname, port: Number(target.port) });
  return openClientConnection(socketChannel(socket), { ...options, url: target.href, random, sha1 });
};

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A ws echo server on 127.0.0.1; `port` 0 picks one, a given port restarts on it. */
async function echoServer(port = 0, onConnection?: (socket: WebSocket) => void): Promise<{ server: WebSocketServer; port: number; stop: () => Promise<void> }> {
  const server = new WebSocketServer({ host: '127.0.0.1', port });
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  server.on('connection', (socket) => {
    socket.on('message', (data, isBinary) => socket.send(data, { binary: isBinary }));
    onConnection?.(socket);
  });
  let stopped = false;
  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    for (const client of server.clients) client.terminate();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  cleanups.push(stop);
  return { server, port: (server.address() as AddressInfo).port, stop };
}

describe('reconnecting() over node:net against a ws server (loopback)', () => {
  it('survives the server being killed and restarted: retries while refused, then flushes the outbox in order', async () => {
    const first = await echoServer();
    const url = `ws://127.0.0.1:${first.port}/echo`;
    const connection = reconnecting(netFactory, url, { initialDelay: 20, maxDelay: 200, connectTimeout: 2_000 });
    cleanups.push(() => void connection.terminate());
    await next((l) => connection.on('open', () => l(undefined)), 5_000);
    await connection.send('before');
    expect(await connection.receive()).toBe('before');

    const attempts: ReconnectAttempt[] = [];
    connection.on('reconnecting', (attempt) => attempts.push(attempt));
    const refusedOnce = next<ReconnectAttempt>((l) => connection.on('reconnecting', (attempt) => attempt.cause?.kind === 'failed' && l(attempt)), 5_000);
    await first.stop();
    expect(await refusedOnce).toMatchObject({ cause: { kind: 'failed', error: { code: 'WK_ERR_CONNECTION_REFUSED', errno: 'ECONNREFUSED' } } });
    expect(attempts[0]).toMatchObject({ attempt: 1, cause: { kind: 'closed', info: { code: 1006 } } });
    expect(connection.state).toBe('connecting');
    const held = [connection.send('one'), connection.send('two'), connection.send('three')];

    const reconnected = next((l) => connection.on('reconnected', l), 5_000);
    await echoServer(first.port);
    await reconnected;
    await Promise.all(held);
    expect([await connection.receive(), await connection.receive(), await connection.receive()]).toEqual(['one', 'two', 'three']);
    expect(await connection.close(1000)).toMatchObject({ code: 1000, wasClean: true });
  });

  it('reconnects after a 1012 Service Restart and gives up after a 1008 Policy Violation', async () => {
    let connections = 0;
    const { port } = await echoServer(0, (socket) => {
      connections += 1;
      socket.close(connections === 1 ? 1012 : 1008, connections === 1 ? 'restarting' : 'banned');
    });
    const connection = reconnecting(netFactory, `ws://127.0.0.1:${port}/`, { initialDelay: 10, connectTimeout: 2_000 });
    cleanups.push(() => void connection.terminate());
    const giveUp = next<ReconnectGiveUp>((l) => connection.on('give-up', l), 5_000);
    expect(await giveUp).toMatchObject({ reason: 'not-retryable', cause: { kind: 'closed', info: { code: 1008, reason: 'banned' } } });
    expect(connections).toBe(2);
    expect(await connection.closed).toEqual({ code: 1008, reason: 'banned', wasClean: true });
  });
});
