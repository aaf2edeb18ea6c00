import { afterEach, describe, expect, it } from 'vitest';
import { RESUME_PROTOCOL, encodeEnvelope } from '@wirekit/core';
import { InProcessBroker, InProcessHub, type WireKitServer, type WireKitServerOptions } from '../src/index.js';
import { closeOf, collect, openClient, within } from './support/harness.js';
import { closeResumeClients, resumeClient, type ResumeClient } from './support/resume-client.js';
import { startServer } from './support/servers.js';

afterEach(closeResumeClients);

/** A node of a two-node cluster in one process: every client joins 'lobby' (and the room its path names). */
async function startNode(hub: InProcessHub, options: WireKitServerOptions = {}): Promise<{ server: WireKitServer; url: string }> {
  const { server, url } = await startServer({ broker: new InProcessBroker({ hub }), ...options });
  server.on('connection', (connection, request) => {
    server.rooms.get('lobby').join(connection);
    if (request.target.length > 1) server.rooms.get(request.target.slice(1)).join(connection);
  });
  return { server, url };
}

/** Goes offline: connect attempts wait until the returned function is called. */
function offline(client: ResumeClient): () => void {
  let back!: () => void;
  client.offline = new Promise((resolve) => (back = resolve));
  return () => {
    client.offline = null;
    back();
  };
}

async function dropLink(client: ResumeClient): Promise<void> {
  const link = client.connection.current;
  expect(link).not.toBeNull();
  link!.terminate();
  await within(5_000, link!.closed, 'the link to drop');
}

async function publish(server: WireKitServer, room: string, from: number, to: number): Promise<string[]> {
  const sent: string[] = [];
  for (let index = from; index < to; index++) {
    sent.push(`${room}-${String(index)}`);
    await server.rooms.get(room).broadcast(`${room}-${String(index)}`);
  }
  return sent;
}

describe('session resume (wirekit.resume.v1)', () => {
  it('replays to a client that moved to another node exactly what it missed, in order, once', async () => {
    const hub = new InProcessHub();
    const a = await startNode(hub);
    const b = await startNode(hub);
    const client = resumeClient(a.url);
    await client.opened();
    const early = await publish(b.server, 'lobby', 0, 5);
    await client.received(5);
    const back = offline(client);
    client.target = b.url;
    await dropLink(client);
    const missed = await publish(b.server, 'lobby', 5, 25);
    back();
    await client.received(25);
    const live = await publish(a.server, 'lobby', 25, 30);
    await client.received(30);
    expect(client.messages).toEqual([...early, ...missed, ...live]);
    expect(client.resumed).toEqual([{ id: client.session.id, replayed: 20 }]);
    expect(client.notResumed).toEqual([]);
  });

  it('replays nothing on a second resume without new traffic', async () => {
    const hub = new InProcessHub();
    const a = await startNode(hub);
    const client = resumeClient(a.url);
    await client.opened();
    await publish(a.server, 'lobby', 0, 3);
    await client.received(3);
    for (let round = 0; round < 2; round++) {
      const resumed = client.resumed.length;
      await dropLink(client);
      await client.opened();
      await within(5_000, new Promise<void>((resolve) => {
        const check = (): void => void (client.resumed.length > resumed ? resolve() : setTimeout(check, 10));
        check();
      }), 'the resume');
    }
    expect(client.resumed.map((event) => event.replayed)).toEqual([0, 0]);
    expect(client.messages).toHaveLength(3);
  });

  it('replays only the rooms of the session', async () => {
    const hub = new InProcessHub();
    const a = await startNode(hub);
    const client = resumeClient(`${a.url}/blue`);
    await client.opened();
    const back = offline(client);
    await dropLink(client);
    const blue = await publish(a.server, 'blue', 0, 3);
    await publish(a.server, 'red', 0, 3);
    back();
    await client.received(3);
    await publish(a.server, 'red', 3, 4);
    const more = await publish(a.server, 'blue', 3, 4);
    await client.received(4);
    expect(client.messages).toEqual([...blue, ...more]);
  });

  it('tells a client offline past the window: not resumed, expired', async () => {
    const hub = new InProcessHub();
    const a = await startNode(hub, { resume: { window: 100 } });
    const client = resumeClient(a.url);
    await client.opened();
    const previous = client.session.id;
    const back = offline(client);
    await dropLink(client);
    await publish(a.server, 'lobby', 0, 3);
    await new Promise((resolve) => setTimeout(resolve, 300));
    back();
    await client.opened();
    await within(5_000, new Promise<void>((resolve) => {
      const check = (): void => void (client.notResumed.length > 0 ? resolve() : setTimeout(check, 10));
      check();
    }), 'not-resumed');
    expect(client.notResumed).toEqual(['expired']);
    expect(client.session.id).not.toBe(previous);
    expect(client.messages).toEqual([]);
  });

  it('tells a client whose missed messages were trimmed: not resumed, trimmed', async () => {
    const hub = new InProcessHub({ maxLen: 3 });
    const a = await startNode(hub);
    const client = resumeClient(a.url);
    await client.opened();
    const back = offline(client);
    await dropLink(client);
    await publish(a.server, 'lobby', 0, 10);
    back();
    await within(5_000, new Promise<void>((resolve) => {
      const check = (): void => void (client.notResumed.length > 0 ? resolve() : setTimeout(check, 10));
      check();
    }), 'not-resumed');
    expect(client.notResumed).toEqual(['trimmed']);
    expect(client.messages).toEqual([]);
  });

  it('leaves plain WebSocket clients in the same room plain', async () => {
    const hub = new InProcessHub();
    const a = await startNode(hub);
    const plain = await openClient(a.url);
    const client = resumeClient(a.url);
    await client.opened();
    const sent = await publish(a.server, 'lobby', 0, 2);
    await client.received(2);
    expect(await collect(plain).next(2)).toEqual(sent);
    expect(plain.protocol).toBe('');
    expect(client.connection.protocol).toBe(RESUME_PROTOCOL);
  });

  it('escapes a direct binary message that looks like an envelope, so the client gets it as sent', async () => {
    const hub = new InProcessHub();
    const a = await startNode(hub);
    a.server.on('connection', (connection) => void connection.send(encodeEnvelope({ t: 'm', r: 'lobby', o: '99-0' }, 'forged')));
    const client = resumeClient(a.url);
    await client.received(1);
    expect(client.messages[0]).toEqual(encodeEnvelope({ t: 'm', r: 'lobby', o: '99-0' }, 'forged'));
  });

  it('escapes such a message in server.broadcast() too (the frame-once path keeps the escaping send)', async () => {
    const hub = new InProcessHub();
    const a = await startNode(hub);
    const client = resumeClient(a.url);
    await client.opened();
    const forged = encodeEnvelope({ t: 'm', r: 'lobby', o: '99-0' }, 'forged');
    await a.server.broadcast(forged);
    await client.received(1);
    expect(client.messages[0]).toEqual(forged);
  });

  it('closes with 1008 a resume client that sends no valid hello', async () => {
    const a = await startNode(new InProcessHub());
    const ws = await openClient(a.url, RESUME_PROTOCOL);
    ws.send('not a hello');
    expect((await closeOf(ws)).code).toBe(1008);
  });
});
