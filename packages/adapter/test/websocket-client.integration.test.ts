import { createServer, type AddressInfo } from 'node:net';
import { once } from 'node:events';
import { startFaultServer, type FaultServer } from '@wirekit/conformance';
import type { WireKitError } from '@wirekit/core';
import { WebSocket, type RawData } from 'ws';
import { afterEach, describe, expect, it } from 'vitest';
import { connectWebSocket, WebSocketClient, type WebSocketEvent } from '../src/index.js';
import { startServer, type TestServer } from './support/ws-server.js';

const WAIT_MS = 5_000;
let server: TestServer | undefined;
let fault: FaultServer | undefined;
const clients: WebSocketClient[] = [];

afterEach(async () => {
  for (const client of clients.splice(0)) client.forceDisconnect();
  await server?.close();
  await fault?.close();
  server = undefined;
  fault = undefined;
});

async function echoServer(): Promise<TestServer> {
  server = await startServer({ handleProtocols: (offered) => (offered.has('chat') ? 'chat' : false) });
  server.wss.on('connection', (socket) => socket.on('message', (data: RawData, isBinary) => socket.send(data, { binary: isBinary })));
  return server;
}

/** A client whose events are recorded; `next(type)` takes the next unconsumed event of that type, waiting for it if need be. */
function recorded(client: WebSocketClient): { events: WebSocketEvent[]; next<T extends WebSocketEvent['type']>(type: T): Promise<Extract<WebSocketEvent, { type: T }>> } {
  clients.push(client);
  const events: WebSocketEvent[] = [];
  const consumed = new Set<WebSocketEvent>();
  let wake: (() => void) | null = null;
  client.onEvent = (event) => {
    events.push(event);
    wake?.();
  };
  const take = (type: string): WebSocketEvent | undefined => {
    const found = events.find((event) => event.type === type && !consumed.has(event));
    if (found !== undefined) consumed.add(found);
    return found;
  };
  return {
    events,
    next: async (type) => {
      const deadline = Date.now() + WAIT_MS;
      for (let found = take(type); ; found = take(type)) {
        if (found !== undefined) return found as never;
        const left = deadline - Date.now();
        if (left <= 0) throw new Error(`no ${type} event within ${WAIT_MS} ms; got ${events.map((e) => e.type).join(', ')}`);
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, left);
          wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
      }
    },
  };
}

function written(client: WebSocketClient, message: Parameters<WebSocketClient['write']>[0]): Promise<WireKitError | null> {
  return new Promise((resolve) => client.write(message, resolve));
}

