/**
 * framed's `http2` option (RFC 8441): WebSockets as streams of one shared HTTP/2 session per
 * origin, against the WireKit server and against Node's own extended-CONNECT server, with the
 * fallbacks to HTTP/1.1, resets, session failures, the session's idle end and flow control.
 */
import { createServer as createHttpsServer } from 'node:https';
import { createSecureServer, createServer, type Http2SecureServer, type Http2Server, type Http2Session, type ServerHttp2Stream } from 'node:http2';
import type { AddressInfo, Socket } from 'node:net';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { acceptServerConnection, http2StreamChannel, openClientConnection, type Connection, type EngineConnection } from '@wirekit/core';
import { attachHttp2, WireKitServer, type Http2UpgradeIncoming, type WireKitServerOptions } from '@wirekit/server';
import { FakeClock, selfSigned } from '@wirekit/test-support';
import { within } from '@wirekit/conformance';
import { connect, Http2SessionPool, sharedHttp2Pool } from '../src/index.js';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});
afterAll(() => sharedHttp2Pool.close());

const material = selfSigned();

interface Arrival {
  readonly connection: EngineConnection;
  /** The HTTP/2 session it came on, or null for an HTTP/1.1 upgrade. */
  readonly session: Http2Session | null;
}

/** A WireKit echo server on a node:http2 server (h2c, or TLS with HTTP/1.1 beside), recording how each WebSocket arrived. */
async function wirekitOverHttp2(options: { secure?: boolean; attach?: boolean; server?: WireKitServerOptions } = {}): Promise<{ url: string; arrivals: Arrival[]; h2: Http2Server | Http2SecureServer; wirekit: WireKitServer }> {
  const wirekit = new WireKitServer(options.server);
  const h2 = options.secure === true ? createSecureServer({ ...material, allowHTTP1: true }) : createServer();
  if (options.attach === false) h2.on('upgrade', (request, socket, head: Buffer) => void wirekit.handleUpgrade(request, socket, head));
  else attachHttp2(wirekit, h2);
  const arrivals: Arrival[] = [];
  wirekit.on('connection', (connection, _request, incoming) => {
    const via = (incoming as unknown as Partial<Http2UpgradeIncoming>).http2;
    arrivals.push({ connection, session: via?.stream.session ?? null });
    connection.on('message', (message) => void connection.send(message).catch(() => undefined));
  });
  await new Promise<void>((resolve) => h2.listen(0, '127.0.0.1', resolve));
  cleanups.push(() => new Promise<void>((resolve) => h2.close(() => resolve())));
  // Client sessions would otherwise stay for their idle time and hold h2.close() open.
  cleanups.push(() => sharedHttp2Pool.close());
  cleanups.push(() => wirekit.close());
  const { port } = h2.address() as AddressInfo;
  return { url: `${options.secure === true ? 'wss' : 'ws'}://127.0.0.1:${String(port)}/chat`, arrivals, h2, wirekit };
}

function track<T extends Connection>(connection: T): T {
  cleanups.push(() => {
    if (connection.state !== 'closed') connection.terminate();
  });
  return connection;
}

async function echo(connection: Connection, message: string): Promise<void> {
  await connection.send(message);
  expect(await within(connection.receive(), 5_000, `the echo of ${message}`)).toBe(message);
}

