/**
 * permessage-deflate against `ws` with compression on, over loopback TCP, both ways round:
 * engine client ↔ ws server, and ws client ↔ engine server.
 */
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket, { WebSocketServer, type PerMessageDeflateOptions as WsDeflateOptions } from 'ws';
import { perMessageDeflate, type PerMessageDeflateOptions } from '../src/index.js';
import { connectEngine, listenEngine, type Peer } from './support/loopback.js';

const MiB = 1024 * 1024;
const cleanups: Array<() => Promise<void> | void> = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const json = (n: number): string => JSON.stringify(Array.from({ length: n }, (_, i) => ({ id: i, user: `user-${i % 17}`, text: 'ünïcödé ✓ hello', ok: i % 2 === 0 })));
const bytes = (n: number): Uint8Array => Uint8Array.from({ length: n }, (_, i) => (i * 31) & 0x7f);
/** Messages that cross the threshold or not, text and binary, empty, and one large. */
const messages: Array<string | Uint8Array> = [json(300), 'short', '', bytes(20_000), json(300), new Uint8Array(0), json(30_000)];
const payloadBytes = messages.reduce((sum, m) => sum + (typeof m === 'string' ? Buffer.byteLength(m) : m.length), 0);

async function wsServer(perMessageDeflateOptions: WsDeflateOptions, onConnection?: (socket: WebSocket) => void): Promise<string> {
  const wss = new WebSocketServer({ port: 0, host: '127.0.0.1', maxPayload: 64 * MiB, perMessageDeflate: { threshold: 0, ...perMessageDeflateOptions } });
  await once(wss, 'listening');
  wss.on('connection', (socket) => {
    if (onConnection !== undefined) return onConnection(socket);
    socket.on('message', (data, isBinary) => socket.send(data, { binary: isBinary }));
  });
  cleanups.push(() => new Promise<void>((resolve) => {
    for (const client of wss.clients) client.terminate();
    wss.close(() => resolve());
  }));
  return `ws://127.0.0.1:${(wss.address() as AddressInfo).port}`;
}

async function client(url: string, options: PerMessageDeflateOptions = {}, maxMessageSize?: number): Promise<Peer> {
  const peer = await connectEngine(url, [perMessageDeflate({ threshold: 0, ...options })], maxMessageSize === undefined ? {} : { maxMessageSize });
  cleanups.push(() => void peer.socket.destroy());
  return peer;
}

async function engineServer(options: PerMessageDeflateOptions = {}, maxMessageSize?: number): Promise<{ url: string; peers: Peer[] }> {
  const peers: Peer[] = [];
  const { server, url, sockets } = await listenEngine([perMessageDeflate({ threshold: 0, ...options })], (peer) => {
    peers.push(peer);
    const push = peer.events.push.bind(peer.events);
    peer.events.push = (...events) => {
      for (const e of events) if (e.type === 'text' || e.type === 'binary') peer.engine.send(e.data);
      return push(...events);
    };
  }, maxMessageSize === undefined ? {} : { maxMessageSize });
  cleanups.push(() => new Promise<void>((resolve) => {
    for (const socket of sockets) socket.destroy();
    server.close(() => resolve());
  }));
  return { url, peers };
}

async function wsClient(url: string, options: WsDeflateOptions = {}): Promise<WebSocket> {
  const ws = new WebSocket(url, { maxPayload: 64 * MiB, perMessageDeflate: { threshold: 0, ...options } });
  cleanups.push(() => ws.terminate());
  await once(ws, 'open');
  return ws;
}

function received(ws: WebSocket, count: number): Promise<Array<string | Uint8Array>> {
  const got: Array<string | Uint8Array> = [];
  return new Promise((resolve) => {
    ws.on('message', (data: Buffer, isBinary: boolean) => {
      got.push(isBinary ? new Uint8Array(data) : data.toString('utf8'));
      if (got.length === count) resolve(got);
    });
  });
}

const parameterSets: Array<[string, WsDeflateOptions, PerMessageDeflateOptions]> = [
  ['defaults', {}, {}],
  ['no context takeover both ways', { serverNoContextTakeover: true, clientNoContextTakeover: true }, {}],
  ['windows of 10 bits', { serverMaxWindowBits: 10, clientMaxWindowBits: 10 }, {}],
  ['parameters asked for by WireKit', {}, { serverNoContextTakeover: true, clientNoContextTakeover: true, serverMaxWindowBits: 11, clientMaxWindowBits: 12 }],
];

