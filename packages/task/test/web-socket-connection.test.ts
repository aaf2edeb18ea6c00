import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Connection } from '@wirekit/core';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createConnect, URLSession, URLSessionConfiguration, URLSessionWebSocketTask, type WebSocketConnection } from '../src/index.browser.js';
import { FakeWebSocket, FakeWebSocketClass } from './support/fake-web-socket.js';
import { until } from './support/memory-session.js';

const { CloseCode } = URLSessionWebSocketTask;
const connect = createConnect({ WebSocket: FakeWebSocketClass });

async function opened(options: Parameters<typeof connect>[1] = {}): Promise<{ connection: WebSocketConnection; socket: FakeWebSocket }> {
  const pending = connect('ws://browser.test/chat', options);
  const socket = FakeWebSocket.latest();
  socket.open();
  return { connection: (await pending) as WebSocketConnection, socket };
}

afterEach(async () => {
  FakeWebSocket.instances.length = 0;
  vi.unstubAllGlobals();
});

describe('browser connect()', () => {
  it.each([
    [{ headers: { 'X-Token': 'a' } }],
    [{ origin: 'https://app.test' }],
    [{ tls: { rejectUnauthorized: false } }],
    [{ autoPong: false }],
    [{ extensions: [() => null] as never }],
  ])('rejects WK_ERR_UNSUPPORTED for %j, which a browser cannot honour', async (options) => {
    await expect(connect('ws://browser.test/', options)).rejects.toThrow(expect.objectContaining({ code: 'WK_ERR_UNSUPPORTED', domain: 'usage' }));
    expect(FakeWebSocket.instances).toHaveLength(0);
  });

  it.each([['http://'], ['ftp://browser.test/'], ['ws://browser.test/#frag'], ['ws://user:pw@browser.test/']])('throws WK_ERR_INVALID_URL for %s', async (url) => {
    await expect(connect(url)).rejects.toThrow(expect.objectContaining({ code: 'WK_ERR_INVALID_URL' }));
  });

  it.each([[['a b']], [['v1', 'v1']]])('throws WK_ERR_INVALID_PROTOCOL for %j', async (protocols) => {
    await expect(connect('ws://browser.test/', { protocols })).rejects.toThrow(expect.objectContaining({ code: 'WK_ERR_INVALID_PROTOCOL' }));
  });

  it('throws WK_ERR_UNSUPPORTED where there is no global WebSocket (Node 20)', async () => {
    vi.stubGlobal('WebSocket', undefined);
    await expect(createConnect()('ws://browser.test/')).rejects.toThrow(expect.objectContaining({ code: 'WK_ERR_UNSUPPORTED' }));
  });

  it('looks the global WebSocket up at each connect, not when the factory is made', async () => {
    const globalConnect = createConnect();
    vi.stubGlobal('WebSocket', FakeWebSocket);
    const pending = globalConnect('ws://browser.test/later');
    FakeWebSocket.latest().open();
    expect((await pending).url).toBe('ws://browser.test/later');
  });

  it('opens with the protocols offered and the subprotocol chosen, binaryType arraybuffer', async () => {
    const pending = connect('ws://browser.test/chat', { protocols: ['v2', 'v1'] });
    const socket = FakeWebSocket.latest();
    expect([socket.protocols, socket.binaryType]).toEqual([['v2', 'v1'], 'arraybuffer']);
    socket.open('v1');
    const connection = await pending;
    expect([connection.state, connection.protocol, connection.url]).toEqual(['open', 'v1', 'ws://browser.test/chat']);
  });

  it('rejects with WK_ERR_TRANSPORT when the socket fails before it opens (the browser gives no reason)', async () => {
    const pending = connect('ws://browser.test/');
    FakeWebSocket.latest().fail();
    FakeWebSocket.latest().closed(CloseCode.abnormalClosure, '', false);
    await expect(pending).rejects.toMatchObject({ code: 'WK_ERR_TRANSPORT' });
  });

  it('rejects with WK_ERR_ABORTED when the signal aborts, closing the socket', async () => {
    const controller = new AbortController();
    const pending = connect('ws://browser.test/', { signal: controller.signal });
    controller.abort();
    await expect(pending).rejects.toMatchObject({ code: 'WK_ERR_ABORTED' });
    expect(FakeWebSocket.latest().closes).toEqual([[undefined, undefined]]);
  });

  it('rejects with WK_ERR_CONNECT_TIMEOUT after connectTimeout', async () => {
    await expect(connect('ws://browser.test/', { connectTimeout: 20 })).rejects.toMatchObject({ code: 'WK_ERR_CONNECT_TIMEOUT' });
  });
});

