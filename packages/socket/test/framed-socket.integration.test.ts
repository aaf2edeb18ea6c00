import { afterEach, describe, expect, it } from 'vitest';
import { LengthPrefixFramer, LineFramer, type Connection } from '@wirekit/core';
import { AF_INET, framedSocket, SOCK_STREAM, sockaddr_in, SocketTable } from '../src/index.js';
import { startTcpEchoServer, until, type TcpEchoServer } from './support/servers.js';

let sockets = new SocketTable();
let connections: Connection[] = [];
let servers: TcpEchoServer[] = [];

afterEach(async () => {
  for (const connection of connections) connection.terminate();
  for (const fd of sockets.descriptors) sockets.close(fd);
  await Promise.all(servers.map((server) => server.close()));
  sockets = new SocketTable();
  connections = [];
  servers = [];
});

/** A listener, a client and the accepted side, each side framed. */
async function framedPair(options: Parameters<typeof framedSocket>[2] = {}, serverOptions = options): Promise<{ client: Connection; server: Connection }> {
  const listener = sockets.socket(AF_INET, SOCK_STREAM);
  await sockets.bind(listener, sockaddr_in('127.0.0.1', 0));
  await sockets.listen(listener);
  const fd = sockets.socket(AF_INET, SOCK_STREAM);
  const [accepted] = await Promise.all([sockets.acceptAsync(listener), sockets.connect(fd, sockets.getsockname(listener))]);
  sockets.close(listener);
  const client = framedSocket(sockets, fd, options);
  const server = framedSocket(sockets, accepted.fd, serverOptions);
  connections.push(client, server);
  return { client, server };
}

describe('framedSocket() with core LengthPrefixFramer', () => {
  it('sends and receives whole messages both ways, text sent as UTF-8 bytes', async () => {
    const { client, server } = await framedPair();
    expect(client.url).toMatch(/^tcp:\/\/127\.0\.0\.1:\d+$/);
    await client.send('héllo');
    expect(new TextDecoder().decode((await server.receive()) as Uint8Array)).toBe('héllo');
    await server.send(new Uint8Array([1, 2, 3]));
    expect(await client.receive()).toEqual(new Uint8Array([1, 2, 3]));
  });

  it('keeps message boundaries for many messages and a 3 MiB one sent back to back', async () => {
    const { client, server } = await framedPair();
    const big = new Uint8Array(3 * 1024 * 1024).map((_, index) => index % 253);
    const sends = [...Array.from({ length: 50 }, (_, index) => client.send(new Uint8Array([index]))), client.send(big)];
    const received: Uint8Array[] = [];
    for (let i = 0; i < 51; i += 1) received.push((await server.receive()) as Uint8Array);
    await Promise.all(sends);
    expect(received.slice(0, 50).map((message) => message[0])).toEqual(Array.from({ length: 50 }, (_, index) => index));
    expect(received[50]!.length).toBe(big.length);
    expect(received[50]!.every((value, index) => value === index % 253)).toBe(true);
  });

  it('comes back whole through the plain node:net echo server', async () => {
    const server = await startTcpEchoServer();
    servers.push(server);
    const fd = sockets.socket(AF_INET, SOCK_STREAM);
    await sockets.connect(fd, sockaddr_in('127.0.0.1', server.port));
    const connection = framedSocket(sockets, fd, { messages: 'text' });
    connections.push(connection);
    await connection.send('framed over raw TCP');
    expect(await connection.receive()).toBe('framed over raw TCP');
  });

  it('closes the peer with 1009 when a length prefix is over its maxMessageSize', async () => {
    const { client, server } = await framedPair({}, { framer: new LengthPrefixFramer({ maxMessageSize: 8 }) });
    const errors: string[] = [];
    server.on('error', (error) => errors.push(error.code));
    await client.send(new Uint8Array(9));
    expect((await server.closed).code).toBe(1009);
    expect(errors).toEqual(['WK_ERR_MESSAGE_TOO_LARGE']);
  });

  it('close() sends FIN: the peer reports 1005, both close and both descriptors are freed', async () => {
    const { client, server } = await framedPair();
    const closing = client.close();
    expect(await server.closed).toMatchObject({ code: 1005, wasClean: true });
    await server.close();
    expect(await closing).toMatchObject({ code: 1000 });
    await until(() => sockets.descriptors.length === 0, 2_000, 'the descriptors to be freed');
  });

  it('speaks a line protocol with core LineFramer', async () => {
    const { client, server } = await framedPair({ framer: new LineFramer(), messages: 'text' });
    await client.send('first');
    await client.send('second');
    expect([await server.receive(), await server.receive()]).toEqual(['first', 'second']);
  });

  it('rejects ping() with WK_ERR_UNSUPPORTED and refuses an unconnected descriptor (ENOTCONN)', async () => {
    const { client } = await framedPair();
    await expect(client.ping()).rejects.toMatchObject({ code: 'WK_ERR_UNSUPPORTED' });
    expect(() => framedSocket(sockets, sockets.socket(AF_INET, SOCK_STREAM))).toThrow(expect.objectContaining({ errno: 'ENOTCONN' }));
  });
});