describe('WebSocketClient (Starscream style)', () => {
  it('reports connected with the response headers, echoes text and binary, and disconnects with 1000', async () => {
    const { url, wss } = await echoServer();
    const client = new WebSocketClient({ url, timeoutInterval: 5 });
    const { next } = recorded(client);
    client.connect();
    const connected = await next('connected');
    expect(connected.headers.upgrade).toBe('websocket');
    expect(await written(client, 'hello')).toBeNull();
    expect(await next('text')).toEqual({ type: 'text', string: 'hello' });
    expect(await written(client, new Uint8Array([1, 2]))).toBeNull();
    expect((await next('binary')).data).toEqual(new Uint8Array([1, 2]));
    const [peer] = [...wss.clients];
    const peerClosed = once(peer!, 'close');
    client.disconnect();
    expect(await next('disconnected')).toEqual({ type: 'disconnected', reason: '', code: 1000 });
    expect((await peerClosed)[0]).toBe(1000);
  });

  it('offers the subprotocols of a Sec-WebSocket-Protocol request header, as Starscream users set them', async () => {
    const { url } = await echoServer();
    const client = new WebSocketClient({ url, headers: { 'Sec-WebSocket-Protocol': 'chat, superchat' } });
    const { next } = recorded(client);
    client.connect();
    expect((await next('connected')).headers['sec-websocket-protocol']).toBe('chat');
    expect(client.connection?.protocol).toBe('chat');
  });

  it('tells the delegate each event too', async () => {
    const { url } = await echoServer();
    const client = new WebSocketClient(url);
    const { next } = recorded(client);
    const seen: string[] = [];
    client.delegate = { didReceive: (event, from) => void seen.push(`${event.type}:${from === client}`) };
    client.connect();
    await next('connected');
    expect(seen).toEqual(['connected:true']);
  });

  it('writes a ping and reports the pong; reports the server\'s pings', async () => {
    const { url, wss } = await echoServer();
    const client = new WebSocketClient(url);
    const { next } = recorded(client);
    client.connect();
    await next('connected');
    expect(await written(client, { ping: new Uint8Array([9]) })).toBeNull();
    expect((await next('pong')).data).toEqual(new Uint8Array([9]));
    [...wss.clients][0]!.ping(Buffer.from([4]));
    expect((await next('ping')).data).toEqual(new Uint8Array([4]));
  });

  it('completes writes before connect() with WK_ERR_NOT_OPEN, and write(pong:) with WK_ERR_UNSUPPORTED', async () => {
    const client = new WebSocketClient('ws://127.0.0.1:1/');
    expect(await written(client, 'too early')).toMatchObject({ code: 'WK_ERR_NOT_OPEN' });
    expect(await written(client, { pong: new Uint8Array(0) })).toMatchObject({ code: 'WK_ERR_UNSUPPORTED' });
  });

  it('reports a failed write without a completion as an error event, never dropping it', async () => {
    const client = new WebSocketClient('ws://127.0.0.1:1/');
    const { next } = recorded(client);
    client.write('nobody is connected');
    expect((await next('error')).error.code).toBe('WK_ERR_NOT_OPEN');
  });

  it('reports cancelled after forceDisconnect()', async () => {
    const { url } = await echoServer();
    const client = new WebSocketClient(url);
    const { next } = recorded(client);
    client.connect();
    await next('connected');
    client.forceDisconnect();
    await next('cancelled');
    expect(client.connection?.state).toBe('closed');
  });

  it('reports peerClosed when the server drops the connection, and connects again on connect()', async () => {
    const { url, wss } = await echoServer();
    const client = new WebSocketClient(url);
    const { next, events } = recorded(client);
    client.connect();
    await next('connected');
    [...wss.clients][0]!.terminate();
    await next('peerClosed');
    client.connect();
    await next('connected');
    expect(events.map((event) => event.type)).toEqual(['connected', 'peerClosed', 'connected']);
  });

  it('reports the server\'s close as disconnected with its reason and code', async () => {
    const { url, wss } = await echoServer();
    const client = new WebSocketClient(url);
    const { next } = recorded(client);
    client.connect();
    await next('connected');
    [...wss.clients][0]!.close(4100, 'maintenance');
    expect(await next('disconnected')).toEqual({ type: 'disconnected', reason: 'maintenance', code: 4100 });
  });

  it('reports a refused connect as an error with WK_ERR_CONNECTION_REFUSED', async () => {
    const listener = createServer();
    await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
    const { port } = listener.address() as AddressInfo;
    await new Promise<void>((resolve) => listener.close(() => resolve()));
    const client = new WebSocketClient(`ws://127.0.0.1:${port}/`);
    const { next } = recorded(client);
    client.connect();
    expect((await next('error')).error).toMatchObject({ code: 'WK_ERR_CONNECTION_REFUSED', domain: 'posix' });
  });

  it('reports viabilityChanged(false), then the ping timeout as an error, with pingInterval and a peer that never pongs', async () => {
    fault = await startFaultServer({ mode: 'no-pong' });
    const client = new WebSocketClient(fault.url, { pingInterval: 100, pingTimeout: 250 });
    const { next } = recorded(client);
    client.connect();
    await next('connected');
    expect(await next('viabilityChanged')).toEqual({ type: 'viabilityChanged', isViable: false });
    expect((await next('error')).error.code).toBe('WK_ERR_PING_TIMEOUT');
  });

  it('runs on the WHATWG path too, where the response headers are hidden', async () => {
    const { url } = await echoServer();
    const client = new WebSocketClient(url, { connect: connectWebSocket(WebSocket) });
    const { next } = recorded(client);
    client.connect();
    expect(await next('connected')).toEqual({ type: 'connected', headers: {} });
    client.write('via WHATWG');
    expect(await next('text')).toEqual({ type: 'text', string: 'via WHATWG' });
  });

  it('abandons a connect when disconnect() comes first: no connected event, and the late connection is ended', async () => {
    const { url, wss } = await echoServer();
    const client = new WebSocketClient(url);
    const { events } = recorded(client);
    const arrived = once(wss, 'connection');
    client.connect();
    client.disconnect();
    const [peer] = (await arrived) as [WebSocket];
    await once(peer, 'close');
    expect(events).toEqual([]);
    expect(client.connection).toBeNull();
  });
});