describe('WebSocketConnection', () => {
  it('resolves send() only once bufferedAmount shows the message left the buffer', async () => {
    const { connection, socket } = await opened();
    let done = false;
    const sent = connection.send('hello').then(() => (done = true));
    expect(socket.bufferedAmount).toBe(5);
    expect(connection.bufferedAmount).toBe(5);
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(done).toBe(false);
    socket.bufferedAmount = 0;
    await sent;
    expect(done).toBe(true);
  });

  it('resolves sends in order as the buffer drains part by part', async () => {
    const { connection, socket } = await opened();
    const order: number[] = [];
    const sends = [connection.send(new Uint8Array(10)), connection.send(new Uint8Array(10))].map((send, index) => send.then(() => order.push(index)));
    socket.bufferedAmount = 10;
    await sends[0];
    expect(order).toEqual([0]);
    socket.bufferedAmount = 0;
    await sends[1];
    expect(order).toEqual([0, 1]);
  });

  it('delivers text as strings and ArrayBuffers as plain Uint8Arrays, to receive() and events', async () => {
    const { connection, socket } = await opened();
    const events: unknown[] = [];
    connection.on('message', (message) => events.push(message));
    const received = [connection.receive(), connection.receive()];
    socket.receive('hi');
    socket.receive(new Uint8Array([1, 2]).buffer);
    expect(await Promise.all(received)).toEqual(['hi', new Uint8Array([1, 2])]);
    expect(events).toEqual(['hi', new Uint8Array([1, 2])]);
  });

  it('rejects ping() with WK_ERR_UNSUPPORTED while open, WK_ERR_NOT_OPEN after close', async () => {
    const { connection, socket } = await opened();
    await expect(connection.ping()).rejects.toMatchObject({ code: 'WK_ERR_UNSUPPORTED', domain: 'usage' });
    void connection.close();
    socket.closed(CloseCode.noStatusReceived);
    await expect(connection.ping()).rejects.toMatchObject({ code: 'WK_ERR_NOT_OPEN' });
  });

  it('fails with WK_ERR_MESSAGE_TOO_LARGE above maxMessageSize, closing without a code where 1009 is refused', async () => {
    const { connection, socket } = await opened({ maxMessageSize: 4 });
    const errors: string[] = [];
    connection.on('error', (error) => errors.push(error.code));
    socket.receive('four');
    socket.receive('fives');
    expect(await connection.receive()).toBe('four');
    expect([errors, socket.closes, connection.state]).toEqual([['WK_ERR_MESSAGE_TOO_LARGE'], [[undefined, undefined]], 'closing']);
    socket.closed(CloseCode.noStatusReceived, '', true);
    expect(await connection.closed).toEqual({ code: CloseCode.messageTooBig, reason: '', wasClean: false });
  });

  it('rejects (never throws) WK_ERR_UNSUPPORTED for a close code the platform refuses, and WK_ERR_INVALID_CLOSE_CODE for one nobody may send; stays open', async () => {
    const { connection } = await opened();
    await expect(connection.close(CloseCode.goingAway)).rejects.toMatchObject({ code: 'WK_ERR_UNSUPPORTED' });
    await expect(connection.close(CloseCode.noStatusReceived)).rejects.toMatchObject({ code: 'WK_ERR_INVALID_CLOSE_CODE', domain: 'usage' });
    expect(connection.state).toBe('open');
  });

  it('reports WK_ERR_CLOSE_TIMEOUT and 1006 when no close event follows close()', async () => {
    const { connection, socket } = await opened({ closeTimeout: 20 });
    const errors: string[] = [];
    connection.on('error', (error) => errors.push(error.code));
    expect(await connection.close(4000, 'bye')).toEqual({ code: CloseCode.abnormalClosure, reason: '', wasClean: false });
    expect([errors, socket.closes]).toEqual([['WK_ERR_CLOSE_TIMEOUT'], [[4000, 'bye']]]);
  });

  it('terminate() reports 1006 at once, rejects pending sends with WK_ERR_CLOSED, and stops listening to the socket', async () => {
    const { connection, socket } = await opened();
    const sent = connection.send('pending');
    connection.terminate();
    await expect(sent).rejects.toMatchObject({ code: 'WK_ERR_CLOSED' });
    expect(await connection.closed).toEqual({ code: CloseCode.abnormalClosure, reason: '', wasClean: false });
    expect(socket.listenerCount()).toBe(1); // the error guard an EventEmitter-based socket needs
    await expect(connection.send('late')).rejects.toMatchObject({ code: 'WK_ERR_NOT_OPEN' });
  });

  it('resolves pending sends after a clean close and ends for-await iteration', async () => {
    const { connection, socket } = await opened();
    const sent = connection.send('last');
    const seen: unknown[] = [];
    const loop = (async () => {
      for await (const message of connection as Connection) seen.push(message);
    })();
    socket.receive('one');
    socket.closed(4001, 'bye', true);
    await sent;
    await loop;
    expect(seen).toEqual(['one']);
    expect(await connection.closed).toEqual({ code: 4001, reason: 'bye', wasClean: true });
  });
});

