/**
 * Transport faults on real loopback sockets, each ending in its documented state and error with
 * no hang and no unhandled rejection: the peer resets the connection (RST) during traffic, the
 * peer half-closes (FIN without a Close frame), the peer dies in the middle of a frame.
 * The server is a bare node:net socket that answers the upgrade by hand, so the test controls
 * every byte and how the TCP connection ends. (TLS, DNS, refused and connect-timeout failures are
 * in tls.integration.test.ts and the contract suite; a server restart during traffic is in
 * core's reconnecting.integration.test.ts.)
 */
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { WireKitError, type Connection } from '@wirekit/core';
import { computeAcceptKey } from '@wirekit/protocol';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { connect } from '../src/index.js';
import { within } from './support/harness.js';

const sha1 = (data: Uint8Array): Uint8Array => createHash('sha1').update(data).digest();

interface RawServer {
  readonly url: string;
  /** Resolves with the server side of the next upgraded connection. */
  next(): Promise<Socket>;
  close(): Promise<void>;
}

/** Answers each upgrade request with a 101 computed from its key, then hands the socket over. */
async function rawWebSocketServer(): Promise<RawServer> {
  const waiting: Array<(socket: Socket) => void> = [];
  const ready: Socket[] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => undefined);
    let head = '';
    const onData = (chunk: Buffer): void => {
      head += chunk.toString('latin1');
      if (!head.includes('\r\n\r\n')) return;
      socket.off('data', onData);
      const key = /^sec-websocket-key:\s*(\S+)\s*$/im.exec(head)?.[1] ?? '';
      socket.write(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${computeAcceptKey(key, sha1)}\r\n\r\n`);
      const taker = waiting.shift();
      if (taker) taker(socket);
      else ready.push(socket);
    };
    socket.on('data', onData);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    url: `ws://127.0.0.1:${port}/`,
    next: () => {
      const socket = ready.shift();
      return socket ? Promise.resolve(socket) : new Promise((resolve) => waiting.push(resolve));
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** Settles a promise into what it gave, so a test can assert on rejections without racing. */
async function settle<T>(promise: Promise<T>): Promise<{ value?: T; error?: unknown }> {
  return promise.then(
    (value) => ({ value }),
    (error: unknown) => ({ error }),
  );
}

const codeOf = (error: unknown): string => (error instanceof WireKitError ? error.code : `not a WireKitError: ${String(error)}`);

describe('transport faults (framed connect over node:net)', () => {
  let server: RawServer;
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown): void => {
    unhandled.push(reason);
  };

  beforeEach(async () => {
    unhandled.length = 0;
    process.on('unhandledRejection', onUnhandled);
    server = await rawWebSocketServer();
  });

  afterEach(async () => {
    // Give any stray rejection a turn of the event loop to surface before checking.
    await new Promise((resolve) => setTimeout(resolve, 20));
    process.off('unhandledRejection', onUnhandled);
    await server.close();
    expect(unhandled).toEqual([]);
  });

  async function open(): Promise<{ connection: Connection; peer: Socket; errors: WireKitError[] }> {
    const peerPromise = server.next();
    const connection = await within(connect(server.url, { connectTimeout: 5_000 }));
    const errors: WireKitError[] = [];
    connection.on('error', (error) => errors.push(error));
    return { connection, peer: await within(peerPromise), errors };
  }

  it('a reset (RST) during traffic closes with 1006 and WK_ERR_CONNECTION_RESET; every send settles, none hangs', async () => {
    const { connection, peer, errors } = await open();
    const firstBytes = once(peer, 'data');
    const sends = Array.from({ length: 50 }, (_, i) => connection.send(`message ${i}`));
    sends.forEach((send) => send.catch(() => undefined)); // awaited below; never unhandled
    const pendingReceive = settle(connection.receive());
    await within(firstBytes);
    peer.resetAndDestroy();

    expect(await within(connection.closed)).toEqual({ code: 1006, reason: '', wasClean: false });
    expect(connection.state).toBe('closed');
    expect(errors.map((error) => [error.code, error.domain])).toEqual([['WK_ERR_CONNECTION_RESET', 'posix']]);
    const outcomes = await within(Promise.all(sends.map(settle)));
    for (const outcome of outcomes) if ('error' in outcome) expect(outcome.error).toBeInstanceOf(WireKitError);
    expect(codeOf((await within(pendingReceive)).error)).toMatch(/^WK_ERR_/);
    expect(codeOf((await settle(connection.send('after the reset'))).error)).toBe('WK_ERR_NOT_OPEN');
  });

  it('a half-close (FIN without a Close frame) ends in 1006, not clean, and the client ends its side too', async () => {
    const { connection, peer } = await open();
    const peerClosed = once(peer, 'close');
    peer.end();

    expect(await within(connection.closed)).toEqual({ code: 1006, reason: '', wasClean: false });
    expect(connection.state).toBe('closed');
    await within(peerClosed, 5_000, 'the client to close the TCP connection');
    expect(codeOf((await settle(connection.receive())).error)).toMatch(/^WK_ERR_/);
    expect(codeOf((await settle(connection.ping())).error)).toMatch(/^WK_ERR_/);
  });

  it('a peer that dies in the middle of a frame delivers nothing and closes with 1006', async () => {
    const { connection, peer } = await open();
    const messages: unknown[] = [];
    connection.on('message', (message) => messages.push(message));
    // A text frame announcing 100 bytes, cut after 10 of them.
    peer.write(Buffer.concat([Buffer.from([0x81, 100]), Buffer.alloc(10, 0x61)]));
    await new Promise((resolve) => setTimeout(resolve, 20));
    peer.destroy();

    expect(await within(connection.closed)).toEqual({ code: 1006, reason: '', wasClean: false });
    expect(messages).toEqual([]);
    expect(connection.state).toBe('closed');
  });

  it('close() while the peer has reset reports the 1006 it ended with instead of waiting for a Close', async () => {
    const { connection, peer } = await open();
    peer.resetAndDestroy();
    const info = await within(connection.close(1000, 'bye'), 5_000, 'close() to settle after a reset');
    expect(info).toMatchObject({ code: 1006, wasClean: false });
  });
});
