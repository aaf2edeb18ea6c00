import { afterEach, describe, expect, it } from 'vitest';
import {
  AF_INET,
  CFSocket,
  CFSocketError,
  decodeSockaddr,
  kCFSocketAcceptCallBack,
  kCFSocketAutomaticallyReenableWriteCallBack,
  kCFSocketCloseOnInvalidate,
  kCFSocketConnectCallBack,
  kCFSocketDataCallBack,
  kCFSocketReadCallBack,
  kCFSocketWriteCallBack,
  SHUT_WR,
  SOCK_DGRAM,
  SOCK_STREAM,
  sockaddr_in,
  SocketTable,
  type CFSocketCallBackData,
} from '../src/index.js';
import { closedPort, startTcpEchoServer, until, type TcpEchoServer } from './support/servers.js';

const text = (bytes: Uint8Array): string => new TextDecoder().decode(bytes);
const bytes = (value: string): Uint8Array => new TextEncoder().encode(value);

let table = new SocketTable();
let servers: TcpEchoServer[] = [];

afterEach(async () => {
  for (const fd of table.descriptors) table.close(fd);
  await Promise.all(servers.map((server) => server.close()));
  table = new SocketTable();
  servers = [];
});

async function echo(): Promise<TcpEchoServer> {
  const server = await startTcpEchoServer();
  servers.push(server);
  return server;
}

interface Call {
  readonly type: number;
  readonly address: Uint8Array | null;
  readonly data: CFSocketCallBackData;
}

