/**
 * WireKitServer on a node:http2 server (RFC 8441 extended CONNECT), driven by Node's own HTTP/2
 * client speaking frames by hand: the handshake answers, the refusals with their status and code,
 * a stream reset ending only its WebSocket, and HTTP/1.1 upgrades beside h2 on one TLS port.
 */
import { connect as http2Connect, createSecureServer, createServer, type ClientHttp2Session, type ClientHttp2Stream, type Http2SecureServer, type Http2Server, type IncomingHttpHeaders } from 'node:http2';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { EngineConnection } from '@wirekit/core';
import WebSocket from 'ws';
import { encodeFrame, Opcode } from '@wirekit/protocol';
import { selfSigned } from '@wirekit/test-support';
import { attachHttp2, extendedConnectRequest, WireKitServer, type Http2UpgradeIncoming, type WireKitServerOptions } from '../src/index.js';
import { within } from './support/harness.js';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

interface Started {
  readonly wirekit: WireKitServer;
  readonly h2: Http2Server | Http2SecureServer;
  readonly port: number;
  /** Every connection with how it arrived. */
  readonly connections: Array<{ connection: EngineConnection; overHttp2: boolean }>;
}

async function start(options: WireKitServerOptions = {}, secure = false): Promise<Started> {
  const wirekit = new WireKitServer({ handleProtocols: (offered) => offered.find((p) => p === 'chat.v1'), ...options });
  const h2 = secure ? createSecureServer({ ...tls(), allowHTTP1: true }) : createServer();
  attachHttp2(wirekit, h2);
  const connections: Started['connections'] = [];
  wirekit.on('connection', (connection, _request, incoming) => {
    connections.push({ connection, overHttp2: (incoming as unknown as Partial<Http2UpgradeIncoming>).http2 !== undefined });
    connection.on('message', (message) => void connection.send(message).catch(() => undefined));
  });
  await new Promise<void>((resolve) => h2.listen(0, '127.0.0.1', resolve));
  cleanups.push(() => new Promise<void>((resolve) => h2.close(() => resolve())));
  cleanups.push(() => wirekit.close());
  return { wirekit, h2, port: (h2.address() as AddressInfo).port, connections };
}

let material: { cert: string; key: string } | undefined;
function tls(): { cert: string; key: string } {
  material ??= selfSigned();
  return material;
}

function session(port: number): Promise<ClientHttp2Session> {
  const client = http2Connect(`http://127.0.0.1:${String(port)}`);
  client.on('error', () => undefined);
  cleanups.push(() => void client.destroy());
  return within(5_000, new Promise((resolve) => client.once('remoteSettings', () => resolve(client))), 'the server SETTINGS');
}

function websocketRequest(client: ClientHttp2Session, headers: Record<string, string> = {}): ClientHttp2Stream {
  const stream = client.request({ ':method': 'CONNECT', ':protocol': 'websocket', ':scheme': 'http', ':path': '/chat', ':authority': 'localhost', 'sec-websocket-version': '13', ...headers }, { endStream: false });
  stream.on('error', () => undefined);
  return stream;
}

function responseOf(stream: ClientHttp2Stream): Promise<IncomingHttpHeaders> {
  return within(5_000, new Promise((resolve) => stream.once('response', resolve)), 'the response headers');
}

function bodyOf(stream: ClientHttp2Stream): Promise<string> {
  return within(5_000, new Promise((resolve) => {
    let body = '';
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => (body += chunk));
    stream.once('end', () => resolve(body));
  }), 'the response body');
}

/** A masked client text frame. */
function textFrame(text: string): Buffer {
  return Buffer.concat(encodeFrame({ opcode: Opcode.Text, payload: new TextEncoder().encode(text), mask: new Uint8Array([1, 2, 3, 4]) }));
}

