import { createServer, get, type Server } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import WebSocket from 'ws';
import type { EngineConnection } from '@wirekit/core';
import { encodeFrame, Opcode } from '@wirekit/protocol';
import { WireKitServer } from '../src/index.js';
import { closeOf, collect, openClient, rawExchange, refusalOf, upgradeRequest, within } from './support/harness.js';
import { startEchoServer, startServer } from './support/servers.js';

describe('WireKitServer', () => {
  describe('listen()', () => {
    it('echoes text and binary messages from a ws client', async () => {
      const { url } = await startEchoServer();
      const ws = await openClient(url);
      const inbox = collect(ws);
      ws.send('hello');
      ws.send(new Uint8Array([1, 2, 3]));
      expect(await inbox.next(2)).toEqual(['hello', new Uint8Array([1, 2, 3])]);
      ws.close();
    });

    it('delivers many messages in the order they were sent', async () => {
      const { url } = await startEchoServer();
      const ws = await openClient(url);
      const inbox = collect(ws);
      const sent = Array.from({ length: 2_000 }, (_, index) => `message ${String(index)}`);
      for (const message of sent) ws.send(message);
      expect(await inbox.next(sent.length)).toEqual(sent);
      ws.close();
    });

    it('reports the connection with its validated request and lists it in connections until it closes', async () => {
      const { server, url } = await startServer();
      const connected = within(5_000, new Promise<[EngineConnection, string]>((resolve) => {
        server.on('connection', (connection, request) => resolve([connection, request.target]));
      }), 'connection event');
      const ws = await openClient(`${url}/chat?room=1`);
      const [connection, target] = await connected;
      expect(target).toBe('/chat?room=1');
      expect(connection.url).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\/chat\?room=1$/);
      expect(server.connections.has(connection)).toBe(true);
      ws.close();
      await within(5_000, connection.closed, 'server side close');
      expect(server.connections.size).toBe(0);
    });

    it('delivers a frame sent in the same packet as the request head to the connection listener', async () => {
      const { server, port } = await startServer();
      const early = within(5_000, new Promise<unknown>((resolve) => {
        server.on('connection', (connection) => connection.on('message', resolve));
      }), 'the early message');
      const frame = encodeFrame({ opcode: Opcode.Text, payload: new TextEncoder().encode('early'), mask: new Uint8Array([1, 2, 3, 4]) });
      const socket = connect({ host: '127.0.0.1', port });
      socket.on('error', () => undefined);
      try {
        socket.write(Buffer.concat([Buffer.from(upgradeRequest('/')), ...frame]));
        expect(await early).toBe('early');
      } finally {
        socket.destroy();
      }
    });

    it('holds a frame sent with the request head for a message listener attached later', async () => {
      const { server, port } = await startServer();
      const early = within(5_000, new Promise<unknown>((resolve) => {
        server.on('connection', (connection) => void setTimeout(() => connection.on('message', resolve), 50));
      }), 'the early message');
      const frame = encodeFrame({ opcode: Opcode.Text, payload: new TextEncoder().encode('held'), mask: new Uint8Array([1, 2, 3, 4]) });
      const socket = connect({ host: '127.0.0.1', port });
      socket.on('error', () => undefined);
      try {
        socket.write(Buffer.concat([Buffer.from(upgradeRequest('/')), ...frame]));
        expect(await early).toBe('held');
      } finally {
        socket.destroy();
      }
    });

    it('refuses a send past maxBufferedAmount with WK_ERR_BUFFER_FULL and keeps the connection open', async () => {
      const { server, url } = await startServer({ maxBufferedAmount: 1_000_000 });
      const connected = within(5_000, new Promise<EngineConnection>((resolve) => server.on('connection', resolve)), 'connection event');
      const ws = await openClient(url);
      const connection = await connected;
      const first = connection.send(new Uint8Array(600_000));
      await expect(connection.send(new Uint8Array(600_000))).rejects.toMatchObject({ code: 'WK_ERR_BUFFER_FULL' });
      await first;
      expect(connection.state).toBe('open');
      expect((await collect(ws).next(1)).map((message) => message.length)).toEqual([600_000]);
      ws.close();
    });

    it.each(['maxBufferedAmount', 'receiveHighWaterMark', 'outputStallTimeout'] as const)('throws WK_ERR_INVALID_ARGUMENT for a %s of 0', (name) => {
      expect(() => new WireKitServer({ [name]: 0 })).toThrow(expect.objectContaining({ code: 'WK_ERR_INVALID_ARGUMENT' }));
    });

    it("gives the engine Node's Buffer.allocUnsafe to join a large message that spans reads", async () => {
      const { server, port } = await startServer();
      const received = within(5_000, new Promise<unknown>((resolve) => {
        server.on('connection', (connection) => void connection.receive().then(resolve));
      }), 'the large message');
      const frame = encodeFrame({ opcode: Opcode.Binary, payload: new Uint8Array(1024 * 1024).fill(9), mask: new Uint8Array([1, 2, 3, 4]) });
      const bytes = Buffer.concat([Buffer.from(upgradeRequest('/')), ...frame]);
      const spy = vi.spyOn(Buffer, 'allocUnsafe');
      const socket = connect({ host: '127.0.0.1', port });
      socket.on('error', () => undefined);
      try {
        socket.write(bytes);
        expect(await received).toEqual(new Uint8Array(1024 * 1024).fill(9));
        expect(spy.mock.calls.some(([size]) => size >= 1024 * 1024)).toBe(true);
      } finally {
        spy.mockRestore();
        socket.destroy();
      }
    });

    it('rejects with the errno when the port is taken', async () => {
      const { port } = await startServer();
      const second = new WireKitServer({ port });
      await expect(second.listen()).rejects.toMatchObject({ name: 'WireKitError', errno: 'EADDRINUSE' });
      await second.close();
    });

    it('reports a connection listener that throws on the error event and keeps serving', async () => {
      const { server, url } = await startEchoServer();
      const errors: string[] = [];
      server.on('connection', () => {
        throw new Error('listener bug');
      });
      server.on('error', (error) => errors.push(error.message));
      const ws = await openClient(url);
      const inbox = collect(ws);
      ws.send('still echoed');
      expect(await inbox.next(1)).toEqual(['still echoed']);
      expect(errors).toEqual(['listener bug']);
      ws.close();
    });

    it('answers a plain HTTP request with 426 Upgrade Required', async () => {
      const { port } = await startServer();
      const { response } = await rawExchange(port, 'GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
      expect(response).toMatch(/^HTTP\/1\.1 426 /);
      expect(response.toLowerCase()).toContain('upgrade: websocket');
    });

    it('refuses a path other than the path option with 404', async () => {
      const { url } = await startServer({ path: '/ws' });
      expect(url).toMatch(/\/ws$/);
      expect((await refusalOf(url.replace(/\/ws$/, '/other'))).status).toBe(404);
      const ws = await openClient(`${url}?token=1`);
      ws.close();
    });
  });

  describe('handleUpgrade()', () => {
    let http: Server | undefined;
    afterEach(async () => {
      const closing = http;
      http = undefined;
      if (closing === undefined) return;
      closing.closeAllConnections();
      await within(5_000, new Promise((resolve) => closing.close(resolve)), 'http server close');
    });

    it('shares a port with normal HTTP requests on an existing node:http server', async () => {
      const wire = new WireKitServer();
      wire.on('connection', (connection) => connection.on('message', (message) => void connection.send(message).catch(() => undefined)));
      http = createServer((_request, response) => response.end('plain http'));
      http.on('upgrade', (request, socket, head) => void wire.handleUpgrade(request, socket, head));
      await new Promise<void>((resolve) => http!.listen(0, '127.0.0.1', resolve));
      const { port } = http.address() as AddressInfo;

      const body = await within(5_000, new Promise<string>((resolve, reject) => {
        get({ host: '127.0.0.1', port, path: '/' }, (response) => {
          let text = '';
          response.on('data', (chunk: Buffer) => (text += chunk.toString()));
          response.on('end', () => resolve(text));
        }).on('error', reject);
      }), 'plain HTTP response');
      expect(body).toBe('plain http');

      const ws = await openClient(`ws://127.0.0.1:${String(port)}/socket`);
      const inbox = collect(ws);
      ws.send('over the shared port');
      expect(await inbox.next(1)).toEqual(['over the shared port']);
      const closed = closeOf(ws);
      await wire.close();
      expect((await closed).code).toBe(1001);
      expect(http.listening).toBe(true);
    });

    it('attaches to a server given as the server option and detaches on close', async () => {
      http = createServer((_request, response) => response.end('ok'));
      const wire = new WireKitServer({ server: http });
      const { url } = await wire.listen();
      const ws = await openClient(url);
      const closed = closeOf(ws);
      await wire.close();
      expect((await closed).code).toBe(1001);
      expect(http.listenerCount('upgrade')).toBe(0);
    });
  });

  describe('subprotocols', () => {
    it.each([
      { offered: ['chat.v2', 'chat.v1'], selected: 'chat.v1' },
      { offered: ['chat.v1', 'chat.v2'], selected: 'chat.v1' },
    ])('selects $selected from $offered with handleProtocols', async ({ offered, selected }) => {
      const { server, url } = await startServer({ handleProtocols: (protocols) => protocols.find((protocol) => protocol === 'chat.v1') });
      const serverSide = within(5_000, new Promise<string>((resolve) => server.on('connection', (connection) => resolve(connection.protocol))), 'connection');
      const ws = await openClient(url, offered);
      expect(ws.protocol).toBe(selected);
      expect(await serverSide).toBe(selected);
      ws.close();
    });

    it('selects none without handleProtocols', async () => {
      const { server, url } = await startServer();
      const serverSide = within(5_000, new Promise<string>((resolve) => server.on('connection', (connection) => resolve(connection.protocol))), 'connection');
      const ws = await openClient(url);
      expect(ws.protocol).toBe('');
      expect(await serverSide).toBe('');
      ws.close();
    });

    it('refuses with 500 and reports an error when handleProtocols picks one that was not offered', async () => {
      const { server, url } = await startServer({ handleProtocols: () => 'never-offered' });
      const errors: string[] = [];
      server.on('error', (error) => errors.push(error.code));
      expect((await refusalOf(url, ['chat.v1'])).status).toBe(500);
      expect(errors).toEqual(['WK_ERR_INVALID_PROTOCOL']);
    });
  });

  describe('verifyClient', () => {
    it.each([
      { name: 'refuses a foreign origin with 403', status: 403, verify: () => ({ status: 403, body: 'origin not allowed' }) },
      {
        name: 'refuses asynchronously with 401 and WWW-Authenticate',
        status: 401,
        verify: async () => {
          await new Promise((resolve) => setTimeout(resolve, 20));
          return { status: 401, headers: { 'WWW-Authenticate': 'Bearer' } };
        },
      },
    ])('$name', async ({ status, verify }) => {
      const { url } = await startServer({ verifyClient: verify });
      const refusal = await refusalOf(url);
      expect(refusal.status).toBe(status);
      if (status === 401) expect(refusal.headers['www-authenticate']).toBe('Bearer');
      else expect(refusal.body).toBe('origin not allowed');
    });

    it('sees the origin and remote address, and accepts with true', async () => {
      const seen: Array<[string | undefined, string | undefined]> = [];
      const { url } = await startServer({
        verifyClient: ({ origin, remoteAddress }) => {
          seen.push([origin, remoteAddress]);
          return true;
        },
      });
      const ws = await openClient(url);
      expect(seen).toEqual([[undefined, '127.0.0.1']]);
      ws.close();
    });

    it('refuses with 500 and reports WK_ERR_INVALID_ARGUMENT when the hook refuses with a 2xx status', async () => {
      const { server, url } = await startServer({ verifyClient: () => ({ status: 200 }) });
      const errors: string[] = [];
      server.on('error', (error) => errors.push(error.code));
      expect((await refusalOf(url)).status).toBe(500);
      expect(errors).toEqual(['WK_ERR_INVALID_ARGUMENT']);
    });

    it('destroys the socket when the hook outlasts the handshake timeout', async () => {
      const { url } = await startServer({ handshakeTimeout: 200, verifyClient: () => new Promise<true>(() => undefined) });
      const ws = new WebSocket(url);
      const failure = await within(5_000, new Promise<Error>((resolve) => ws.once('error', resolve)), 'the client to see the socket close');
      expect(failure.message).toMatch(/Unexpected server response: 408|socket hang up|ECONNRESET/);
    });

    it('refuses with 500 and reports the error when the hook throws', async () => {
      const { server, url } = await startServer({ verifyClient: () => Promise.reject(new Error('auth service down')) });
      const errors: string[] = [];
      server.on('error', (error) => errors.push(error.message));
      expect((await refusalOf(url)).status).toBe(500);
      expect(errors).toEqual(['auth service down']);
    });
  });

  describe('limits', () => {
    it('refuses a connection beyond maxConnections with 503', async () => {
      const { url } = await startServer({ maxConnections: 1 });
      const first = await openClient(url);
      const refusal = await refusalOf(url);
      expect(refusal.status).toBe(503);
      expect(refusal.headers['retry-after']).toBe('1');
      const closed = closeOf(first);
      first.close();
      await closed;
    });

    it('answers a socket that sends half a request with 408 and closes it at the handshake timeout (slowloris, as ws)', async () => {
      const { port, url } = await startServer({ handshakeTimeout: 200 });
      // rawExchange fails unless the server closes the socket within its 5 s bound.
      const { response } = await rawExchange(port, 'GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n', 5_000);
      expect(response).toMatch(/^HTTP\/1\.1 408 /);
      const ws = await openClient(url);
      ws.close();
    });

    it.each([
      { name: 'a missing Sec-WebSocket-Key', request: upgradeRequest('/', { 'Sec-WebSocket-Key': null }), status: 400 },
      { name: 'a key that is not 16 bytes', request: upgradeRequest('/', { 'Sec-WebSocket-Key': 'c2hvcnQ=' }), status: 400 },
      { name: 'unparsable HTTP', request: 'HELLO \u0001 WORLD\r\n\r\n', status: 400 },
      { name: 'a POST upgrade', request: upgradeRequest('/').replace(/^GET/, 'POST'), status: 405 },
    ])('answers $name with $status', async ({ request, status }) => {
      const { port } = await startServer();
      const { response } = await rawExchange(port, request);
      expect(response).toMatch(new RegExp(`^HTTP/1\\.1 ${String(status)} `));
    });

    it('answers Sec-WebSocket-Version 8 with 426 and the version it speaks', async () => {
      const { port } = await startServer();
      const { response } = await rawExchange(port, upgradeRequest('/', { 'Sec-WebSocket-Version': '8' }));
      expect(response).toMatch(/^HTTP\/1\.1 426 /);
      expect(response).toContain('Sec-WebSocket-Version: 13');
    });
  });

  describe('close()', () => {
    it('closes every client with 1001 Going Away and refuses new ones', async () => {
      const { server, url } = await startEchoServer();
      const clients = await Promise.all([openClient(url), openClient(url), openClient(url)]);
      const closes = clients.map((ws) => closeOf(ws));
      await within(10_000, server.close(), 'server close');
      expect((await Promise.all(closes)).map(({ code }) => code)).toEqual([1001, 1001, 1001]);
      expect(server.connections.size).toBe(0);
      await expect(server.listen()).rejects.toMatchObject({ code: 'WK_ERR_NOT_OPEN' });
    });

    it('rejects what is pending on its connections with WK_ERR_SERVER_CLOSED (1001)', async () => {
      const { server, url } = await startServer();
      const connected = within(5_000, new Promise<EngineConnection>((resolve) => server.on('connection', resolve)), 'connection event');
      const ws = await openClient(url);
      const connection = await connected;
      const pending = connection.receive();
      const clientClose = closeOf(ws);
      await within(10_000, server.close(), 'server close');
      await expect(pending).rejects.toMatchObject({ code: 'WK_ERR_SERVER_CLOSED', closeCode: 1001 });
      expect(await connection.closed).toMatchObject({ code: 1001, wasClean: true });
      expect((await clientClose).code).toBe(1001);
    });

    it('refuses a handshake that arrives during shutdown with 503', async () => {
      const wire = new WireKitServer();
      void wire.close();
      const http = createServer();
      http.on('upgrade', (request, socket, head) => void wire.handleUpgrade(request, socket, head));
      await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
      try {
        const { port } = http.address() as AddressInfo;
        expect((await refusalOf(`ws://127.0.0.1:${String(port)}`)).status).toBe(503);
      } finally {
        http.closeAllConnections();
        await within(5_000, new Promise((resolve) => http.close(resolve)), 'http close');
      }
    });
  });
});
