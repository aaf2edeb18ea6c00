import { afterEach, describe, expect, it } from 'vitest';
import type { Clock } from '@wirekit/core';
import {
  AF_INET,
  AF_INET6,
  CFSocketError,
  decodeSockaddr,
  IPPROTO_TCP,
  SHUT_RD,
  SHUT_WR,
  SO_BROADCAST,
  SOCK_DGRAM,
  SOCK_STREAM,
  sockaddr_in,
  sockaddr_in6,
  SOL_SOCKET,
  SocketTable,
  TCP_NODELAY,
  type SocketEvent,
} from '../src/index.js';
import { closedPort, startTcpEchoServer, until, type TcpEchoServer } from './support/servers.js';

const text = (bytes: Uint8Array): string => new TextDecoder().decode(bytes);
const bytes = (value: string): Uint8Array => new TextEncoder().encode(value);

let tables: SocketTable[] = [];
let servers: TcpEchoServer[] = [];

function table(options: ConstructorParameters<typeof SocketTable>[0] = {}): SocketTable {
  const created = new SocketTable(options);
  tables.push(created);
  return created;
}

async function echo(host?: string): Promise<TcpEchoServer> {
  const server = await startTcpEchoServer(host);
  servers.push(server);
  return server;
}

/** Reads until `size` bytes arrived or EOF, bounded in iterations. */
async function readBytes(sockets: SocketTable, fd: number, size: number): Promise<string> {
  let out = '';
  for (let i = 0; i < 10_000 && out.length < size; i += 1) {
    const chunk = await sockets.recvAsync(fd, 65_536);
    if (chunk.length === 0) break;
    out += text(chunk);
  }
  return out;
}

afterEach(async () => {
  for (const sockets of tables) for (const fd of sockets.descriptors) sockets.close(fd);
  await Promise.all(servers.map((server) => server.close()));
  tables = [];
  servers = [];
});