describe('connect() with http2: true', () => {
  it('multiplexes 100 WebSockets on one HTTP/2 session to the WireKit server', async () => {
    const { url, arrivals } = await wirekitOverHttp2();
    const connections = await Promise.all(Array.from({ length: 100 }, () => connect(url, { http2: true }).then(track)));
    await Promise.all(connections.map((connection, index) => echo(connection, `message ${String(index)}`)));
    expect(arrivals).toHaveLength(100);
    const sessions = new Set(arrivals.map((arrival) => arrival.session));
    expect(sessions.size).toBe(1);
    expect(sessions.has(null)).toBe(false);
    await Promise.all(connections.map((connection) => connection.close()));
  });

  it('goes over h2 with TLS when ALPN picks h2, and keeps the HTTP/1.1 WebSockets of the same port working', async () => {
    const { url, arrivals } = await wirekitOverHttp2({ secure: true });
    const tls = { ca: material.cert };
    const overH2 = track(await connect(url, { http2: true, tls }));
    const overH1 = track(await connect(url, { tls }));
    await echo(overH2, 'h2');
    await echo(overH1, 'h1');
    expect(arrivals.map((arrival) => arrival.session !== null)).toEqual([true, false]);
    expect(overH2.url.startsWith('wss://')).toBe(true);
  });

  it.each([
    ['an HTTP/1.1-only server (the h2c probe is refused)', 'h1'],
    ['an h2 server that does not advertise SETTINGS_ENABLE_CONNECT_PROTOCOL', 'h2-without-setting'],
    ['a TLS server whose ALPN does not pick h2', 'alpn-h1'],
  ] as const)('falls back to HTTP/1.1 against %s', async (_name, kind) => {
    const wirekit = new WireKitServer();
    cleanups.push(() => wirekit.close());
    let url: string;
    if (kind === 'h1') {
      url = (await wirekit.listen()).url;
    } else {
      const server = kind === 'alpn-h1' ? createHttpsServer(material) : createSecureServer({ ...material, allowHTTP1: true });
      server.on('upgrade', (request, socket, head: Buffer) => void wirekit.handleUpgrade(request, socket, head));
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      cleanups.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
      url = `wss://127.0.0.1:${String((server.address() as AddressInfo).port)}/`;
    }
    let upgrades = 0;
    wirekit.on('connection', (connection) => {
      upgrades++;
      connection.on('message', (message) => void connection.send(message).catch(() => undefined));
    });
    const connection = track(await connect(url, { http2: true, tls: { ca: material.cert } }));
    await echo(connection, 'over HTTP/1.1');
    // A second connect goes straight to HTTP/1.1: the origin is remembered.
    await echo(track(await connect(url, { http2: true, tls: { ca: material.cert } })), 'again');
    expect(upgrades).toBe(2);
  });

  it("speaks RFC 8441 with Node's own extended-CONNECT server (the handshake done by hand, core's engine on the stream)", async () => {
    const h2 = createServer({ settings: { enableConnectProtocol: true } });
    const seen: Array<Record<string, unknown>> = [];
    h2.on('stream', (stream: ServerHttp2Stream, headers) => {
      seen.push({ ...headers });
      if (headers[':method'] !== 'CONNECT' || headers[':protocol'] !== 'websocket' || headers['sec-websocket-version'] !== '13') {
        stream.respond({ ':status': 400 });
        stream.end();
        return;
      }
      stream.respond({ ':status': 200, 'sec-websocket-protocol': 'echo.v1' });
      const connection = acceptServerConnection(http2StreamChannel(stream), { url: 'ws://node-h2/', protocol: 'echo.v1', extensions: [], extensionsHeader: '' });
      connection.on('message', (message) => void connection.send(message).catch(() => undefined));
    });
    await new Promise<void>((resolve) => h2.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise<void>((resolve) => h2.close(() => resolve())));
    cleanups.push(() => sharedHttp2Pool.close());
    const url = `ws://127.0.0.1:${String((h2.address() as AddressInfo).port)}/echo?x=1`;
    const first = track(await connect(url, { http2: true, protocols: ['echo.v1'], headers: { 'x-trace': 'abc' } }));
    const second = track(await connect(url, { http2: true, protocols: ['echo.v1'] }));
    expect(first.protocol).toBe('echo.v1');
    await echo(first, 'one');
    await echo(second, 'two');
    expect(seen).toHaveLength(2);
    expect(seen[0]).toMatchObject({ ':method': 'CONNECT', ':protocol': 'websocket', ':scheme': 'http', ':path': '/echo?x=1', 'sec-websocket-protocol': 'echo.v1', 'x-trace': 'abc' });
    // RFC 8441 §5: no key, no HTTP/1.1 connection fields on the stream.
    expect(seen[0]).not.toHaveProperty('sec-websocket-key');
    expect(seen[0]).not.toHaveProperty('upgrade');
    await first.close();
    await second.close();
  });

  it("keeps the engine's bounds: a message over the server's maxMessageSize closes only its WebSocket with 1009", async () => {
    const { url } = await wirekitOverHttp2({ server: { maxMessageSize: 1_024 } });
    const large = track(await connect(url, { http2: true }));
    const kept = track(await connect(url, { http2: true }));
    await large.send('x'.repeat(2_048));
    expect((await within(large.closed, 5_000, 'the close after the oversized message')).code).toBe(1009);
    await echo(kept, 'small');
  });

  it('puts h2 WebSockets in rooms like any other: a broadcast reaches every member on the session', async () => {
    const { url, arrivals, wirekit } = await wirekitOverHttp2();
    const members = [track(await connect(url, { http2: true })), track(await connect(url, { http2: true }))];
    for (const arrival of arrivals) wirekit.rooms.get('lobby').join(arrival.connection);
    const result = await wirekit.rooms.get('lobby').broadcast('to the lobby');
    expect(result.failed).toEqual([]);
    expect(result.sent).toBe(2);
    for (const member of members) expect(await within(member.receive(), 5_000, 'the broadcast')).toBe('to the lobby');
  });

  it('ends only the WebSocket whose stream the server reset: 1006, WK_ERR_HTTP2_STREAM_RESET', async () => {
    const { url, arrivals } = await wirekitOverHttp2();
    const reset = track(await connect(url, { http2: true }));
    const kept = track(await connect(url, { http2: true }));
    await echo(reset, 'before');
    arrivals[0]!.connection.terminate();
    const closed = await within(reset.closed, 5_000, 'the reset WebSocket to close');
    expect(closed.code).toBe(1006);
    expect((reset as EngineConnection).error?.code).toBe('WK_ERR_HTTP2_STREAM_RESET');
    await echo(kept, 'after');
  });

  it('fails every WebSocket of a session whose connection is lost, with WK_ERR_HTTP2_SESSION, and opens a new session after', async () => {
    const { url, arrivals, h2 } = await wirekitOverHttp2();
    const sockets: Socket[] = [];
    h2.on('connection', (socket: Socket) => sockets.push(socket));
    const connections = [track(await connect(url, { http2: true })), track(await connect(url, { http2: true }))];
    expect(sockets).toHaveLength(1);
    // The TCP connection under the session goes (not the session's own close, which resets each stream first).
    sockets[0]!.destroy();
    for (const connection of connections) {
      expect((await within(connection.closed, 5_000, 'the WebSockets of the lost session to close')).code).toBe(1006);
      expect((connection as EngineConnection).error?.code).toBe('WK_ERR_HTTP2_SESSION');
    }
    await echo(track(await connect(url, { http2: true })), 'new session');
    // Compared as a boolean: a failing toBe would try to print two whole sessions.
    expect(arrivals[2]!.session === arrivals[0]!.session).toBe(false);
  });
});