describe('URLSession (browser entry)', () => {
  it('refuses header fields with WK_ERR_UNSUPPORTED when the task is created', () => {
    const configuration = URLSessionConfiguration.default;
    configuration.httpAdditionalHeaders = { Authorization: 'Bearer x' };
    const session = new URLSession(configuration, null, { WebSocket: FakeWebSocketClass });
    expect(() => session.webSocketTask('ws://browser.test/')).toThrow(expect.objectContaining({ code: 'WK_ERR_UNSUPPORTED' }));
  });

  it('runs a task on the WebSocket given, with the pong handler told WK_ERR_UNSUPPORTED', async () => {
    const session = new URLSession(undefined, null, { WebSocket: FakeWebSocketClass });
    const task = session.webSocketTask('ws://browser.test/', ['v1']);
    task.resume();
    const socket = FakeWebSocket.latest();
    socket.open('v1');
    const pong = await new Promise((resolve) => task.sendPing(resolve));
    expect(pong).toMatchObject({ code: 'WK_ERR_UNSUPPORTED' });
    const received = task.receive();
    socket.receive('x'.repeat(1024 * 1024 + 1));
    socket.closed(CloseCode.noStatusReceived, '', true);
    await expect(received).rejects.toMatchObject({ code: 'WK_ERR_MESSAGE_TOO_LARGE' });
    await until(() => task.state === 'completed');
    expect(task.error?.code).toBe('WK_ERR_MESSAGE_TOO_LARGE');
  });
});

describe('the browser entry', () => {
  const packageDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');

  it('imports no node: module and not @wirekit/framed, through every file it reaches', () => {
    const seen = new Set<string>();
    const bare = new Set<string>();
    const visit = (file: string): void => {
      if (seen.has(file)) return;
      seen.add(file);
      const source = readFileSync(file, 'utf8').replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/.*$/gm, '');
      for (const match of source.matchAll(/\b(?:from|import)\s*\(?\s*'([^']+)'/g)) {
        const specifier = match[1]!;
        if (specifier.startsWith('.')) visit(join(dirname(file), specifier.replace(/\.js$/, '.ts')));
        else if (specifier.startsWith('@wirekit/')) visit(join(packageDir, '..', specifier.slice('@wirekit/'.length), 'src', 'index.ts'));
        else bare.add(specifier);
      }
    };
    visit(join(packageDir, 'src', 'index.browser.ts'));
    expect([...seen].some((file) => file.includes(`${join('packages', 'framed')}`))).toBe(false);
    expect([...bare].filter((specifier) => specifier.startsWith('node:'))).toEqual([]);
    expect([...bare].sort()).toEqual(['eventemitter3']);
  });

  it('is what the browser export condition selects, ahead of the Node entry', () => {
    const manifest = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')) as { exports: { '.': Record<string, unknown> } };
    const conditions = manifest.exports['.'];
    expect(Object.keys(conditions)[0]).toBe('browser');
    expect(conditions.browser).toMatchObject({ source: './src/index.browser.ts', default: './dist/index.browser.js' });
    expect(conditions.source).toBe('./src/index.ts');
  });
});
