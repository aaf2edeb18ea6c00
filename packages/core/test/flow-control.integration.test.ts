import { connect, createServer, type AddressInfo, type Socket } from 'node:net';
import { acceptUpgrade, ServerHandshake } from '@wirekit/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import { acceptServerConnection, openClientConnection, socketChannel, type EngineConnection } from '../src/index.js';
import { random, sha1, tick } from './support/pair.js';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const MiB = 1024 * 1024;
const SIZE = 64 * 1024;
const MAX_BUFFERED = 1 * MiB;
const HIGH_WATER = 256 * 1024;
/** A stalled reader holds at most the mark, the message that crossed it, and what the read chunk in progress completes. */
const QUEUE_BOUND = HIGH_WATER + 3 * SIZE;

/** A server connection over real loopback TCP, and a client connected to it. */
async function loopbackPair(): Promise<{ sender: EngineConnection; reader: EngineConnection }> {
  const sockets: Socket[] = [];
  let resolveSender!: (connection: EngineConnection) => void;
  const accepted = new Promise<EngineConnection>((resolve) => (resolveSender = resolve));
  const server = createServer((socket) => {
    sockets.push(socket);
    const channel = socketChannel(socket);
    const handshake = new ServerHandshake();
    channel.bind({
      data: (chunk) => {
        const result = handshake.receive(chunk);
        if (result === null || result.kind === 'invalid') return;
        const upgrade = acceptUpgrade(result.request, { sha1 });
        channel.write([upgrade.response], () => undefined);
        resolveSender(acceptServerConnection(channel, { url: 'ws://127.0.0.1/', ...upgrade, remainder: result.remainder, maxBufferedAmount: MAX_BUFFERED }));
      },
      end: () => socket.end(),
      error: () => undefined,
      close: () => undefined,
      drain: () => undefined,
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
  cleanups.push(() => sockets.forEach((socket) => socket.destroy()));
  const { port } = server.address() as AddressInfo;
  const socket = connect({ host: '127.0.0.1', port });
  cleanups.push(() => void socket.destroy());
  const url = `ws://127.0.0.1:${port}/`;
  const reader = await openClientConnection(socketChannel(socket), { url, random, sha1, connectTimeout: 5_000, receiveHighWaterMark: HIGH_WATER });
  return { sender: await accepted, reader };
}

/** Sends message `index`; resolves 'full' when refused with WK_ERR_BUFFER_FULL, 'queued' otherwise. */
async function attempt(sender: EngineConnection, message: Uint8Array): Promise<'queued' | 'full'> {
  const sent = sender.send(message).then(
    () => 'queued' as const,
    (error: { code?: string }) => {
      if (error.code === 'WK_ERR_BUFFER_FULL') return 'full' as const;
      throw error;
    },
  );
  // A refusal settles within microtasks; an accepted send may take longer, and is queued either way.
  return Promise.race([sent, tick(1).then(() => 'queued' as const)]);
}

describe('flow control over node:net (loopback)', () => {
  it('bounds memory between a sender that outruns a stalled reader, and loses nothing once the reader reads', async () => {
    const { sender, reader } = await loopbackPair();
    // Distinct contents, made before measuring; the engine may keep a reference to a payload until it is written.
    const messages = Array.from({ length: 251 }, (_, index) => new Uint8Array(SIZE).fill(index));
    const total = 1_024; // 64 MiB offered in all
    const before = process.memoryUsage().arrayBuffers;
    let next = 0;
    let refusals = 0;
    let maxBuffered = 0;
    let maxQueued = 0;
    const observe = (): void => {
      maxBuffered = Math.max(maxBuffered, sender.bufferedAmount);
      maxQueued = Math.max(maxQueued, reader.queuedAmount);
    };

    // Phase 1: nobody reads. The sender keeps offering until it has been refused 20 times.
    for (let round = 0; round < 2_000 && next < total && refusals < 20; round++) {
      if ((await attempt(sender, messages[next % messages.length]!)) === 'queued') next++;
      else {
        refusals++;
        await tick(5);
      }
      observe();
    }
    const grown = process.memoryUsage().arrayBuffers - before;
    expect(refusals).toBe(20);
    expect(next).toBeLessThan(total);
    expect(maxBuffered).toBeLessThanOrEqual(MAX_BUFFERED);
    expect(reader.queuedAmount).toBeGreaterThan(HIGH_WATER);
    expect(maxQueued).toBeLessThanOrEqual(QUEUE_BOUND);
    // Without the limits the reader alone would hold every accepted message; with them, about 1.5 MiB of this process.
    expect(grown).toBeLessThan(16 * MiB);

    // Phase 2: a slow reader takes every message in order while the sender finishes, waiting when refused.
    const sending = (async () => {
      for (let round = 0; round < 100_000 && next < total; round++) {
        if ((await attempt(sender, messages[next % messages.length]!)) === 'queued') next++;
        else await tick(1);
        observe();
      }
    })();
    for (let index = 0; index < total; index++) {
      const message = await reader.receive();
      expect(message instanceof Uint8Array && message.length === SIZE && message[0] === index % messages.length && message[SIZE - 1] === index % messages.length).toBe(true);
      if (index % 8 === 0) await tick();
      observe();
    }
    await sending;
    expect(next).toBe(total);
    expect(maxBuffered).toBeLessThanOrEqual(MAX_BUFFERED);
    expect(maxQueued).toBeLessThanOrEqual(QUEUE_BOUND);
    expect(await reader.close(1000)).toMatchObject({ code: 1000, wasClean: true });
  });
});