describe('Http2SessionPool', () => {
  async function open(pool: Http2SessionPool, url: string, clock?: FakeClock, receiveHighWaterMark?: number): Promise<EngineConnection> {
    const { port } = new URL(url);
    const route = await pool.route({ host: '127.0.0.1', port: Number(port), tls: null, timeout: 5_000, ...(clock === undefined ? {} : { clock }) });
    if (route.kind !== 'h2') throw new Error(`expected an h2 route, got ${route.kind}`);
    const limits = receiveHighWaterMark === undefined ? {} : { receiveHighWaterMark };
    return track(await openClientConnection(route.channel, { url, random: (n) => crypto.getRandomValues(new Uint8Array(n)), ...(clock === undefined ? {} : { clock }), ...limits }));
  }

  it('closes a session idleTimeout after its last WebSocket ended (on the injected clock), not before', async () => {
    const { url, arrivals } = await wirekitOverHttp2();
    const clock = new FakeClock();
    const pool = new Http2SessionPool({ clock, idleTimeout: 1_000 });
    cleanups.push(() => pool.close());
    const first = await open(pool, url, clock);
    const second = await open(pool, url, clock);
    expect(pool.size).toBe(1);
    await first.close();
    clock.advance(5_000);
    expect(pool.size).toBe(1);
    await second.close();
    await within((async () => {
      while (clock.pending === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    })(), 5_000, 'the idle timer');
    clock.advance(999);
    expect(pool.size).toBe(1);
    const serverSession = arrivals[0]!.session!;
    const ended = new Promise<void>((resolve) => serverSession.once('close', () => resolve()));
    clock.advance(1);
    expect(pool.size).toBe(0);
    await within(ended, 5_000, 'the server to see the session close');
  });

  it('keeps memory bounded under a slow reader: HTTP/2 flow control makes the writer wait, the other streams go on', async () => {
    const { url, arrivals } = await wirekitOverHttp2();
    const pool = new Http2SessionPool();
    cleanups.push(() => pool.close());
    const slow = await open(pool, url, undefined, 256 * 1024);
    const other = await open(pool, url);
    const sender = arrivals[0]!.connection;
    const chunk = new Uint8Array(64 * 1024);
    let sent = 0;
    // The reader never reads: sends complete until the stream's window and the buffers fill up, then one waits.
    let stalled = false;
    while (sent < 64 && !stalled) {
      const send = sender.send(chunk).then(() => true);
      stalled = !(await Promise.race([send, new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 300))]));
      sent++;
    }
    expect(stalled).toBe(true);
    // Bounded: far less than the 4 MiB the loop could have pushed, on both the writer's and the reader's side.
    expect(sent * chunk.length).toBeLessThan(4 * 1024 * 1024);
    expect(sender.bufferedAmount).toBeLessThan(4 * 1024 * 1024);
    await echo(other, 'not blocked by the slow stream');
    let received = 0;
    for (let index = 0; index < sent; index++) received += ((await within(slow.receive(), 5_000, 'the held messages')) as Uint8Array).length;
    expect(received).toBe(sent * chunk.length);
  });
});