describe('CFSocket', () => {
  it('runs the seed: CFSocketCreate with a read callback, CFSocketConnectToAddress, CFSocketSendData', async () => {
    const server = await echo();
    const reads: number[] = [];
    const socket = CFSocket.create(AF_INET, SOCK_STREAM, kCFSocketReadCallBack, (_s, type) => reads.push(type), { table });
    expect(socket.native).toBe(3);
    expect(await socket.connectToAddress(sockaddr_in('127.0.0.1', server.port), 5)).toBe(CFSocketError.success);
    expect(await socket.sendData(null, bytes('Hello, world! - form the test app'), 0)).toBe(CFSocketError.success);
    await until(() => reads.length > 0, 2_000, 'the read callback');
    // The read callback only says there is something to read; the app reads it itself.
    expect(reads[0]).toBe(kCFSocketReadCallBack);
    const result = table.recv(socket.native, 100);
    expect(result.kind === 'data' ? text(result.bytes) : result.kind).toBe('Hello, world! - form the test app');
    socket.invalidate();
  });

  it('delivers data in the background with the data callback, and one empty chunk at EOF', async () => {
    const server = await echo();
    const calls: Call[] = [];
    const socket = CFSocket.create(AF_INET, SOCK_STREAM, kCFSocketDataCallBack, (_s, type, address, data) => calls.push({ type, address, data }), { table });
    await socket.connectToAddress(sockaddr_in('127.0.0.1', server.port), 5);
    await socket.sendData(null, bytes('echo me'), 1);
    table.shutdown(socket.native, SHUT_WR);
    await until(() => calls.some((call) => (call.data as Uint8Array).length === 0), 2_000, 'the EOF chunk');
    const chunks = calls.map((call) => text(call.data as Uint8Array));
    expect(chunks.join('')).toBe('echo me');
    expect(chunks[chunks.length - 1]).toBe('');
    expect(calls.every((call) => call.type === kCFSocketDataCallBack)).toBe(true);
  });

  it('accepts with the accept callback (the new native handle), which CFSocketCreateWithNative wraps', async () => {
    const received: string[] = [];
    const accepted: number[] = [];
    const listener = CFSocket.create(
      AF_INET,
      SOCK_STREAM,
      kCFSocketAcceptCallBack,
      (_s, type, _address, data) => {
        expect(type).toBe(kCFSocketAcceptCallBack);
        accepted.push(data as number);
        CFSocket.createWithNative(data as number, kCFSocketDataCallBack, (_c, _t, _a, chunk) => received.push(text(chunk as Uint8Array)), { table });
      },
      { table },
    );
    expect(await listener.setAddress(sockaddr_in('127.0.0.1', 0))).toBe(CFSocketError.success);
    const client = CFSocket.create(AF_INET, SOCK_STREAM, 0, null, { table });
    expect(await client.connectToAddress(listener.copyAddress(), 5)).toBe(CFSocketError.success);
    await client.sendData(null, bytes('to the server'), 0);
    await until(() => received.join('') === 'to the server', 2_000, 'the data at the server');
    expect(accepted).toEqual([5]);
    expect(decodeSockaddr(client.copyPeerAddress()).port).toBe(decodeSockaddr(listener.copyAddress()).port);
  });

  it('connects in the background for a negative timeout: success at once, the connect callback with null', async () => {
    const server = await echo();
    const calls: Call[] = [];
    const socket = CFSocket.create(AF_INET, SOCK_STREAM, kCFSocketConnectCallBack | kCFSocketWriteCallBack, (_s, type, address, data) => calls.push({ type, address, data }), { table });
    expect(await socket.connectToAddress(sockaddr_in('127.0.0.1', server.port), -1)).toBe(CFSocketError.success);
    await until(() => calls.length >= 2, 2_000, 'the connect and write callbacks');
    expect(calls.map((call) => [call.type, call.data])).toEqual([
      [kCFSocketConnectCallBack, null],
      [kCFSocketWriteCallBack, null],
    ]);
  });

  it('reports a refused background connect through the connect callback with the error', async () => {
    const port = await closedPort();
    const errors: unknown[] = [];
    const socket = CFSocket.create(AF_INET, SOCK_STREAM, kCFSocketConnectCallBack, (_s, _type, _address, data) => errors.push(data), { table });
    await socket.connectToAddress(sockaddr_in('127.0.0.1', port), -1);
    await until(() => errors.length === 1, 2_000, 'the connect callback');
    expect(errors[0]).toMatchObject({ code: 'WK_ERR_CONNECTION_REFUSED', errno: 'ECONNREFUSED' });
  });

  it('answers error with lastError for a refused blocking connect', async () => {
    const port = await closedPort();
    const socket = CFSocket.create(AF_INET, SOCK_STREAM, 0, null, { table });
    expect(await socket.connectToAddress(sockaddr_in('127.0.0.1', port), 5)).toBe(CFSocketError.error);
    expect(socket.lastError).toMatchObject({ errno: 'ECONNREFUSED' });
  });

  it('fires the write callback once per enable unless its re-enable flag is set', async () => {
    const server = await echo();
    const writes: number[] = [];
    const socket = CFSocket.create(AF_INET, SOCK_STREAM, kCFSocketWriteCallBack, (_s, type) => writes.push(type), { table });
    await socket.connectToAddress(sockaddr_in('127.0.0.1', server.port), 5);
    await until(() => writes.length === 1, 2_000, 'the first write callback');
    socket.enableCallBacks(kCFSocketWriteCallBack);
    await until(() => writes.length === 2, 2_000, 'the write callback after enable');
    socket.setSocketFlags(socket.getSocketFlags() | kCFSocketAutomaticallyReenableWriteCallBack);
    expect(socket.getSocketFlags() & kCFSocketCloseOnInvalidate).toBe(kCFSocketCloseOnInvalidate);
    expect(writes).toEqual([kCFSocketWriteCallBack, kCFSocketWriteCallBack]);
  });

  it('receives datagrams with their sender address through the data callback', async () => {
    const calls: Call[] = [];
    const receiver = CFSocket.create(AF_INET, SOCK_DGRAM, kCFSocketDataCallBack, (_s, type, address, data) => calls.push({ type, address, data }), { table });
    expect(await receiver.setAddress(sockaddr_in('127.0.0.1', 0))).toBe(CFSocketError.success);
    const sender = CFSocket.create(AF_INET, SOCK_DGRAM, 0, null, { table });
    await sender.setAddress(sockaddr_in('127.0.0.1', 0));
    expect(await sender.sendData(receiver.copyAddress(), bytes('udp'), 0)).toBe(CFSocketError.success);
    expect(await sender.sendData(null, bytes('nowhere'), 0)).toBe(CFSocketError.error);
    expect(sender.lastError).toMatchObject({ errno: 'EDESTADDRREQ' });
    await until(() => calls.length === 1, 2_000, 'the datagram');
    expect(text(calls[0]!.data as Uint8Array)).toBe('udp');
    expect(decodeSockaddr(calls[0]!.address!)).toEqual(decodeSockaddr(sender.copyAddress()));
  });

  it('invalidate() closes the descriptor (kCFSocketCloseOnInvalidate) and stops the callbacks', async () => {
    const socket = CFSocket.create(AF_INET, SOCK_STREAM, kCFSocketReadCallBack, () => undefined, { table });
    expect(socket.isValid).toBe(true);
    socket.invalidate();
    expect(socket.isValid).toBe(false);
    expect(table.descriptors).toEqual([]);
    expect(await socket.connectToAddress(sockaddr_in('127.0.0.1', 9), 1)).toBe(CFSocketError.error);
    expect(socket.lastError).toMatchObject({ errno: 'EBADF' });
  });

  it('refuses CFSocketCreateWithNative on a descriptor that is not open (EBADF)', () => {
    expect(() => CFSocket.createWithNative(9, 0, null, { table })).toThrow(expect.objectContaining({ errno: 'EBADF' }));
  });
});
