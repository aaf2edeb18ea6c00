import { describe, expect, it } from 'vitest';
import type { EngineConnection } from '@wirekit/core';
import type WebSocket from 'ws';
import type { WireKitServer } from '../src/index.js';
import { closeOf, collect, openClient, within } from './support/harness.js';
import { arrivals, startServer } from './support/servers.js';

/** A chat server: each client joins the room named by its path and its messages go to the others. */
async function startChat(): Promise<{ server: WireKitServer; url: string; joined: () => Promise<EngineConnection> }> {
  const { server, url } = await startServer();
  server.on('connection', (connection, request) => {
    const room = server.rooms.get(request.target);
    room.join(connection);
    connection.on('message', (message) => void room.broadcast(message, { except: connection }));
  });
  // After the listener above: a connection taken from here has joined its room.
  const { next: joined } = arrivals(server, 'a client to join');
  return { server, url, joined };
}

async function joinClients(url: string, joined: () => Promise<EngineConnection>, count: number): Promise<Array<{ ws: WebSocket; connection: EngineConnection }>> {
  const clients: Array<{ ws: WebSocket; connection: EngineConnection }> = [];
  // One at a time, so that client i is server connection i.
  for (let index = 0; index < count; index++) {
    const ws = await openClient(url);
    clients.push({ ws, connection: await joined() });
  }
  return clients;
}

describe('rooms over loopback', () => {
  it('broadcasts to 3 ws clients in a room', async () => {
    const { server, url, joined } = await startChat();
    const clients = await joinClients(`${url}/lobby`, joined, 3);
    const inboxes = clients.map(({ ws }) => collect(ws));
    const result = await server.rooms.get('/lobby').broadcast('welcome');
    expect(result).toEqual({ sent: 3, failed: [] });
    for (const inbox of inboxes) expect(await inbox.next(1)).toEqual(['welcome']);
  });

  it('leaves the sender out with except', async () => {
    const { url, joined } = await startChat();
    const clients = await joinClients(`${url}/lobby`, joined, 3);
    const inboxes = clients.map(({ ws }) => collect(ws));
    clients[0]!.ws.send('from the first');
    expect(await inboxes[1]!.next(1)).toEqual(['from the first']);
    expect(await inboxes[2]!.next(1)).toEqual(['from the first']);
    // A second message from another client proves the first client's inbox is ordered, not late.
    clients[1]!.ws.send('from the second');
    expect(await inboxes[0]!.next(1)).toEqual(['from the second']);
    expect(inboxes[0]!.messages).toEqual(['from the second']);
  });

  it('drops a client from its room when it closes', async () => {
    const { server, url, joined } = await startChat();
    const clients = await joinClients(`${url}/lobby`, joined, 3);
    const room = server.rooms.get('/lobby');
    expect(room.size).toBe(3);
    const closed = closeOf(clients[2]!.ws);
    clients[2]!.ws.close();
    await closed;
    await within(5_000, clients[2]!.connection.closed, 'server side close');
    expect(room.size).toBe(2);
    expect(await room.broadcast('after')).toEqual({ sent: 2, failed: [] });
  });

  it('keeps rooms apart', async () => {
    const { server, url, joined } = await startChat();
    const [red] = await joinClients(`${url}/red`, joined, 1);
    const [blue] = await joinClients(`${url}/blue`, joined, 1);
    const redInbox = collect(red!.ws);
    const blueInbox = collect(blue!.ws);
    await server.rooms.get('/red').broadcast('red only');
    await server.broadcast('everyone');
    expect(await redInbox.next(2)).toEqual(['red only', 'everyone']);
    expect(await blueInbox.next(1)).toEqual(['everyone']);
  });

  it('reports a connection that closed before the broadcast as failed with WK_ERR_NOT_OPEN', async () => {
    const { server, url, joined } = await startChat();
    const [client] = await joinClients(`${url}/lobby`, joined, 1);
    const closing = client!.connection.close(1000, 'bye');
    const result = await server.broadcast('too late');
    expect(result.sent).toBe(0);
    expect(result.failed.map(({ connection, error }) => [connection, error.code])).toEqual([[client!.connection, 'WK_ERR_NOT_OPEN']]);
    await within(5_000, closing, 'close');
  });
});
