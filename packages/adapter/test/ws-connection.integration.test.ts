import { once } from 'node:events';
import { WebSocket, type RawData } from 'ws';
import { afterEach, describe, expect, it } from 'vitest';
import { connectWs, fromWs, type WsConnection } from '../src/index.js';
import { delay, startServer, type TestServer } from './support/ws-server.js';

const WAIT_MS = 5_000;
let server: TestServer | undefined;
const connections: WsConnection[] = [];

async function serve(options: Parameters<typeof startServer>[0] = {}): Promise<TestServer> {
  server = await startServer(options);
  return server;
}

async function open(url: string, options: Parameters<typeof connectWs>[1] = {}): Promise<WsConnection> {
  const connection = await connectWs(url, options);
  connections.push(connection);
  return connection;
}

afterEach(async () => {
  for (const connection of connections.splice(0)) connection.terminate();
  await server?.close();
  server = undefined;
});

describe('connectWs()', () => {
  it('keeps the upgrade response headers, names lower-cased', async () => {
    const { url } = await serve();
    const connection = await open(`${url}/h`);
    expect(connection.responseHeaders.upgrade).toBe('websocket');
    expect(connection.responseHeaders['sec-websocket-accept']).toMatch(/=$/);
  });

  it('rejects with WK_ERR_HANDSHAKE_PROTOCOL when the server selects a subprotocol that was not offered (RFC 6455 §4.1)', async () => {
    const { url } = await serve({ handleProtocols: () => 'intruder.v1' });
    await expect(connectWs(url, { protocols: ['chat.v1'] })).rejects.toMatchObject({ code: 'WK_ERR_HANDSHAKE_PROTOCOL', domain: 'websocket' });
  });

  it('negotiates permessage-deflate through ws when asked, and echoes through it', async () => {
    const { url, wss } = await serve({ perMessageDeflate: true });
    wss.on('connection', (socket) => socket.on('message', (data: RawData, isBinary) => socket.send(data, { binary: isBinary })));
    const connection = await open(url, { perMessageDeflate: true });
    expect(connection.extensions).toMatch(/^permessage-deflate(?:;|$)/);
    expect(connection.extensions).toBe(connection.responseHeaders['sec-websocket-extensions']);
    await connection.send('squeeze me '.repeat(100));
    expect(await connection.receive()).toBe('squeeze me '.repeat(100));
  });

  it('connects with the WebSocket class it is given instead of importing ws', async () => {
    const { url } = await serve();
    let built = 0;
    class Counting extends WebSocket {
      constructor(...args: ConstructorParameters<typeof WebSocket>) {
        super(...args);
        built += 1;
      }
    }
    await open(url, { WebSocket: Counting });
    expect(built).toBe(1);
  });

  it('throws WK_ERR_UNSUPPORTED for WireKit extensions, which ws cannot run, and for tls.verifyPeer without TLS', async () => {
    await expect(connectWs('ws://127.0.0.1:1/', { extensions: [{} as never] })).rejects.toThrow(expect.objectContaining({ code: 'WK_ERR_UNSUPPORTED' }));
    await expect(connectWs('ws://127.0.0.1:1/', { tls: { verifyPeer: () => true } })).rejects.toThrow(expect.objectContaining({ code: 'WK_ERR_UNSUPPORTED' }));
  });

  it('throws WK_ERR_INVALID_ARGUMENT for a connectTimeout that is not a positive number', async () => {
    await expect(connectWs('ws://127.0.0.1:1/', { connectTimeout: 0 })).rejects.toThrow(expect.objectContaining({ code: 'WK_ERR_INVALID_ARGUMENT' }));
  });
});

describe('WsConnection', () => {
  it('rejects (never throws) WK_ERR_INVALID_CLOSE_CODE for 1005, which must not be sent (RFC 6455 §7.4.1), and stays open', async () => {
    const { url } = await serve();
    const connection = await open(url);
    await expect(connection.close(1005)).rejects.toMatchObject({ code: 'WK_ERR_INVALID_CLOSE_CODE', domain: 'usage' });
    await expect(connection.close(1000, 'x'.repeat(124))).rejects.toMatchObject({ code: 'WK_ERR_CLOSE_REASON_TOO_LONG' });
    expect(connection.state).toBe('open');
  });

  it('reports the server\'s pings with their payload and answers them', async () => {
    const { url } = await serve();
    const peer = server!.nextClient();
    const connection = await open(url);
    const pings: Uint8Array[] = [];
    connection.on('ping', (data) => pings.push(data));
    const socket = await peer;
    const pong = once(socket, 'pong');
    socket.ping(Buffer.from('are you there'));
    expect(Buffer.from((await pong)[0] as Buffer).toString()).toBe('are you there');
    expect(new TextDecoder().decode(pings[0])).toBe('are you there');
  });

  it('resolves concurrent pings by the payload their pong echoes (RFC 6455 §5.5.3), timed by the injected clock', async () => {
    const { url } = await serve({ autoPong: false });
    const peer = server!.nextClient();
    const client = new WebSocket(url, { autoPong: true });
    await once(client, 'open');
    let now = 0;
    const connection = fromWs(client, { now: () => now });
    connections.push(connection);
    const socket = await peer;
    const pings: Buffer[] = [];
    socket.on('ping', (data: Buffer) => pings.push(data));
    const first = connection.ping(new Uint8Array([1]));
    now = 10;
    const second = connection.ping(new Uint8Array([2]));
    for (let waited = 0; pings.length < 2 && waited < WAIT_MS; waited += 5) await delay(5);
    expect(pings).toHaveLength(2);
    now = 100;
    socket.pong(pings[1]);
    expect(await second).toBe(90);
    now = 250;
    socket.pong(pings[0]);
    expect(await first).toBe(250);
  });

  it('raises no unhandled rejection for sends and pings after terminate() that nobody awaits', async () => {
    const { url } = await serve();
    const connection = await open(url);
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown): void => void unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      void connection.send('in flight');
      connection.terminate();
      void connection.send('late');
      void connection.ping();
      void connection.receive();
      await delay(50);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
    expect(unhandled).toEqual([]);
  });
});

describe('fromWs()', () => {
  it('wraps the server side of a ws connection too: messages both ways, and the client\'s close code', async () => {
    const { url } = await serve();
    const peer = server!.nextClient();
    const client = await open(url);
    const serverSide = fromWs(await peer);
    expect(serverSide.state).toBe('open');
    await client.send('to the server');
    expect(await serverSide.receive()).toBe('to the server');
    await serverSide.send(new Uint8Array([7, 8, 9]));
    expect(await client.receive()).toEqual(new Uint8Array([7, 8, 9]));
    await client.close(4000, 'done');
    expect(await serverSide.closed).toEqual({ code: 4000, reason: 'done', wasClean: true });
  });

  it('reports a socket still connecting as connecting, then open', async () => {
    const { url } = await serve();
    const connection = fromWs(new WebSocket(url));
    connections.push(connection);
    expect(connection.state).toBe('connecting');
    await new Promise<void>((resolve, reject) => {
      connection.on('open', resolve);
      setTimeout(() => reject(new Error('no open event')), WAIT_MS);
    });
    expect(connection.state).toBe('open');
  });

  it('refuses a closed socket with WK_ERR_NOT_OPEN', async () => {
    const { url } = await serve();
    const socket = new WebSocket(url);
    await once(socket, 'open');
    socket.terminate();
    await once(socket, 'close');
    expect(() => fromWs(socket)).toThrow(expect.objectContaining({ code: 'WK_ERR_NOT_OPEN' }));
  });
});
