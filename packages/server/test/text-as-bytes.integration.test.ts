import { connect as netConnect } from 'node:net';
import { randomFillSync } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { openClientConnection, socketChannel, TextBytes, type EngineConnection, type Message } from '@wirekit/core';
import { WireKitServer } from '../src/index.js';
import { within } from './support/harness.js';

let server: WireKitServer | null = null;
afterEach(async () => {
  await server?.close();
  server = null;
});

async function openClient(port: number, url: string): Promise<EngineConnection> {
  const socket = netConnect({ host: '127.0.0.1', port });
  await within(5_000, new Promise<void>((resolve) => socket.once('connect', () => resolve())), 'connect');
  return openClientConnection(socketChannel(socket), { url, random: (n) => randomFillSync(new Uint8Array(n)) });
}

const nextMessage = (client: EngineConnection): Promise<Message> => within(5_000, client.receive(), 'a message');

describe('WireKitServer textAsBytes (relay without re-encoding)', () => {
  it('hands Text messages to handlers as TextBytes, and sending them back echoes Text', async () => {
    server = new WireKitServer({ host: '127.0.0.1', port: 0, textAsBytes: true });
    const seen: Message[] = [];
    server.on('connection', (connection) => {
      connection.on('message', (message) => {
        seen.push(message);
        void connection.send(message);
      });
    });
    const { port, url } = await server.listen();
    const client = await openClient(port, url);
    await client.send('écho ✓ 🚀');
    expect(await nextMessage(client)).toBe('écho ✓ 🚀');
    await client.send(new Uint8Array([1, 2, 3]));
    expect(await nextMessage(client)).toEqual(new Uint8Array([1, 2, 3]));
    expect(seen[0]).toBeInstanceOf(TextBytes);
    expect(seen[1]).not.toBeInstanceOf(TextBytes);
    await client.close(1000);
  });

  it('server.broadcast() of a received TextBytes reaches every client as the same text', async () => {
    server = new WireKitServer({ host: '127.0.0.1', port: 0, textAsBytes: true });
    const current = server;
    server.on('connection', (connection) => {
      connection.on('message', (message) => void current.broadcast(message, { except: connection }));
    });
    const { port, url } = await server.listen();
    const [sender, a, b] = await Promise.all([openClient(port, url), openClient(port, url), openClient(port, url)]);
    await within(5_000, (async () => {
      while (current.connections.size < 3) await new Promise((resolve) => setTimeout(resolve, 5));
    })(), 'three connections');
    await sender.send('à tous ✓');
    expect(await Promise.all([nextMessage(a), nextMessage(b)])).toEqual(['à tous ✓', 'à tous ✓']);
    await Promise.all([sender.close(1000), a.close(1000), b.close(1000)]);
  });

  it('a broadcast of a TextBytes that is not UTF-8 reaches nobody and reports each recipient', async () => {
    server = new WireKitServer({ host: '127.0.0.1', port: 0 });
    const { port, url } = await server.listen();
    const client = await openClient(port, url);
    const current = server;
    await within(5_000, (async () => {
      while (current.connections.size < 1) await new Promise((resolve) => setTimeout(resolve, 5));
    })(), 'the connection');
    const result = await server.broadcast(new TextBytes([0x61, 0xff]));
    expect(result.sent).toBe(0);
    expect(result.failed.map((failure) => failure.error.code)).toEqual(['WK_ERR_INVALID_ARGUMENT']);
    await client.close(1000);
  });
});
