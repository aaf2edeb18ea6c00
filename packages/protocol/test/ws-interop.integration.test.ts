/**
 * The engine against a real `ws` peer over loopback TCP, both ways round:
 * engine client ↔ ws server, and ws client ↔ engine server.
 */
import { once } from 'node:events';
import type { AddressInfo, Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';
import { encodeFrame, Opcode } from '../src/index.js';
import { hex, pattern, sameBytes } from './support/hex.js';
import { connectEngine, listenEngine, type Peer } from './support/loopback.js';
import { violationVectors } from './support/vectors.js';

const MiB = 1024 * 1024;
const sizes = [0, 125, 126, 65535, 65536, 16 * MiB];
const closeCodes = [1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 1012, 1013, 1014, 3000, 4999];
const cleanups: Array<() => Promise<void> | void> = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A ws echo server; `onConnection` may replace the echo. */
async function wsServer(onConnection?: (socket: WebSocket) => void, options: { handleProtocols?: (p: Set<string>) => string | false } = {}): Promise<{ url: string; wss: WebSocketServer }> {
  const wss = new WebSocketServer({ port: 0, host: '127.0.0.1', maxPayload: 64 * MiB, ...options });
  await once(wss, 'listening');
  wss.on('connection', (socket) => {
    if (onConnection !== undefined) return onConnection(socket);
    socket.on('message', (data, isBinary) => socket.send(data, { binary: isBinary }));
  });
  cleanups.push(() => new Promise<void>((resolve) => {
    for (const client of wss.clients) client.terminate();
    wss.close(() => resolve());
  }));
  return { url: `ws://127.0.0.1:${(wss.address() as AddressInfo).port}`, wss };
}

async function engineServer(onPeer: (peer: Peer) => void, protocol?: (offered: string[]) => string) {
  const { server, url, sockets } = await listenEngine(onPeer, protocol === undefined ? {} : { protocol });
  cleanups.push(() => new Promise<void>((resolve) => {
    for (const socket of sockets) socket.destroy();
    server.close(() => resolve());
  }));
  return url;
}

async function wsClient(url: string, protocols?: string[]): Promise<WebSocket> {
  const ws = new WebSocket(url, protocols, { maxPayload: 64 * MiB });
  cleanups.push(() => ws.terminate());
  await once(ws, 'open');
  return ws;
}

function echoPeer(peer: Peer): void {
  const original = peer.events.push.bind(peer.events);
  peer.events.push = (...events) => {
    for (const e of events) if (e.type === 'text' || e.type === 'binary') peer.engine.send(e.data);
    return original(...events);
  };
}

function nextMessage(ws: WebSocket): Promise<{ data: Buffer; isBinary: boolean }> {
  return new Promise((resolve) => ws.once('message', (data: Buffer, isBinary: boolean) => resolve({ data, isBinary })));
}

function closeOf(ws: WebSocket): Promise<{ code: number; reason: string }> {
  return new Promise((resolve) => ws.once('close', (code: number, reason: Buffer) => resolve({ code, reason: reason.toString() })));
}

describe('engine client ↔ ws server', () => {
  it('echoes text, including non-ASCII and empty', async () => {
    const { url } = await wsServer();
    const { peer } = await connectEngine(url);
    for (const text of ['hello', 'ünïcödé ✓ 😀', '']) peer.engine.send(text);
    expect(await peer.messages(3)).toEqual(['hello', 'ünïcödé ✓ 😀', '']);
  });

  it.each(sizes)('echoes %i bytes of binary intact', async (size) => {
    const { url } = await wsServer();
    const { peer } = await connectEngine(url);
    peer.engine.send(pattern(size, 9));
    const [echo] = await peer.messages(1);
    sameBytes(echo as Uint8Array, pattern(size, 9));
  });

  it('sends a fragmented message that ws reassembles', async () => {
    const { url } = await wsServer();
    const { peer } = await connectEngine(url);
    peer.engine.sendPart('frag', false);
    peer.engine.ping(hex('aa'));
    peer.engine.sendPart('mented ✓', true);
    expect(await peer.messages(1)).toEqual(['fragmented ✓']);
    expect(peer.events.some((e) => e.type === 'pong')).toBe(true);
  });

  it('reassembles a message ws sends in fragments', async () => {
    const { url } = await wsServer((socket) => {
      socket.send('one ', { fin: false });
      socket.send('two ', { fin: false });
      socket.send('three', { fin: true });
    });
    const { peer } = await connectEngine(url);
    expect(await peer.messages(1)).toEqual(['one two three']);
  });

  it('negotiates a subprotocol with ws', async () => {
    const { url } = await wsServer(undefined, { handleProtocols: (offered) => (offered.has('chat.v2') ? 'chat.v2' : false) });
    const { protocol } = await connectEngine(url, { protocols: ['chat.v1', 'chat.v2'] });
    expect(protocol).toBe('chat.v2');
  });

  it('answers ws pings automatically', async () => {
    let server!: WebSocket;
    const { url } = await wsServer((socket) => (server = socket));
    await connectEngine(url);
    const pong = new Promise<Buffer>((resolve) => server.once('pong', resolve));
    server.ping(Buffer.from('are you there'));
    expect((await pong).toString()).toBe('are you there');
  });

  it.each(closeCodes)('closes cleanly with code %i started by the engine', async (code) => {
    let serverClose!: Promise<{ code: number; reason: string }>;
    const { url } = await wsServer((socket) => (serverClose = closeOf(socket)));
    const { peer } = await connectEngine(url);
    peer.engine.close(code, 'bye');
    expect(await serverClose).toEqual({ code, reason: 'bye' });
    expect(await peer.closed()).toMatchObject({ code, wasClean: true, initiator: 'local' });
    await peer.ended;
  });

  it.each(closeCodes)('closes cleanly with code %i started by ws', async (code) => {
    const { url } = await wsServer((socket) => socket.close(code, 'server bye'));
    const { peer } = await connectEngine(url);
    expect(await peer.closed()).toEqual({ type: 'close', code, reason: 'server bye', wasClean: true, initiator: 'remote' });
  });

  it('reports 1006 when ws drops the connection without a close', async () => {
    const { url } = await wsServer((socket) => setTimeout(() => socket.terminate(), 20));
    const { peer } = await connectEngine(url);
    expect(await peer.closed()).toMatchObject({ code: 1006, wasClean: false });
  });

  describe.each(violationVectors.filter((v) => v.receiver === 'client'))('when ws’s socket sends $name', (vector) => {
    it(`fails with ${vector.code} and ws hears close ${vector.closeCode}`, async () => {
      let heard!: Promise<{ code: number; reason: string }>;
      const { url } = await wsServer((socket) => {
        heard = closeOf(socket);
        // ws has no API for bad frames: write them to its socket directly.
        (socket as unknown as { _socket: Socket })._socket.write(vector.bytes);
      });
      const { peer } = await connectEngine(url);
      const closed = await peer.closed();
      expect(peer.events.find((e) => e.type === 'protocol-error')).toMatchObject({ error: { code: vector.code } });
      expect(closed.code).toBe(vector.closeCode);
      expect((await heard).code).toBe(vector.closeCode);
    });
  });
});

describe('ws client ↔ engine server', () => {
  it('echoes text, including non-ASCII and empty', async () => {
    const url = await engineServer(echoPeer);
    const ws = await wsClient(url);
    for (const text of ['hello', 'ünïcödé ✓ 😀', '']) {
      const reply = nextMessage(ws);
      ws.send(text);
      const { data, isBinary } = await reply;
      expect(isBinary).toBe(false);
      expect(data.toString()).toBe(text);
    }
  });

  it.each(sizes)('echoes %i bytes of binary intact', async (size) => {
    const url = await engineServer(echoPeer);
    const ws = await wsClient(url);
    const reply = nextMessage(ws);
    ws.send(pattern(size, 5));
    const { data, isBinary } = await reply;
    expect(isBinary).toBe(true);
    sameBytes(data, pattern(size, 5));
  });

  it('reassembles a message ws sends in fragments, with a ping between', async () => {
    const url = await engineServer(echoPeer);
    const ws = await wsClient(url);
    const reply = nextMessage(ws);
    const pong = once(ws, 'pong');
    ws.send('frag', { fin: false });
    ws.ping('x');
    ws.send('mented', { fin: true });
    expect((await reply).data.toString()).toBe('fragmented');
    expect(String((await pong)[0])).toBe('x');
  });

  it('sends a fragmented message that ws reassembles', async () => {
    const url = await engineServer((peer) => {
      peer.engine.sendPart(pattern(70_000), false);
      peer.engine.sendPart(pattern(10, 1), true);
    });
    const ws = await wsClient(url);
    const { data } = await nextMessage(ws);
    expect(data.length).toBe(70_010);
  });

  it('selects the subprotocol for ws', async () => {
    const url = await engineServer(() => {}, (offered) => offered[1] ?? '');
    const ws = await wsClient(url, ['a', 'b']);
    expect(ws.protocol).toBe('b');
  });

  it.each(closeCodes)('closes cleanly with code %i started by ws', async (code) => {
    let peer!: Peer;
    const url = await engineServer((p) => (peer = p));
    const ws = await wsClient(url);
    const closed = closeOf(ws);
    ws.close(code, 'client bye');
    expect(await closed).toEqual({ code, reason: '' });
    expect(await peer.closed()).toEqual({ type: 'close', code, reason: 'client bye', wasClean: true, initiator: 'remote' });
  });

  it.each(closeCodes)('closes cleanly with code %i started by the engine', async (code) => {
    const url = await engineServer((peer) => peer.engine.close(code, 'server bye'));
    const ws = await wsClient(url).catch(() => null);
    if (ws === null) throw new Error('ws failed to open');
    expect(await closeOf(ws)).toEqual({ code, reason: 'server bye' });
  });

  const serverSide = violationVectors.filter((v) => v.receiver === 'client' && v.code !== 'WK_ERR_UNEXPECTED_MASK');
  describe.each(serverSide)('when the client socket sends $name', (vector) => {
    it(`fails with ${vector.code} and ws hears close ${vector.closeCode}`, async () => {
      let peer!: Peer;
      const url = await engineServer((p) => (peer = p));
      const ws = await wsClient(url);
      const heard = closeOf(ws);
      // Masked as a client must, so that only the violation under test is wrong.
      const masked = remask(vector.bytes);
      (ws as unknown as { _socket: Socket })._socket.write(masked);
      const closed = await peer.closed();
      expect(peer.events.find((e) => e.type === 'protocol-error')).toMatchObject({ error: { code: vector.code } });
      expect(closed.code).toBe(vector.closeCode);
      expect((await heard).code).toBe(vector.closeCode);
    });
  });

  it('fails an unmasked client frame with 1002 (§5.1)', async () => {
    let peer!: Peer;
    const url = await engineServer((p) => (peer = p));
    const ws = await wsClient(url);
    const heard = closeOf(ws);
    (ws as unknown as { _socket: Socket })._socket.write(hex('81 01 61'));
    expect((await peer.closed()).code).toBe(1002);
    expect((await heard).code).toBe(1002);
  });
});

/**
 * Turns a server-to-client violation vector into the client-to-server equivalent: every
 * frame gets the mask bit and a zero key (XOR with zero keeps the payload). Vectors whose
 * violation is the mask itself are skipped by the callers' filter.
 */
function remask(bytes: Uint8Array): Uint8Array {
  const out: number[] = [];
  let at = 0;
  while (at < bytes.length) {
    const b0 = bytes[at]!;
    const b1 = bytes[at + 1]!;
    let length = b1 & 0x7f;
    let header = 2;
    if (length === 126) {
      length = (bytes[at + 2]! << 8) | bytes[at + 3]!;
      header = 4;
    } else if (length === 127) {
      const view = new DataView(bytes.buffer, bytes.byteOffset + at + 2, 8);
      const big = view.getBigUint64(0);
      length = big > BigInt(bytes.length) ? bytes.length : Number(big);
      header = 10;
    }
    out.push(b0, b1 | 0x80, ...bytes.subarray(at + 2, at + header), 0, 0, 0, 0, ...bytes.subarray(at + header, Math.min(bytes.length, at + header + length)));
    at += header + length;
  }
  return Uint8Array.from(out);
}

it('remask() keeps a frame decodable by a server', () => {
  const frame = encodeFrame({ opcode: Opcode.Text, payload: hex('61 62') })[0]!;
  expect(remask(frame)).toEqual(hex('81 82 00 00 00 00 61 62'));
});
