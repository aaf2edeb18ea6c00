import { afterEach, describe, expect, it } from 'vitest';
import type { Connection } from '@wirekit/core';
import { acceptWebSocket, AF_INET, connect, decodeSockaddr, SOCK_STREAM, sockaddr_in, SocketTable } from '../src/index.js';
import { until } from './support/servers.js';

let table = new SocketTable();
let connections: Connection[] = [];

afterEach(() => {
  for (const connection of connections) connection.terminate();
  for (const fd of table.descriptors) table.close(fd);
  table = new SocketTable();
  connections = [];
});

async function listener(): Promise<{ fd: number; port: number }> {
  const fd = table.socket(AF_INET, SOCK_STREAM);
  await table.bind(fd, sockaddr_in('127.0.0.1', 0));
  await table.listen(fd);
  return { fd, port: decodeSockaddr(table.getsockname(fd)).port };
}

describe('acceptWebSocket() — a WebSocket server on accepted descriptors', () => {
  it('answers the upgrade, selects a subprotocol and echoes over the accepted descriptor', async () => {
    const server = await listener();
    const clients = new SocketTable();
    const [client, accepted] = await Promise.all([
      connect(`ws://127.0.0.1:${server.port}/chat?room=1`, { protocols: ['chat.v2', 'chat.v1'], table: clients }),
      table.acceptAsync(server.fd).then(({ fd }) => acceptWebSocket(table, fd, { selectProtocol: (offered) => offered[1] ?? '' })),
    ]);
    connections.push(client, accepted);
    expect(client.protocol).toBe('chat.v1');
    expect(accepted.url).toBe(`ws://127.0.0.1:${server.port}/chat?room=1`);
    accepted.on('message', (message) => void accepted.send(message));
    await client.send('round trip');
    expect(await client.receive()).toBe('round trip');
    expect(await client.close(1000, 'bye')).toMatchObject({ code: 1000, wasClean: true });
    await until(() => clients.descriptors.length === 0 && table.descriptors.length === 1, 2_000, 'both descriptors to be freed');
  });

  it('answers a request that is not an upgrade with 400 and rejects with its WK_ERR_HANDSHAKE_* code', async () => {
    const server = await listener();
    const client = table.socket(AF_INET, SOCK_STREAM);
    await table.connect(client, sockaddr_in('127.0.0.1', server.port));
    const { fd } = await table.acceptAsync(server.fd);
    const accepting = acceptWebSocket(table, fd);
    await table.sendAsync(client, new TextEncoder().encode('GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n'));
    await expect(accepting).rejects.toMatchObject({ code: 'WK_ERR_HANDSHAKE_UPGRADE', status: 400 });
    const answer = new TextDecoder().decode(await table.recvAsync(client, 4_096));
    expect(answer.startsWith('HTTP/1.1 400')).toBe(true);
  });

  it('rejects WK_ERR_CONNECT_TIMEOUT when the client sends nothing in time, and frees the descriptor', async () => {
    const server = await listener();
    const client = table.socket(AF_INET, SOCK_STREAM);
    await table.connect(client, sockaddr_in('127.0.0.1', server.port));
    const { fd } = await table.acceptAsync(server.fd);
    await expect(acceptWebSocket(table, fd, { handshakeTimeout: 50 })).rejects.toMatchObject({ code: 'WK_ERR_CONNECT_TIMEOUT' });
    expect(table.descriptors).not.toContain(fd);
  });

  it('rejects WK_ERR_CONNECTION_RESET when the client leaves before its request', async () => {
    const server = await listener();
    const client = table.socket(AF_INET, SOCK_STREAM);
    await table.connect(client, sockaddr_in('127.0.0.1', server.port));
    const { fd } = await table.acceptAsync(server.fd);
    const accepting = acceptWebSocket(table, fd);
    table.close(client);
    await expect(accepting).rejects.toMatchObject({ code: 'WK_ERR_CONNECTION_RESET' });
  });

  it('rejects (never throws) EBADF for a descriptor that is not open', async () => {
    let accepting: Promise<unknown> | undefined;
    expect(() => (accepting = acceptWebSocket(table, 99))).not.toThrow();
    await expect(accepting).rejects.toMatchObject({ name: 'WireKitError', errno: 'EBADF' });
  });
});