describe('SOCK_STREAM against a node:net echo server', () => {
  it('connects (success), sends, and reads the echo back', async () => {
    const server = await echo();
    const sockets = table();
    const fd = sockets.socket(AF_INET, SOCK_STREAM);
    expect(await sockets.connect(fd, sockaddr_in('127.0.0.1', server.port), { timeout: 5_000 })).toEqual({ result: CFSocketError.success });
    expect(sockets.send(fd, bytes('Hello, world! - from the test app'))).toEqual({ kind: 'sent', bytes: 33 });
    expect(await readBytes(sockets, fd, 33)).toBe('Hello, world! - from the test app');
    expect(decodeSockaddr(sockets.getpeername(fd))).toMatchObject({ address: '127.0.0.1', port: server.port });
    expect(decodeSockaddr(sockets.getsockname(fd))).toMatchObject({ family: AF_INET, address: '127.0.0.1' });
  });

  it('answers recv with EAGAIN while nothing is buffered, without waiting', async () => {
    const server = await echo();
    const sockets = table();
    const fd = sockets.socket(AF_INET, SOCK_STREAM);
    await sockets.connect(fd, { family: AF_INET, address: '127.0.0.1', port: server.port });
    expect(sockets.recv(fd, 100)).toEqual({ kind: 'would-block', errno: 'EAGAIN' });
    expect(sockets.poll(fd)).toMatchObject({ readable: false, writable: true });
    await sockets.sendAsync(fd, bytes('x'));
    await until(() => sockets.poll(fd).readable, 2_000, 'readability');
    expect(sockets.recv(fd, 100)).toMatchObject({ kind: 'data', bytes: bytes('x') });
  });

  it('resolves error with errno ECONNREFUSED when nothing listens', async () => {
    const port = await closedPort();
    const sockets = table();
    const fd = sockets.socket(AF_INET, SOCK_STREAM);
    const result = await sockets.connect(fd, sockaddr_in('127.0.0.1', port), { timeout: 5_000 });
    expect(result).toMatchObject({ result: CFSocketError.error, errno: 'ECONNREFUSED', error: { code: 'WK_ERR_CONNECTION_REFUSED', domain: 'posix' } });
  });

  it('resolves timeout with errno ETIMEDOUT when the timeout passes first', async () => {
    const server = await echo();
    const immediate: Clock = { now: () => 0, setTimeout: (fn) => queueMicrotask(fn), clearTimeout: () => undefined };
    const sockets = table({ clock: immediate });
    const fd = sockets.socket(AF_INET, SOCK_STREAM);
    const result = await sockets.connect(fd, sockaddr_in('127.0.0.1', server.port), { timeout: 1 });
    expect(result).toMatchObject({ result: CFSocketError.timeout, errno: 'ETIMEDOUT', error: { code: 'WK_ERR_CONNECT_TIMEOUT' } });
  });

  it('connects in the background for a negative timeout: EINPROGRESS now, a connect event later', async () => {
    const server = await echo();
    const sockets = table();
    const fd = sockets.socket(AF_INET, SOCK_STREAM);
    const events: SocketEvent['kind'][] = [];
    sockets.watch(fd, (event) => events.push(event.kind));
    expect(await sockets.connect(fd, sockaddr_in('127.0.0.1', server.port), { timeout: -1 })).toEqual({ result: CFSocketError.error, errno: 'EINPROGRESS' });
    await until(() => events.includes('connect'), 2_000, 'the connect event');
    expect(events).toEqual(['connect', 'writable']);
    expect(sockets.poll(fd).writable).toBe(true);
  });

  it('leaves a failed background connect in SO_ERROR, and the next recv throws it', async () => {
    const port = await closedPort();
    const sockets = table();
    const fd = sockets.socket(AF_INET, SOCK_STREAM);
    await sockets.connect(fd, sockaddr_in('127.0.0.1', port), { timeout: -1 });
    await until(() => sockets.poll(fd).error, 2_000, 'the pending error');
    expect(() => sockets.recv(fd, 10)).toThrow(expect.objectContaining({ code: 'WK_ERR_CONNECTION_REFUSED', errno: 'ECONNREFUSED' }));
    expect(sockets.takeError(fd)).toBeNull();
  });

  it('shutdown(SHUT_WR) sends FIN: the peer ends too, recv reports EOF, and send fails EPIPE', async () => {
    const server = await echo();
    const sockets = table();
    const fd = sockets.socket(AF_INET, SOCK_STREAM);
    await sockets.connect(fd, sockaddr_in('127.0.0.1', server.port));
    await sockets.sendAsync(fd, bytes('last words'));
    sockets.shutdown(fd, SHUT_WR);
    expect(await readBytes(sockets, fd, 100)).toBe('last words');
    expect(sockets.recv(fd, 10)).toEqual({ kind: 'eof' });
    expect(() => sockets.send(fd, bytes('more'))).toThrow(expect.objectContaining({ errno: 'EPIPE' }));
  });

  it('shutdown(SHUT_RD) makes recv report EOF at once', async () => {
    const server = await echo();
    const sockets = table();
    const fd = sockets.socket(AF_INET, SOCK_STREAM);
    await sockets.connect(fd, sockaddr_in('127.0.0.1', server.port));
    sockets.shutdown(fd, SHUT_RD);
    expect(sockets.recv(fd, 10)).toEqual({ kind: 'eof' });
  });

  it('reports a peer reset as ECONNRESET (WK_ERR_CONNECTION_RESET) on the next recv', async () => {
    const server = await echo();
    const sockets = table();
    const fd = sockets.socket(AF_INET, SOCK_STREAM);
    await sockets.connect(fd, sockaddr_in('127.0.0.1', server.port));
    await until(() => server.sockets.length === 1, 2_000, 'the accept');
    server.sockets[0]!.resetAndDestroy();
    await expect(sockets.recvAsync(fd, 10)).rejects.toMatchObject({ code: 'WK_ERR_CONNECTION_RESET', errno: 'ECONNRESET' });
  });

  it('close() frees the descriptor and rejects a pending recvAsync with EBADF', async () => {
    const server = await echo();
    const sockets = table();
    const fd = sockets.socket(AF_INET, SOCK_STREAM);
    await sockets.connect(fd, sockaddr_in('127.0.0.1', server.port));
    const pending = sockets.recvAsync(fd, 10);
    sockets.close(fd);
    await expect(pending).rejects.toMatchObject({ errno: 'EBADF' });
    expect(sockets.descriptors).toEqual([]);
  });

  it('settles a connect and a listen in progress when their descriptor is closed (EBADF), so nothing waits forever', async () => {
    const server = await echo();
    const sockets = table();
    const fd = sockets.socket(AF_INET, SOCK_STREAM);
    const connecting = sockets.connect(fd, sockaddr_in('127.0.0.1', server.port), { timeout: 5_000 });
    sockets.close(fd);
    expect(await connecting).toMatchObject({ result: CFSocketError.error, errno: 'EBADF' });
    const listener = sockets.socket(AF_INET, SOCK_STREAM);
    await sockets.bind(listener, sockaddr_in('127.0.0.1', 0));
    const listening = sockets.listen(listener);
    sockets.close(listener);
    await expect(listening).rejects.toMatchObject({ errno: 'EBADF' });
  });

  it('refuses a second connect after a failed background connect (EINVAL: Darwin wants a new socket)', async () => {
    const port = await closedPort();
    const sockets = table();
    const fd = sockets.socket(AF_INET, SOCK_STREAM);
    await sockets.connect(fd, sockaddr_in('127.0.0.1', port), { timeout: -1 });
    await until(() => sockets.poll(fd).error, 2_000, 'the failure');
    await expect(sockets.connect(fd, sockaddr_in('127.0.0.1', port))).rejects.toMatchObject({ errno: 'EINVAL' });
  });

  it('refuses misuse with its errno: ENOTCONN, EISCONN, EAFNOSUPPORT, EOPNOTSUPP, EDESTADDRREQ, ENOPROTOOPT', async () => {
    const server = await echo();
    const sockets = table();
    const fd = sockets.socket(AF_INET, SOCK_STREAM);
    const udp = sockets.socket(AF_INET, SOCK_DGRAM);
    expect(() => sockets.send(fd, bytes('x'))).toThrow(expect.objectContaining({ errno: 'ENOTCONN' }));
    expect(() => sockets.recv(fd, 1)).toThrow(expect.objectContaining({ errno: 'ENOTCONN' }));
    await expect(sockets.connect(fd, sockaddr_in6('::1', server.port))).rejects.toMatchObject({ errno: 'EAFNOSUPPORT' });
    await expect(sockets.connect(udp, sockaddr_in('127.0.0.1', server.port))).rejects.toMatchObject({ errno: 'EOPNOTSUPP' });
    expect(() => sockets.send(udp, bytes('x'))).toThrow(expect.objectContaining({ errno: 'EDESTADDRREQ' }));
    expect(() => sockets.setsockopt(fd, SOL_SOCKET, SO_BROADCAST, 1)).toThrow(expect.objectContaining({ errno: 'ENOPROTOOPT' }));
    await sockets.connect(fd, sockaddr_in('127.0.0.1', server.port));
    await expect(sockets.connect(fd, sockaddr_in('127.0.0.1', server.port))).rejects.toMatchObject({ errno: 'EISCONN' });
    sockets.setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, true);
    expect(sockets.getsockopt(fd, IPPROTO_TCP, TCP_NODELAY)).toBe(1);
  });

  it('carries 1 MiB through a small receive buffer: reading stops when it is full and resumes as recv drains it', async () => {
    const server = await echo();
    const sockets = table({ receiveBuffer: 4_096 });
    const fd = sockets.socket(AF_INET, SOCK_STREAM);
    await sockets.connect(fd, sockaddr_in('127.0.0.1', server.port));
    const payload = new Uint8Array(1024 * 1024).map((_, index) => index % 251);
    const sent = sockets.sendAsync(fd, payload);
    let received = 0;
    let mismatch = -1;
    for (let i = 0; i < 100_000 && received < payload.length; i += 1) {
      const chunk = await sockets.recvAsync(fd, 65_536);
      if (chunk.length === 0) break;
      chunk.forEach((value, index) => {
        if (mismatch < 0 && value !== (received + index) % 251) mismatch = received + index;
      });
      received += chunk.length;
    }
    await sent;
    expect({ received, mismatch }).toEqual({ received: payload.length, mismatch: -1 });
  });

  it('works over IPv6 loopback (::1)', async () => {
    const server = await echo('::1');
    const sockets = table();
    const fd = sockets.socket(AF_INET6, SOCK_STREAM);
    expect((await sockets.connect(fd, sockaddr_in6('::1', server.port), { timeout: 5_000 })).result).toBe(CFSocketError.success);
    await sockets.sendAsync(fd, bytes('six'));
    expect(await readBytes(sockets, fd, 3)).toBe('six');
    expect(decodeSockaddr(sockets.getpeername(fd))).toMatchObject({ family: AF_INET6, address: '::1', port: server.port });
  });
});