/** The payload of the first unmasked server frame in `stream`'s data (small frames only). */
function firstFrameText(stream: ClientHttp2Stream): Promise<string> {
  return within(5_000, new Promise((resolve) => {
    let bytes = Buffer.alloc(0);
    stream.on('data', (chunk: Buffer) => {
      bytes = Buffer.concat([bytes, chunk]);
      if (bytes.length >= 2 && bytes.length >= 2 + (bytes[1]! & 0x7f)) resolve(bytes.subarray(2, 2 + (bytes[1]! & 0x7f)).toString('utf8'));
    });
  }), 'a frame from the server');
}

describe('attachHttp2()', () => {
  it('advertises SETTINGS_ENABLE_CONNECT_PROTOCOL and accepts an extended CONNECT as a WebSocket (RFC 8441 §3, §5)', async () => {
    const { port, connections } = await start();
    const client = await session(port);
    expect(client.remoteSettings.enableConnectProtocol).toBe(true);
    const stream = websocketRequest(client, { 'sec-websocket-protocol': 'other, chat.v1' });
    const response = await responseOf(stream);
    expect(response[':status']).toBe(200);
    expect(response['sec-websocket-protocol']).toBe('chat.v1');
    // RFC 8441 §5: no Sec-WebSocket-Accept, no connection-specific fields.
    expect(response['sec-websocket-accept']).toBeUndefined();
    expect(response.upgrade).toBeUndefined();
    const echoed = firstFrameText(stream);
    stream.write(textFrame('over h2'));
    expect(await echoed).toBe('over h2');
    expect(connections.map((entry) => entry.overHttp2)).toEqual([true]);
    expect(connections[0]!.connection.protocol).toBe('chat.v1');
  });

  it.each([
    ['an unknown Sec-WebSocket-Version', { 'sec-websocket-version': '8' }, 426],
    ['an extended CONNECT for another protocol', { ':protocol': 'webtransport' }, 501],
    ['a subprotocol list that does not parse', { 'sec-websocket-protocol': 'a,,"b"' }, 400],
  ])('refuses %s with its status, through the HTTP/1.1 validation', async (_name, headers, status) => {
    const { port, connections } = await start();
    const stream = websocketRequest(await session(port), headers);
    const body = bodyOf(stream);
    expect((await responseOf(stream))[':status']).toBe(status);
    expect((await body).length).toBeGreaterThan(0);
    expect(connections).toEqual([]);
  });

  it('applies verifyClient, the path option and maxConnections as for HTTP/1.1 (403, 404, 503)', async () => {
    const { port, connections } = await start({
      path: '/chat',
      maxConnections: 1,
      verifyClient: ({ origin }) => (origin === 'https://evil.example' ? { status: 403, body: 'origin refused' } : true),
    });
    const client = await session(port);
    const evil = websocketRequest(client, { origin: 'https://evil.example' });
    const evilBody = bodyOf(evil);
    expect((await responseOf(evil))[':status']).toBe(403);
    expect(await evilBody).toBe('origin refused');
    expect((await responseOf(websocketRequest(client, { ':path': '/elsewhere' })))[':status']).toBe(404);
    expect((await responseOf(websocketRequest(client)))[':status']).toBe(200);
    expect((await responseOf(websocketRequest(client)))[':status']).toBe(503);
    expect(connections).toHaveLength(1);
  });

  it('answers 408 when the handshake outlives handshakeTimeout (a verifyClient that never settles), as for HTTP/1.1', async () => {
    const { port, connections } = await start({ handshakeTimeout: 100, verifyClient: () => new Promise(() => undefined) });
    const stream = websocketRequest(await session(port));
    expect((await responseOf(stream))[':status']).toBe(408);
    expect(connections).toEqual([]);
  });

  it('answers 426 to a request that is not a WebSocket when nothing else serves the h2 server', async () => {
    const { port } = await start();
    const stream = (await session(port)).request({ ':path': '/' });
    stream.on('error', () => undefined);
    expect((await responseOf(stream))[':status']).toBe(426);
  });

  it('ends only its WebSocket when a stream is reset (RST_STREAM): 1006 with a code, the session goes on', async () => {
    const { port, connections } = await start();
    const client = await session(port);
    const first = websocketRequest(client);
    const second = websocketRequest(client);
    await responseOf(first);
    await responseOf(second);
    await within(5_000, (async () => {
      while (connections.length < 2) await new Promise((resolve) => setTimeout(resolve, 5));
    })(), 'two connections');
    // destroy() resets the stream (RST_STREAM CANCEL) without ending it first, as a browser closing a tab does.
    first.destroy();
    const closed = await within(5_000, connections[0]!.connection.closed, 'the reset WebSocket to close');
    expect(closed.code).toBe(1006);
    expect(connections[0]!.connection.error?.code).toBe('WK_ERR_HTTP2_STREAM_RESET');
    const echoed = firstFrameText(second);
    second.write(textFrame('still here'));
    expect(await echoed).toBe('still here');
    expect(connections[1]!.connection.state).toBe('open');
  });

  it('serves h2 and HTTP/1.1 upgrades on one TLS port (allowHTTP1)', async () => {
    const { port, connections } = await start({}, true);
    const ws = new WebSocket(`wss://127.0.0.1:${String(port)}/chat`, 'chat.v1', { rejectUnauthorized: false });
    cleanups.push(() => ws.terminate());
    const reply = within(5_000, new Promise<string>((resolve) => ws.once('message', (data: Buffer) => resolve(data.toString()))), 'the echo over HTTP/1.1');
    ws.once('open', () => ws.send('over http/1.1'));
    expect(await reply).toBe('over http/1.1');
    const client = http2Connect(`https://127.0.0.1:${String(port)}`, { rejectUnauthorized: false });
    client.on('error', () => undefined);
    cleanups.push(() => void client.destroy());
    const stream = client.request({ ':method': 'CONNECT', ':protocol': 'websocket', ':scheme': 'https', ':path': '/chat', ':authority': 'localhost', 'sec-websocket-version': '13' }, { endStream: false });
    stream.on('error', () => undefined);
    expect((await responseOf(stream))[':status']).toBe(200);
    const echoed = firstFrameText(stream);
    stream.write(textFrame('over h2'));
    expect(await echoed).toBe('over h2');
    expect(connections.map((entry) => entry.overHttp2)).toEqual([false, true]);
    expect(connections[1]!.connection.url.startsWith('wss://')).toBe(true);
  });
});

