import { afterEach, describe, expect, it } from 'vitest';
import { connect } from '@wirekit/adapter';
import { WireKitServer } from '@wirekit/server';
import { closeResumeClients, resumeClient, type ResumeClient } from '../../server/test/support/resume-client.js';
import { RedisBroker } from '../src/index.js';
import { startNodeProcess, stopAllNodeProcesses } from './support/node-process.js';
import { startRedis, stopAllRedis } from '@wirekit/conformance';

const servers: WireKitServer[] = [];
const brokers: RedisBroker[] = [];

afterEach(async () => {
  await closeResumeClients();
  await Promise.all(servers.splice(0).map((server) => server.close()));
  await Promise.all(brokers.splice(0).map((broker) => broker.close()));
  await stopAllNodeProcesses();
  await stopAllRedis();
});

/** A chat node in this process: every client joins 'lobby'. */
async function startNode(redisUrl: string, window?: number): Promise<{ server: WireKitServer; broker: RedisBroker; url: string; events: string[] }> {
  const broker = new RedisBroker({ url: redisUrl, heartbeatInterval: 200 });
  brokers.push(broker);
  const events: string[] = [];
  broker.on('outage', () => events.push('outage'));
  broker.on('restored', () => events.push('restored'));
  const server = new WireKitServer({ port: 0, broker, ...(window === undefined ? {} : { resume: { window } }) });
  servers.push(server);
  server.on('connection', (connection) => {
    server.rooms.get('lobby').join(connection);
  });
  const { url } = await server.listen();
  return { server, broker, url, events };
}

async function until(condition: () => boolean, ms: number, what: string): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${String(ms)} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/**
 * Waits until presence lists `count` lobby members. A join takes effect across nodes once its
 * member is in presence: its node's subscription position was fixed before (same connection, in order).
 */
async function joined(server: WireKitServer, count: number): Promise<void> {
  const deadline = Date.now() + 5_000;
  while ((await server.presence('lobby')).length < count) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${String(count)} lobby members`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

const expected = (count: number): string[] => Array.from({ length: count }, (_, index) => `m${String(index)}`);

describe('scale-out on a real Redis', () => {
  it('fans a room out to clients of two nodes, each message once and in order', async () => {
    const redis = await startRedis();
    const a = await startNode(redis.url);
    const b = await startNode(redis.url);
    const clients = [resumeClient(a.url), resumeClient(b.url), resumeClient(a.url), resumeClient(b.url)];
    await Promise.all(clients.map((client) => client.opened()));
    await joined(a.server, 4);
    for (const [index, text] of expected(100).entries()) void (index % 2 === 0 ? a : b).server.rooms.get('lobby').broadcast(text);
    await Promise.all(clients.map((client) => client.received(100)));
    await new Promise((resolve) => setTimeout(resolve, 50));
    // Two publishers race to Redis, so the room's order interleaves them; every client sees that
    // one order, with each publisher's messages in the order it sent them.
    for (const client of clients) expect(client.messages).toEqual(clients[0]!.messages);
    expect([...clients[0]!.messages].sort()).toEqual(expected(100).sort());
    const ofPublisher = (parity: number): unknown[] => clients[0]!.messages.filter((text) => Number(String(text).slice(1)) % 2 === parity);
    expect(ofPublisher(0)).toEqual(expected(100).filter((_, index) => index % 2 === 0));
    expect(ofPublisher(1)).toEqual(expected(100).filter((_, index) => index % 2 === 1));
    const presence = await a.server.presence('lobby');
    expect(presence).toHaveLength(4);
    expect(new Set(presence.map((entry) => entry.node))).toEqual(new Set([a.broker.nodeId, b.broker.nodeId]));
  });

  it('loses nothing when Redis is killed and restarted during traffic, and reports the outage', async () => {
    const redis = await startRedis({ appendOnly: true });
    const a = await startNode(redis.url);
    const b = await startNode(redis.url);
    const clients = [resumeClient(a.url), resumeClient(b.url)];
    await Promise.all(clients.map((client) => client.opened()));
    await joined(a.server, 2);
    const results: Array<Promise<unknown>> = [];
    for (let index = 0; index < 200; index++) {
      results.push(a.server.rooms.get('lobby').broadcast(`m${String(index)}`));
      if (index === 60) await redis.stop('SIGKILL');
      if (index === 120) await redis.restart();
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    await Promise.all(clients.map((client) => client.received(200)));
    for (const client of clients) expect(client.messages).toEqual(expected(200));
    await until(() => a.events.includes('restored') && b.events.includes('restored'), 10_000, 'both brokers to report restored');
    expect(a.events.slice(0, 2)).toEqual(['outage', 'restored']);
    expect(b.events.slice(0, 2)).toEqual(['outage', 'restored']);
    await Promise.all(results);
  });

  it('resumes the clients of a killed node process on another one, without loss or duplicates', async () => {
    const redis = await startRedis();
    const doomed = await startNodeProcess(redis.url);
    const survivor = await startNodeProcess(redis.url);
    const clients: ResumeClient[] = [resumeClient(doomed.url), resumeClient(doomed.url), resumeClient(survivor.url)];
    await Promise.all(clients.map((client) => client.opened()));
    // The publisher is a client of the survivor: its messages go to the lobby on both processes.
    const publisher = await connect(survivor.url);
    try {
      await new Promise((resolve) => setTimeout(resolve, 200));
      for (const client of clients) client.target = survivor.url;
      for (let index = 0; index < 150; index++) {
        await publisher.send(`m${String(index)}`);
        if (index === 50) await doomed.kill();
        await new Promise((resolve) => setTimeout(resolve, 2));
      }
      await Promise.all(clients.map((client) => client.received(150)));
      await new Promise((resolve) => setTimeout(resolve, 100));
      for (const client of clients) expect(client.messages).toEqual(expected(150));
      expect(clients[0]!.resumed).toHaveLength(1);
      expect(clients[1]!.resumed).toHaveLength(1);
      expect(clients.flatMap((client) => client.notResumed)).toEqual([]);
    } finally {
      await publisher.close().catch(() => undefined);
    }
  });

  it('tells a client that comes back after the window: not resumed, expired', async () => {
    const redis = await startRedis();
    const a = await startNode(redis.url, 200);
    const client = resumeClient(a.url);
    await client.opened();
    let back!: () => void;
    client.offline = new Promise((resolve) => (back = resolve));
    client.connection.current!.terminate();
    await a.server.rooms.get('lobby').broadcast('while away');
    await new Promise((resolve) => setTimeout(resolve, 600));
    client.offline = null;
    back();
    await until(() => client.notResumed.length > 0, 10_000, 'not-resumed');
    expect(client.notResumed).toEqual(['expired']);
    expect(client.messages).toEqual([]);
  });
});
