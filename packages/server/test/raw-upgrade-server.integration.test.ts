// The standalone server reads request heads itself (no node:http): the answers it builds by hand,
// byte for byte, and what its hooks get. The rest of the suite runs on this path too (listen()).
import { IncomingMessage } from 'node:http';
import { connect } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { encodeFrame, Opcode } from '@wirekit/protocol';
import { REFUSAL_LINGER_MS } from '../src/answer-and-close.js';
import type { VerifyClientInfo } from '../src/index.js';
import { rawExchange, upgradeRequest, within } from './support/harness.js';
import { startEchoServer, startServer } from './support/servers.js';

const MASK = new Uint8Array([1, 2, 3, 4]);
const textFrame = (text: string): Buffer => Buffer.concat(encodeFrame({ opcode: Opcode.Text, payload: new TextEncoder().encode(text), mask: MASK }));

/** Writes `parts` one after another (`gapMs` apart), optionally ends, and resolves with all the server sent once it closed. */
async function exchange(port: number, parts: readonly (string | Uint8Array)[], options: { gapMs?: number; end?: boolean } = {}): Promise<Buffer> {
  const socket = connect({ host: '127.0.0.1', port, noDelay: true });
  const received: Buffer[] = [];
  socket.on('data', (chunk: Buffer) => received.push(chunk));
  socket.on('error', () => undefined);
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  try {
    await within(5_000, new Promise((resolve) => socket.once('connect', resolve)), 'connect');
    for (const part of parts) {
      socket.write(part);
      if (options.gapMs !== undefined) await sleep(options.gapMs);
    }
    if (options.end === true) socket.end();
    await within(5_000, closed, 'the server to close the connection');
    return Buffer.concat(received);
  } finally {
    socket.destroy();
  }
}

/** The server frames sent to a client, decoded just enough: text payloads of unmasked, unfragmented frames. */
function texts(bytes: Buffer): string[] {
  const out: string[] = [];
  let offset = bytes.indexOf('\r\n\r\n') + 4;
  while (offset + 2 <= bytes.length) {
    const opcode = bytes[offset]! & 0x0f;
    const length = bytes[offset + 1]! & 0x7f;
    if (opcode === Opcode.Text) out.push(bytes.subarray(offset + 2, offset + 2 + length).toString('utf8'));
    offset += 2 + length;
  }
  return out;
}

