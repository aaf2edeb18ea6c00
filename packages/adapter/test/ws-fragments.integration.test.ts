import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';
import { connectWs } from '../src/index.js';

const servers: WebSocketServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
});

/** A ws server that sends every client one text message cut into `count` one-byte fragments. */
async function fragmentingServer(count: number): Promise<string> {
  const server = new WebSocketServer({ port: 0, host: '127.0.0.1' });
  servers.push(server);
  await new Promise((resolve) => server.once('listening', resolve));
  server.on('connection', (socket) => {
    socket.on('error', () => undefined);
    for (let i = 0; i < count; i++) socket.send('a', { fin: i === count - 1 });
  });
  return `ws://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe('connectWs maxFragments (ws maxFragments)', () => {
  it('fails a message of more fragments than maxFragments with 1009 and WK_ERR_MESSAGE_TOO_LARGE', async () => {
    const connection = await connectWs(await fragmentingServer(20), { maxFragments: 10 });
    const errors: string[] = [];
    connection.on('error', (error) => errors.push(error.code));
    expect((await connection.closed).code).toBe(1009);
    expect(errors).toEqual(['WK_ERR_MESSAGE_TOO_LARGE']);
  });

  it('by default accepts more fragments than ws\'s own 16,384 (Autobahn 9.3.x/9.4.x send 65,536)', async () => {
    const connection = await connectWs(await fragmentingServer(20_000));
    expect(await connection.receive()).toBe('a'.repeat(20_000));
    await connection.close();
  }, 30_000);
});
