import { Socket } from 'node:net';
import { WireKitError } from '@wirekit/core';

const write = Socket.prototype.write;
import { afterEach, describe, expect, it, vi } from 'vitest';
import { connect } from '../src/index.js';
import { within } from './support/harness.js';
import { freePort, tcpServer, wsServer, type TcpServer, type WsServer } from '@wirekit/test-support';

async function failure(promise: Promise<unknown>): Promise<WireKitError> {
  const error: unknown = await within(promise.then(() => null, (reason: unknown) => reason), 10_000, 'connect to fail');
  if (!(error instanceof WireKitError)) throw new Error(`expected a WireKitError, got ${String(error)}`);
  return error;
}

describe('connect()', () => {
  let ws: WsServer | undefined;
  let tcp: TcpServer | undefined;

  afterEach(async () => {
    await ws?.close();
    await tcp?.close();
    ws = undefined;
    tcp = undefined;
  });

  it('opens a Connection that echoes through a ws server', async () => {
    ws = await wsServer({ handleProtocols: () => 'echo.v1' });
    const connection = await within(connect(`${ws.url}/echo`, { protocols: ['echo.v1'], headers: { 'X-Id': '9' }, origin: 'http://app.test' }));
    expect([connection.url, connection.protocol, connection.state]).toEqual([`${ws.url}/echo`, 'echo.v1', 'open']);
    expect(ws.peers[0]?.request.headers['x-id']).toBe('9');
    expect(ws.peers[0]?.request.headers.origin).toBe('http://app.test');
    await connection.send('ping?');
    expect(await within(connection.receive())).toBe('ping?');
    const info = await within(connection.close(1000, 'done'));
    expect(info).toEqual({ code: 1000, reason: 'done', wasClean: true });
  });

  it("gives the engine Node's Buffer.allocUnsafe for its large buffers (the client masks into one)", async () => {
    ws = await wsServer({ echo: false });
    const connection = await within(connect(`${ws.url}/alloc`));
    const spy = vi.spyOn(Buffer, 'allocUnsafe');
    try {
      // Synchronous: the engine masks inside send(), before any I/O (and the ws server) can run.
      const sent = connection.send(new Uint8Array(1024 * 1024));
      expect(spy.mock.calls.some(([size]) => size >= 1024 * 1024)).toBe(true);
      await within(sent);
    } finally {
      spy.mockRestore();
    }
    await within(connection.close(1000));
  });

  it('writes the upgrade request while TCP still connects (ws: and http: only), so no turn of the event loop separates the two', async () => {
    ws = await wsServer();
    const states: boolean[] = [];
    const spy = vi.spyOn(Socket.prototype, 'write').mockImplementation(function (this: Socket, ...args: Parameters<Socket['write']>) {
      states.push(this.connecting);
      return write.apply(this, args);
    });
    try {
      const connection = await within(connect(`${ws.url}/early`));
      expect(states[0]).toBe(true);
      await within(connection.close(1000));
    } finally {
      spy.mockRestore();
    }
  });

  it('rejects with WK_ERR_CONNECTION_REFUSED (posix ECONNREFUSED) when nothing listens', async () => {
    const error = await failure(connect(`ws://127.0.0.1:${await freePort()}`));
    expect([error.code, error.domain, error.errno]).toEqual(['WK_ERR_CONNECTION_REFUSED', 'posix', 'ECONNREFUSED']);
  });

  it('rejects with WK_ERR_DNS (dns domain) for a host that cannot resolve', async () => {
    const error = await failure(connect('ws://wirekit-test.invalid:80/'));
    expect([error.code, error.domain]).toEqual(['WK_ERR_DNS', 'dns']);
  });

  it('rejects with WK_ERR_CONNECT_TIMEOUT when the server never answers the handshake', async () => {
    tcp = await tcpServer(() => undefined);
    const error = await failure(connect(`ws://127.0.0.1:${tcp.port}`, { connectTimeout: 200 }));
    expect(error.code).toBe('WK_ERR_CONNECT_TIMEOUT');
  });

  it('rejects with WK_ERR_ABORTED when its signal aborts during the handshake', async () => {
    tcp = await tcpServer(() => undefined);
    const controller = new AbortController();
    const pending = connect(`ws://127.0.0.1:${tcp.port}`, { signal: controller.signal });
    setTimeout(() => controller.abort(), 50);
    expect((await failure(pending)).code).toBe('WK_ERR_ABORTED');
  });

  it('rejects with WK_ERR_HANDSHAKE_STATUS and the status when the server refuses', async () => {
    tcp = await tcpServer((socket) => socket.once('data', () => socket.end('HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n')));
    const error = await failure(connect(`ws://127.0.0.1:${tcp.port}`));
    expect([error.code, error.status]).toEqual(['WK_ERR_HANDSHAKE_STATUS', 403]);
  });

  it.each(['ftp://127.0.0.1/', 'not a url'])('throws WK_ERR_INVALID_URL for %s', async (url) => {
    await expect(connect(url)).rejects.toThrow(expect.objectContaining({ code: 'WK_ERR_INVALID_URL' }));
  });
});
