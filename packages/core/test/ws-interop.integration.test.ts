import { createServer, connect, type AddressInfo, type Server, type Socket } from 'node:net';
import { acceptUpgrade, ServerHandshake } from '@wirekit/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket, WebSocketServer, type RawData } from 'ws';
import { acceptServerConnection, openClientConnection, socketChannel, WireKitError, type EngineConnection } from '../src/index.js';
import { random, sha1 } from './support/pair.js';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function wsServer(options: ConstructorParameters<typeof WebSocketServer>[0] = {}): Promise<{ server: WebSocketServer; url: string }> {
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0, ...options });
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  cleanups.push(() => {
    for (const client of server.clients) client.terminate();
    return new Promise<void>((resolve) => server.close(() => resolve()));
  });
  return { server, url: `ws://127.0.0.1:${(server.address() as AddressInfo).port}/echo` };
}

function dial(url: string, options: { protocols?: string[]; connectTimeout?: number } = {}): Promise<EngineConnection> {
  const { hostname, port } = new globalThis.URL(url);
  const socket = connect({ host: hostname, port: Number(port) });
  socket.setNoDelay(true);
  cleanups.push(() => void socket.destroy());
  return openClientConnection(socketChannel(socket), { url, random, sha1, connectTimeout: 5_000, ...options });
}

const echo = (socket: WebSocket): void => {
  socket.on('message', (data: RawData, isBinary: boolean) => socket.send(data, { binary: isBinary }));
};

describe('EngineConnection over node:net against ws (loopback)', () => {
  it('exchanges text and binary messages, measures a ping and closes cleanly', async () => {
    const { server, url } = await wsServer({ handleProtocols: (protocols) => [...protocols][0] ?? false });
    const serverClose = new Promise<[number, string]>((resolve) => {
      server.on('connection', (socket) => {
        echo(socket);
        socket.on('close', (code, reason) => resolve([code, reason.toString()]));
      });
    });
    const client = await dial(url, { protocols: ['echo.v1'] });
    expect(client.protocol).toBe('echo.v1');
    await client.send('héllo');
    await client.send(Uint8Array.of(0, 1, 255));
    expect(await client.receive()).toBe('héllo');
    expect(await client.receive()).toEqual(Uint8Array.of(0, 1, 255));
    expect(await client.ping(Uint8Array.of(1))).toBeGreaterThanOrEqual(0);
    expect(await client.close(1000, 'bye')).toEqual({ code: 1000, reason: 'bye', wasClean: true });
    expect(await serverClose).toEqual([1000, 'bye']);
  });

  it('rejects WK_ERR_HANDSHAKE_STATUS with status 403 when ws refuses the upgrade', async () => {
    const { url } = await wsServer({ verifyClient: (_info, callback) => callback(false, 403) });
    await expect(dial(url)).rejects.toMatchObject({ code: 'WK_ERR_HANDSHAKE_STATUS', status: 403 });
  });

  it('rejects WK_ERR_CONNECTION_REFUSED (errno ECONNREFUSED) when nothing listens', async () => {
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const { port } = probe.address() as AddressInfo;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    const error = await dial(`ws://127.0.0.1:${port}/`).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WireKitError);
    expect(error).toMatchObject({ code: 'WK_ERR_CONNECTION_REFUSED', domain: 'posix', errno: 'ECONNREFUSED' });
  });

  it('closes with 1006 when ws terminates the socket', async () => {
    const { server, url } = await wsServer();
    server.on('connection', (socket) => socket.on('message', () => socket.terminate()));
    const client = await dial(url);
    await client.send('kill me');
    expect(await client.closed).toEqual({ code: 1006, reason: '', wasClean: false });
  });
});

describe('acceptServerConnection over node:net with a ws client (loopback)', () => {
  async function engineServer(onConnection: (connection: EngineConnection) => void): Promise<string> {
    const sockets = new Set<Socket>();
    const server: Server = createServer((socket) => {
      sockets.add(socket);
      const channel = socketChannel(socket);
      const handshake = new ServerHandshake();
      channel.bind({
        data: (chunk) => {
          const result = handshake.receive(chunk);
          if (result === null) return;
          if (result.kind === 'invalid') return void socket.end(result.response);
          const accepted = acceptUpgrade(result.request, { sha1 });
          channel.write([accepted.response], () => undefined);
          onConnection(acceptServerConnection(channel, { url: `ws://${result.request.host}${result.request.target}`, ...accepted, remainder: result.remainder }));
        },
        end: () => socket.end(),
        error: () => undefined,
        close: () => undefined,
        drain: () => undefined,
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => {
      for (const socket of sockets) socket.destroy();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    });
    return `ws://127.0.0.1:${(server.address() as AddressInfo).port}/room`;
  }

  it('echoes a ws client and completes the close the client starts', async () => {
    let serverSide!: EngineConnection;
    const url = await engineServer((connection) => {
      serverSide = connection;
      connection.on('message', (message) => void connection.send(message));
    });
    const client = new WebSocket(url);
    cleanups.push(() => client.terminate());
    await new Promise((resolve, reject) => client.once('open', resolve).once('error', reject));
    const reply = new Promise<string>((resolve) => client.once('message', (data: RawData) => resolve(data.toString())));
    client.send('ping?');
    expect(await reply).toBe('ping?');
    const closed = new Promise<[number, string]>((resolve) => client.once('close', (code, reason) => resolve([code, reason.toString()])));
    client.close(4001, 'leaving');
    expect(await closed).toEqual([4001, '']);
    expect(await serverSide.closed).toEqual({ code: 4001, reason: 'leaving', wasClean: true });
    expect(serverSide.url).toBe(url);
  });
});
