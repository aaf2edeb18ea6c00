/**
 * The server at the edges of RFC 6455 (issue 12, issue 17): a valid message followed by a
 * violation, in the segment of the upgrade request or split into small segments, is delivered
 * and answered — by a `connection` listener, a `for await` loop or a Perfect-style session —
 * before the server's Close 1002, and the violation's code reaches the application; invalid
 * UTF-8 fails a text frame before the rest of it arrives. The client is raw TCP, so that it can
 * break the protocol; its side of the exchange is decoded with the engine.
 */
import { randomFillSync } from 'node:crypto';
import { connect, type Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import type { EngineConnection } from '@wirekit/core';
import { concat, encodeFrame, Engine, HttpHeadReader, Opcode, type EngineEvent } from '@wirekit/protocol';
import { Routes, WebSocketHandler, type PerfectWebSocket } from '../src/index.js';
import { upgradeRequest, within } from './support/harness.js';
import { startServer } from './support/servers.js';

const WAIT = 5_000;
const text = new TextEncoder();
const random = (length: number): Uint8Array => randomFillSync(new Uint8Array(length));

function join(parts: Uint8Array[]): Uint8Array {
  return concat(parts, parts.reduce((sum, part) => sum + part.length, 0));
}

/** A frame as a client sends it (masked). */
function clientFrame(opcode: number, payload: Uint8Array, rsv1 = false): Uint8Array {
  return join(encodeFrame({ opcode, payload, mask: random(4), rsv: { rsv1, rsv2: false, rsv3: false } }));
}

const VIOLATIONS = [
  { name: 'RSV1 with no extension (Autobahn 3.2)', bytes: () => clientFrame(Opcode.Text, new Uint8Array(0), true), code: 'WK_ERR_RESERVED_BITS' },
  { name: 'a reserved opcode (Autobahn 4.1.3)', bytes: () => clientFrame(0x3, new Uint8Array(0)), code: 'WK_ERR_RESERVED_OPCODE' },
  { name: 'a continuation with nothing to continue (Autobahn 5.15)', bytes: () => clientFrame(Opcode.Continuation, new Uint8Array(0)), code: 'WK_ERR_UNEXPECTED_CONTINUATION' },
] as const;

type Delivery = 'with the request' | 'split into 3-byte segments';
const DELIVERIES: readonly Delivery[] = ['with the request', 'split into 3-byte segments'];

/**
 * Upgrades a raw TCP connection to `path` and sends `frames` (with the request, or after the
 * 101 in 3-byte writes 5 ms apart); resolves with what the server sent after its 101, decoded,
 * once the server closes the connection.
 */
async function exchange(port: number, path: string, frames: Uint8Array, delivery: Delivery, protocol?: string): Promise<string[]> {
  const socket: Socket = connect({ host: '127.0.0.1', port });
  socket.setNoDelay(true);
  socket.on('error', () => undefined);
  const events: EngineEvent[] = [];
  const engine = new Engine({ role: 'client', random, onEvent: (event) => events.push(event), onWrite: () => undefined });
  const head = new HttpHeadReader('response');
  let upgraded = false;
  const request = text.encode(upgradeRequest(path, protocol === undefined ? {} : { 'Sec-WebSocket-Protocol': protocol }));
  socket.once('connect', () => socket.write(delivery === 'with the request' ? join([request, frames]) : request));
  socket.on('data', (chunk: Buffer) => {
    if (upgraded) return engine.receive(new Uint8Array(chunk));
    const result = head.push(new Uint8Array(chunk));
    if (result === null) return;
    if (result.kind === 'error' || result.head.status !== 101) throw new Error('the upgrade was refused');
    upgraded = true;
    if (result.remainder.length > 0) engine.receive(result.remainder);
    if (delivery === 'split into 3-byte segments') void writeSplit(socket, frames);
  });
  await within(WAIT, new Promise((resolve) => socket.once('close', resolve)), 'the server to close the connection');
  return events.map((event) => (event.type === 'text' ? `text ${event.data}` : event.type === 'close' ? `close ${event.code}` : event.type));
}

async function writeSplit(socket: Socket, bytes: Uint8Array): Promise<void> {
  for (let at = 0; at < bytes.length && !socket.destroyed; at += 3) {
    socket.write(bytes.subarray(at, at + 3));
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** A server whose connections answer each message with `echo <message>`, as `answer` does it; records their errors. */
async function echoServer(answer: (connection: EngineConnection) => void): Promise<{ port: number; errors: string[] }> {
  const errors: string[] = [];
  const { server, port } = await startServer();
  server.on('connection', (connection) => {
    connection.on('error', (error) => errors.push(error.code));
    answer(connection);
  });
  return { port, errors };
}

const listener = (connection: EngineConnection): void => {
  connection.on('message', (message) => void connection.send(`echo ${String(message)}`).catch(() => undefined));
};
const loop = (connection: EngineConnection): void => {
  void (async () => {
    for await (const message of connection) await connection.send(`echo ${String(message)}`).catch(() => undefined);
  })();
};

describe('WireKitServer, a valid message then a violation from the client', () => {
  describe.each(DELIVERIES)('%s', (delivery) => {
    it.each(VIOLATIONS)('$name: a connection listener answers before the Close 1002 and hears the code', async ({ bytes, code }) => {
      const { port, errors } = await echoServer(listener);
      const seen = await exchange(port, '/', join([clientFrame(Opcode.Text, text.encode('hello')), bytes()]), delivery);
      expect(seen).toEqual(['text echo hello', 'close 1002']);
      expect(errors).toEqual([code]);
    });

    it('a for await loop answers before the Close 1002 too', async () => {
      const { port, errors } = await echoServer(loop);
      const seen = await exchange(port, '/', join([clientFrame(Opcode.Text, text.encode('hello')), VIOLATIONS[0].bytes()]), delivery);
      expect(seen).toEqual(['text echo hello', 'close 1002']);
      expect(errors).toEqual(['WK_ERR_RESERVED_BITS']);
    });

    it('a Perfect-style session (Routes + WebSocketHandler) answers before the Close 1002', async () => {
      const routes = new Routes();
      const echo = (socket: PerfectWebSocket): void =>
        socket.readStringMessage((message) => {
          if (message === null) return;
          socket.sendStringMessage(`echo ${message}`, true, () => echo(socket));
        });
      routes.add('/echo', new WebSocketHandler(() => ({ socketProtocol: 'echo', handleSession: (_request, socket) => echo(socket) })));
      const { port } = await startServer({ routes });
      const seen = await exchange(port, '/echo', join([clientFrame(Opcode.Text, text.encode('hello')), VIOLATIONS[0].bytes()]), delivery, 'echo');
      expect(seen).toEqual(['text echo hello', 'close 1002']);
    });

    it('fails with 1007 on invalid UTF-8 in the first part of a text frame whose rest never comes (Autobahn 6.4.3)', async () => {
      const { port, errors } = await echoServer(listener);
      const whole = clientFrame(Opcode.Text, join([text.encode('κόσμε'), Uint8Array.of(0xf4, 0x90, 0x80, 0x80), text.encode('-edited')]));
      const seen = await exchange(port, '/', whole.subarray(0, whole.length - 'edited'.length), delivery);
      expect(seen).toEqual(['close 1007']);
      expect(errors).toEqual(['WK_ERR_INVALID_UTF8']);
    });
  });
});