describe('WireKitServer.listen() without node:http', () => {
  describe('answers it builds by hand', () => {
    it('answers a request that is not an upgrade with exactly this 426', async () => {
      const { port } = await startServer();
      const { response } = await rawExchange(port, 'GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
      expect(response).toBe(
        'HTTP/1.1 426 Upgrade Required\r\nConnection: Upgrade, close\r\nContent-Type: text/plain; charset=utf-8\r\n' +
          'Content-Length: 35\r\nUpgrade: websocket\r\n\r\nThis endpoint speaks WebSocket only',
      );
    });

    it('answers Upgrade without the upgrade connection option with 426, as node:http did (no upgrade event)', async () => {
      const { port } = await startServer();
      const { response } = await rawExchange(port, upgradeRequest('/', { Connection: 'keep-alive' }));
      expect(response).toMatch(/^HTTP\/1\.1 426 Upgrade Required\r\n/);
    });

    it.each([
      { name: '2,000 headers (17 KiB)', head: `GET / HTTP/1.1\r\nHost: a\r\n${'X-A: bbbbbbb\r\n'.repeat(2_000)}\r\n` },
      { name: 'a 20 KiB request line', head: `GET /${'a'.repeat(20 * 1024)} HTTP/1.1\r\nHost: a\r\n\r\n` },
      { name: 'a head that never ends past 16 KiB', head: `GET / HTTP/1.1\r\nX-A: ${'b'.repeat(20 * 1024)}` },
    ])('answers $name with exactly this 431', async ({ head }) => {
      const { port } = await startServer();
      const response = await exchange(port, [head]);
      expect(response.toString('latin1')).toBe('HTTP/1.1 431 Request Header Fields Too Large\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
    });

    it.each([
      { name: 'a bare LF', head: 'GET / HTTP/1.1\nHost: a\n\n' },
      { name: 'obs-fold', head: 'GET / HTTP/1.1\r\nHost: a\r\n  folded\r\n\r\n' },
      { name: 'a request line with two spaces', head: 'GET  / HTTP/1.1\r\nHost: a\r\n\r\n' },
    ])('answers a head with $name with exactly this 400', async ({ head }) => {
      const { port } = await startServer();
      const response = await exchange(port, [head]);
      expect(response.toString('latin1')).toBe('HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
    });

    it('answers half a head followed by the end of the stream with 400', async () => {
      const { port } = await startServer();
      const response = await exchange(port, ['GET / HTTP/1.1\r\nHost: a\r\n'], { end: true });
      expect(response.toString('latin1')).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n/);
    });

    it('closes without a word a connection that ends before sending anything', async () => {
      const { port } = await startServer();
      expect((await exchange(port, [], { end: true })).length).toBe(0);
    });

    it('lets a peer that was still sending read its 431 later: the refused socket is read and dropped for a while before it closes', async () => {
      const { port } = await startServer();
      // Closing a socket with unread bytes resets the connection: a peer still sending then fails
      // its next write, and its 431, unread, is lost to ECONNRESET.
      const flood = Buffer.alloc(64 * 1024, 'a');
      const socket = connect({ host: '127.0.0.1', port, noDelay: true });
      let received = '';
      let error: string | null = null;
      socket.on('error', (failure: NodeJS.ErrnoException) => (error = failure.code ?? failure.message));
      const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
      await within(5_000, new Promise((resolve) => socket.once('connect', resolve)), 'connect');
      // The peer reads nothing until it has sent its 1 MiB request line.
      socket.pause();
      socket.write('GET /');
      for (let sent = 0; sent < 1024 * 1024; sent += flood.length) socket.write(flood);
      await within(5_000, new Promise((resolve) => (socket.writableLength === 0 ? resolve(null) : socket.once('drain', resolve))), 'the flood to be sent');
      // Answered by now; the peer, not reading yet, sends more (a write to a reset socket fails
      // at once, and Node then destroys it with the answer unread).
      await sleep(300);
      socket.write(flood);
      await sleep(100);
      socket.on('data', (chunk: Buffer) => (received += chunk.toString('latin1')));
      socket.resume();
      socket.end();
      await within(5_000, closed, 'the server to close the connection');
      expect({ status: received.split('\r\n')[0], error }).toEqual({ status: 'HTTP/1.1 431 Request Header Fields Too Large', error: null });
    });

    it('still closes a refused socket whose peer keeps sending and never ends, after REFUSAL_LINGER_MS', async () => {
      const { port } = await startServer();
      const socket = connect({ host: '127.0.0.1', port, noDelay: true });
      let received = '';
      socket.on('data', (chunk: Buffer) => (received += chunk.toString('latin1')));
      socket.on('error', () => undefined);
      const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
      await within(5_000, new Promise((resolve) => socket.once('connect', resolve)), 'connect');
      socket.write('GET /nope HTTP/1.1\r\n\r\n');
      const drip = setInterval(() => socket.write('x'), 100);
      try {
        await within(REFUSAL_LINGER_MS + 3_000, closed, 'the server to give up on the refused socket');
      } finally {
        clearInterval(drip);
        socket.destroy();
      }
      expect(received.split('\r\n')[0]).toBe('HTTP/1.1 426 Upgrade Required');
    });

    it('answers a peer that never sends with 408 at the handshake timeout', async () => {
      const { port } = await startServer({ handshakeTimeout: 150 });
      const response = await exchange(port, []);
      expect(response.toString('latin1')).toBe('HTTP/1.1 408 Request Timeout\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
    });
  });

  describe('reading the head', () => {
    it('accepts a head sent one byte at a time, then echoes', async () => {
      const { port } = await startEchoServer();
      const bytes = [...Buffer.from(upgradeRequest('/'))].map((byte) => Uint8Array.of(byte));
      const closeFrame = Buffer.concat(encodeFrame({ opcode: Opcode.Close, payload: Uint8Array.of(0x03, 0xe8), mask: MASK }));
      const response = await exchange(port, [...bytes, textFrame('one byte at a time'), closeFrame], { gapMs: 1 });
      expect(response.toString('latin1')).toMatch(/^HTTP\/1\.1 101 Switching Protocols\r\n/);
      expect(texts(response)).toEqual(['one byte at a time']);
    });

    it('delivers the frames sent with the head and after it, in order', async () => {
      const { port } = await startEchoServer();
      const closeFrame = Buffer.concat(encodeFrame({ opcode: Opcode.Close, payload: Uint8Array.of(0x03, 0xe8), mask: MASK }));
      const response = await exchange(port, [Buffer.concat([Buffer.from(upgradeRequest('/')), textFrame('with the head')]), textFrame('after it'), closeFrame], { gapMs: 20 });
      expect(texts(response)).toEqual(['with the head', 'after it']);
    });
  });

  describe('what the hooks get', () => {
    it("gives verifyClient and the 'connection' listeners the same node:http IncomingMessage, filled as node:http fills it", async () => {
      let verified: VerifyClientInfo | undefined;
      const { server, port } = await startServer({
        verifyClient: (info) => {
          verified = info;
          return true;
        },
      });
      const incoming = within(5_000, new Promise<IncomingMessage>((resolve) => server.on('connection', (_connection, _request, message) => resolve(message))), 'connection');
      const request = upgradeRequest('/chat?room=1', { 'X-Twice': 'a', Cookie: 'id=1' }).replace('\r\n\r\n', '\r\nx-twice: b\r\n\r\n');
      const socket = connect({ host: '127.0.0.1', port });
      socket.on('error', () => undefined);
      try {
        socket.write(request);
        const message = await incoming;
        expect(message).toBeInstanceOf(IncomingMessage);
        expect(verified?.incoming).toBe(message);
        expect(verified?.remoteAddress).toBe('127.0.0.1');
        expect({ method: message.method, url: message.url, httpVersion: message.httpVersion, major: message.httpVersionMajor, minor: message.httpVersionMinor }).toEqual({
          method: 'GET',
          url: '/chat?room=1',
          httpVersion: '1.1',
          major: 1,
          minor: 1,
        });
        expect(message.rawHeaders.slice(0, 4)).toEqual(['Host', '127.0.0.1', 'Upgrade', 'websocket']);
        expect(message.rawHeaders.slice(-2)).toEqual(['x-twice', 'b']);
        expect(message.headers).toMatchObject({ host: '127.0.0.1', cookie: 'id=1', 'x-twice': 'a, b', 'sec-websocket-version': '13' });
        expect(message.socket.remoteAddress).toBe('127.0.0.1');
      } finally {
        socket.destroy();
      }
    });
  });
});