describe('SOCK_STREAM server: bind, listen, accept', () => {
  it('accepts a connection on a new descriptor, with the peer address, and talks both ways', async () => {
    const sockets = table();
    const listener = sockets.socket(AF_INET, SOCK_STREAM);
    await sockets.bind(listener, sockaddr_in('127.0.0.1', 0));
    await sockets.listen(listener, 16);
    const { port } = decodeSockaddr(sockets.getsockname(listener));
    expect(sockets.accept(listener)).toEqual({ kind: 'would-block', errno: 'EAGAIN' });
    const client = sockets.socket(AF_INET, SOCK_STREAM);
    const [accepted, connected] = await Promise.all([sockets.acceptAsync(listener), sockets.connect(client, sockaddr_in('127.0.0.1', port))]);
    expect(connected.result).toBe(CFSocketError.success);
    expect(accepted.fd).toBe(5);
    expect(decodeSockaddr(accepted.address)).toEqual(decodeSockaddr(sockets.getsockname(client)));
    await sockets.sendAsync(client, bytes('ping'));
    expect(await readBytes(sockets, accepted.fd, 4)).toBe('ping');
    await sockets.sendAsync(accepted.fd, bytes('pong'));
    expect(await readBytes(sockets, client, 4)).toBe('pong');
  });

  it('fails accept with EMFILE when the table is full, keeping the connection queued until a descriptor frees', async () => {
    const sockets = table({ limit: 5 });
    const listener = sockets.socket(AF_INET, SOCK_STREAM);
    await sockets.bind(listener, sockaddr_in('127.0.0.1', 0));
    await sockets.listen(listener);
    const client = sockets.socket(AF_INET, SOCK_STREAM);
    await sockets.connect(client, sockets.getsockname(listener));
    await until(() => sockets.poll(listener).readable, 2_000, 'the pending connection');
    expect(() => sockets.accept(listener)).toThrow(expect.objectContaining({ errno: 'EMFILE' }));
    // Closing the client frees a descriptor; its connection stays queued at the listener until accepted.
    sockets.close(client);
    expect(sockets.accept(listener)).toMatchObject({ kind: 'accepted', fd: 4 });
  });

  it('accepts a connection the client closed while it was queued, and reports EOF on it', async () => {
    const sockets = table();
    const listener = sockets.socket(AF_INET, SOCK_STREAM);
    await sockets.bind(listener, sockaddr_in('127.0.0.1', 0));
    await sockets.listen(listener);
    const client = sockets.socket(AF_INET, SOCK_STREAM);
    await sockets.connect(client, sockets.getsockname(listener));
    await until(() => sockets.poll(listener).readable, 2_000, 'the pending connection');
    sockets.close(client);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const accepted = sockets.accept(listener);
    expect(accepted.kind).toBe('accepted');
    const fd = accepted.kind === 'accepted' ? accepted.fd : -1;
    expect(await sockets.recvAsync(fd, 10)).toEqual(new Uint8Array(0));
  });

  it('rejects listen with EADDRINUSE (WK_ERR_TRANSPORT) when the address is taken', async () => {
    const server = await echo();
    const sockets = table();
    const fd = sockets.socket(AF_INET, SOCK_STREAM);
    await sockets.bind(fd, sockaddr_in('127.0.0.1', server.port));
    await expect(sockets.listen(fd)).rejects.toMatchObject({ code: 'WK_ERR_TRANSPORT', errno: 'EADDRINUSE' });
  });

  it('answers send with EAGAIN once the send buffer is full, and reports writable when the peer has read it', async () => {
    const sockets = table({ sendBuffer: 64 * 1024 });
    const listener = sockets.socket(AF_INET, SOCK_STREAM);
    await sockets.bind(listener, sockaddr_in('127.0.0.1', 0));
    await sockets.listen(listener);
    const client = sockets.socket(AF_INET, SOCK_STREAM);
    const [accepted] = await Promise.all([sockets.acceptAsync(listener), sockets.connect(client, sockets.getsockname(listener))]);
    const chunk = new Uint8Array(1024 * 1024);
    let sent = 0;
    let blocked = false;
    // The peer does not read: its receive buffer, then the kernel's buffers fill up.
    for (let i = 0; i < 256 && !blocked; i += 1) {
      const result = sockets.send(client, chunk);
      if (result.kind === 'sent') sent += result.bytes;
      else blocked = true;
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect(blocked).toBe(true);
    expect(sockets.poll(client).writable).toBe(false);
    const writable = new Promise<void>((resolve) => sockets.watch(client, (event) => event.kind === 'writable' && resolve()));
    let read = 0;
    for (let i = 0; i < 100_000 && read < sent; i += 1) read += (await sockets.recvAsync(accepted.fd, 1024 * 1024)).length;
    await writable;
    expect(read).toBe(sent);
  });

  it('does not crash the process when nobody awaits a failing call', async () => {
    const sockets = table();
    const fd = sockets.socket(AF_INET, SOCK_STREAM);
    void sockets.sendAsync(fd, bytes('not connected'));
    void sockets.sendTo(sockets.socket(AF_INET, SOCK_DGRAM), bytes('x'), sockaddr_in('255.255.255.255', 9));
    await new Promise((resolve) => setTimeout(resolve, 20));
    await expect(sockets.sendAsync(fd, bytes('x'))).rejects.toMatchObject({ errno: 'ENOTCONN' });
  });

  it('refuses accept on a descriptor that is not listening (EINVAL)', () => {
    const sockets = table();
    expect(() => sockets.accept(sockets.socket(AF_INET, SOCK_STREAM))).toThrow(expect.objectContaining({ errno: 'EINVAL' }));
  });
});