describe('extendedConnectRequest()', () => {
  it('leaves other requests alone and refuses an extended CONNECT without :path with 400 (RFC 8441 §4)', () => {
    expect(extendedConnectRequest({ ':method': 'GET', ':path': '/' })).toEqual({ kind: 'ignore' });
    expect(extendedConnectRequest({ ':method': 'CONNECT', ':authority': 'example.com:443' })).toEqual({ kind: 'ignore' });
    const refused = extendedConnectRequest({ ':method': 'CONNECT', ':protocol': 'websocket', ':scheme': 'https', ':authority': 'example.com' });
    expect(refused).toMatchObject({ kind: 'invalid', code: 'WK_ERR_HANDSHAKE_MALFORMED', status: 400 });
    expect(extendedConnectRequest({ ':method': 'CONNECT', ':protocol': 'chat', ':scheme': 'https', ':path': '/', ':authority': 'a' })).toMatchObject({ kind: 'invalid', code: 'WK_ERR_HANDSHAKE_UPGRADE', status: 501 });
  });

  it('presents the request in its HTTP/1.1 form: Host from :authority, a fresh key, the WebSocket fields kept', () => {
    const request = extendedConnectRequest({ ':method': 'CONNECT', ':protocol': 'websocket', ':scheme': 'https', ':path': '/chat?x=1', ':authority': 'example.com', 'sec-websocket-version': '13', 'sec-websocket-extensions': 'permessage-deflate', origin: 'https://example.com' });
    expect(request.kind).toBe('upgrade');
    if (request.kind !== 'upgrade') return;
    expect(request.path).toBe('/chat?x=1');
    expect(request.headers).toMatchObject({ host: 'example.com', upgrade: 'websocket', connection: 'Upgrade', 'sec-websocket-extensions': 'permessage-deflate', origin: 'https://example.com' });
    expect(Buffer.from(request.headers['sec-websocket-key'] as string, 'base64')).toHaveLength(16);
  });
});
