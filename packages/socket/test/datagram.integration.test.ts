import { afterEach, describe, expect, it } from 'vitest';
import { AF_INET, decodeSockaddr, SO_BROADCAST, SOCK_DGRAM, SOCK_STREAM, sockaddr_in, SOL_SOCKET, SocketTable } from '../src/index.js';
import { startUdpEchoServer, type UdpEchoServer } from './support/servers.js';

const bytes = (value: string): Uint8Array => new TextEncoder().encode(value);
const text = (data: Uint8Array): string => new TextDecoder().decode(data);

let sockets = new SocketTable();
let servers: UdpEchoServer[] = [];

afterEach(async () => {
  for (const fd of sockets.descriptors) sockets.close(fd);
  await Promise.all(servers.map((server) => server.close()));
  sockets = new SocketTable();
  servers = [];
});

async function boundUdp(address = '127.0.0.1'): Promise<{ fd: number; port: number }> {
  const fd = sockets.socket(AF_INET, SOCK_DGRAM);
  await sockets.bind(fd, sockaddr_in(address, 0));
  return { fd, port: decodeSockaddr(sockets.getsockname(fd)).port };
}

describe('SOCK_DGRAM on loopback', () => {
  it('sendTo / recvFrom carry one datagram with its sender address', async () => {
    const a = await boundUdp();
    const b = await boundUdp();
    expect(await sockets.sendTo(a.fd, bytes('datagram'), sockaddr_in('127.0.0.1', b.port))).toBe(8);
    const datagram = await sockets.recvFromAsync(b.fd, 1_500);
    expect(text(datagram.bytes)).toBe('datagram');
    expect(datagram.truncated).toBe(false);
    expect(decodeSockaddr(datagram.address)).toEqual({ family: AF_INET, address: '127.0.0.1', port: a.port });
  });

  it('gets its datagrams back from a UDP echo server, in one piece each', async () => {
    const server = await startUdpEchoServer();
    servers.push(server);
    const client = await boundUdp();
    for (const message of ['one', 'two', 'three']) await sockets.sendTo(client.fd, bytes(message), sockaddr_in('127.0.0.1', server.port));
    const received: string[] = [];
    for (let i = 0; i < 3; i += 1) received.push(text((await sockets.recvFromAsync(client.fd, 100)).bytes));
    expect(received.sort()).toEqual(['one', 'three', 'two']);
  });

  it('answers recvFrom with EAGAIN when no datagram is queued, and cuts a long one (MSG_TRUNC)', async () => {
    const a = await boundUdp();
    const b = await boundUdp();
    expect(sockets.recvFrom(b.fd, 10)).toEqual({ kind: 'would-block', errno: 'EAGAIN' });
    await sockets.sendTo(a.fd, bytes('abcdef'), sockaddr_in('127.0.0.1', b.port));
    const datagram = await sockets.recvFromAsync(b.fd, 3);
    expect({ text: text(datagram.bytes), truncated: datagram.truncated }).toEqual({ text: 'abc', truncated: true });
    expect(sockets.recvFrom(b.fd, 10)).toMatchObject({ kind: 'would-block' });
  });

  it('recv on a datagram socket returns the next datagram without its address', async () => {
    const a = await boundUdp();
    const b = await boundUdp();
    await sockets.sendTo(a.fd, bytes('plain'), sockaddr_in('127.0.0.1', b.port));
    expect(text(await sockets.recvAsync(b.fd, 100))).toBe('plain');
  });

  it('fails sendTo 255.255.255.255 with EACCES without SO_BROADCAST, before anything is sent', async () => {
    const a = await boundUdp();
    await expect(sockets.sendTo(a.fd, bytes('hi'), sockaddr_in('255.255.255.255', 9))).rejects.toMatchObject({ code: 'WK_ERR_TRANSPORT', domain: 'posix', errno: 'EACCES' });
    expect(sockets.getsockopt(a.fd, SOL_SOCKET, SO_BROADCAST)).toBe(0);
  });

  // Linux routes 127.255.255.255 as loopback's broadcast address and applies SO_BROADCAST to it;
  // Darwin's lo0 has no broadcast address, so the case is Linux-only.
  it.runIf(process.platform === 'linux')('sends to the loopback broadcast address only with SO_BROADCAST set (EACCES from the kernel without it)', async () => {
    const receiver = await boundUdp('127.255.255.255');
    const sender = await boundUdp();
    const broadcast = sockaddr_in('127.255.255.255', receiver.port);
    await expect(sockets.sendTo(sender.fd, bytes('denied'), broadcast)).rejects.toMatchObject({ errno: 'EACCES' });
    sockets.setsockopt(sender.fd, SOL_SOCKET, SO_BROADCAST, 1);
    expect(sockets.getsockopt(sender.fd, SOL_SOCKET, SO_BROADCAST)).toBe(1);
    await sockets.sendTo(sender.fd, bytes('to all'), broadcast);
    expect(text((await sockets.recvFromAsync(receiver.fd, 100)).bytes)).toBe('to all');
  });

  it('sets SO_BROADCAST before bind and applies it when the bind completes', async () => {
    const fd = sockets.socket(AF_INET, SOCK_DGRAM);
    sockets.setsockopt(fd, SOL_SOCKET, SO_BROADCAST, true);
    await sockets.bind(fd, sockaddr_in('127.0.0.1', 0));
    expect(sockets.getsockopt(fd, SOL_SOCKET, SO_BROADCAST)).toBe(1);
  });

  it('refuses sendTo on a stream socket (EOPNOTSUPP) and a second bind (EINVAL)', async () => {
    const stream = sockets.socket(AF_INET, SOCK_STREAM);
    await expect(sockets.sendTo(stream, bytes('x'), sockaddr_in('127.0.0.1', 9))).rejects.toMatchObject({ errno: 'EOPNOTSUPP' });
    const a = await boundUdp();
    await expect(sockets.bind(a.fd, sockaddr_in('127.0.0.1', 0))).rejects.toMatchObject({ errno: 'EINVAL' });
  });

  it('rejects a bind to a taken port with EADDRINUSE', async () => {
    const a = await boundUdp();
    const fd = sockets.socket(AF_INET, SOCK_DGRAM);
    await expect(sockets.bind(fd, sockaddr_in('127.0.0.1', a.port))).rejects.toMatchObject({ errno: 'EADDRINUSE' });
  });
});