describe('engine client ↔ ws server, compression on', () => {
  it.each(parameterSets)('echoes every message intact, compressed on the wire: %s', async (_name, wsOptions, ours) => {
    const url = await wsServer(wsOptions);
    const peer = await client(url, ours);
    expect(peer.extensionsHeader).toMatch(/^permessage-deflate/);
    for (const m of messages) peer.engine.send(m);
    expect(await peer.messages(messages.length)).toEqual(messages);
    // What came back was compressed: far fewer bytes than the payloads.
    expect(peer.socket.bytesRead).toBeLessThan(payloadBytes / 3);
    expect(peer.socket.bytesWritten).toBeLessThan(payloadBytes / 3);
  });

  it('closes with 1009 when a ws message inflates past maxMessageSize', async () => {
    let heard!: Promise<number>;
    const url = await wsServer({}, (socket) => {
      heard = new Promise((resolve) => socket.once('close', (code: number) => resolve(code)));
      socket.send(new Uint8Array(2 * MiB));
    });
    const peer = await client(url, {}, MiB);
    expect(await peer.closed()).toMatchObject({ code: 1009, wasClean: false });
    expect(peer.events[0]).toMatchObject({ type: 'protocol-error', error: { code: 'WK_ERR_MESSAGE_TOO_LARGE' } });
    expect(await heard).toBe(1009);
  });

  it('opens without compression against a ws server that has it off', async () => {
    const wss = new WebSocketServer({ port: 0, host: '127.0.0.1', perMessageDeflate: false });
    await once(wss, 'listening');
    wss.on('connection', (socket) => socket.on('message', (data, isBinary) => socket.send(data, { binary: isBinary })));
    cleanups.push(() => new Promise<void>((resolve) => {
      for (const c of wss.clients) c.terminate();
      wss.close(() => resolve());
    }));
    const peer = await client(`ws://127.0.0.1:${(wss.address() as AddressInfo).port}`);
    expect(peer.extensionsHeader).toBe('');
    peer.engine.send(json(10));
    expect(await peer.messages(1)).toEqual([json(10)]);
  });
});

describe('ws client ↔ engine server, compression on', () => {
  it.each(parameterSets)('echoes every message intact, compressed on the wire: %s', async (_name, wsOptions, ours) => {
    // Server-side options are ours here; ws's options become its client offer.
    const { url, peers } = await engineServer(ours.clientMaxWindowBits === 12 ? { serverMaxWindowBits: 11, clientMaxWindowBits: 12, serverNoContextTakeover: true, clientNoContextTakeover: true } : {});
    const ws = await wsClient(url, wsOptions);
    expect(ws.extensions).toMatch(/^permessage-deflate/);
    const echoes = received(ws, messages.length);
    for (const m of messages) ws.send(m);
    expect(await echoes).toEqual(messages);
    expect(peers[0]!.socket.bytesRead).toBeLessThan(payloadBytes / 3);
    expect(peers[0]!.socket.bytesWritten).toBeLessThan(payloadBytes / 3);
  });

  it('closes with 1009 when a ws client message inflates past maxMessageSize', async () => {
    const { peers } = await engineServer({}, MiB).then(async (server) => {
      const ws = await wsClient(server.url);
      const code = new Promise<number>((resolve) => ws.once('close', (c: number) => resolve(c)));
      ws.send(new Uint8Array(2 * MiB));
      expect(await code).toBe(1009);
      return server;
    });
    expect(peers[0]!.events[0]).toMatchObject({ type: 'protocol-error', error: { code: 'WK_ERR_MESSAGE_TOO_LARGE', closeCode: 1009 } });
  });

  it('closes cleanly after compressed traffic, started by ws', async () => {
    const { url, peers } = await engineServer();
    const ws = await wsClient(url);
    const echo = received(ws, 1);
    ws.send(json(100));
    expect(await echo).toEqual([json(100)]);
    const closed = new Promise<number>((resolve) => ws.once('close', (code: number) => resolve(code)));
    ws.close(1000, 'bye');
    expect(await closed).toBe(1000);
    expect(await peers[0]!.closed()).toMatchObject({ code: 1000, reason: 'bye', wasClean: true, initiator: 'remote' });
  });
});
