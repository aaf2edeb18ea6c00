import { concat, encodeFrame, Opcode } from '@wirekit/protocol';
import { describe, expect, it } from 'vitest';
import { acceptServerConnection, EngineConnection, memoryChannelPair, WireKitError, type ByteChannel, type Message } from '../src/index.js';
import { wrapChannel } from '@wirekit/test-support';
import { connectPair, random, tick, URL } from './support/pair.js';

const text = new TextEncoder();

/** Frames as a server sends them (unmasked), joined into one chunk. */
function serverFrames(...messages: string[]): Uint8Array {
  const chunks = messages.flatMap((message) => encodeFrame({ opcode: Opcode.Text, payload: text.encode(message), fin: true }));
  return concat(chunks, chunks.reduce((sum, chunk) => sum + chunk.length, 0));
}

/** A channel that counts pause() and resume() calls on the way through. */
function counting(channel: ByteChannel): { channel: ByteChannel; pauses: () => number; resumes: () => number } {
  let pauses = 0;
  let resumes = 0;
  const wrapped = wrapChannel(channel, {
    pause: () => {
      pauses++;
      channel.pause();
    },
    resume: () => {
      resumes++;
      channel.resume();
    },
  });
  return { channel: wrapped, pauses: () => pauses, resumes: () => resumes };
}

describe('EngineConnection delivery', () => {
  describe('messages that arrive before anyone listens', () => {
    it('holds the frames sent with the 101 for a message listener attached after connect() resolved', async () => {
      const { client, server } = await connectPair({}, { after: serverFrames('early 1', 'early 2') });
      await tick();
      const seen: Message[] = [];
      client.on('message', (message) => seen.push(message));
      await tick();
      expect(seen).toEqual(['early 1', 'early 2']);
      await server.send('later');
      await tick();
      expect(seen).toEqual(['early 1', 'early 2', 'later']);
      expect(client.queuedAmount).toBe(0);
    });

    it('hands the frames sent with the upgrade request to a listener attached after acceptServerConnection() returned', async () => {
      const [channel, peer] = memoryChannelPair();
      peer.bind({ data: () => undefined, end: () => undefined, error: () => undefined, close: () => undefined, drain: () => undefined });
      const frames = encodeFrame({ opcode: Opcode.Text, payload: text.encode('first'), fin: true, mask: random(4) });
      const remainder = concat(frames, frames.reduce((sum, chunk) => sum + chunk.length, 0));
      const connection = acceptServerConnection(channel, { url: URL, protocol: '', extensions: [], extensionsHeader: '', remainder });
      const seen: Message[] = [];
      connection.on('message', (message) => seen.push(message));
      await tick();
      expect(seen).toEqual(['first']);
    });

    it('gives held messages, in order and once, to the first consumer: receive() here', async () => {
      const { client } = await connectPair({}, { after: serverFrames('a', 'b') });
      await tick();
      expect(client.queuedAmount).toBe(2);
      expect(await client.receive()).toBe('a');
      const seen: Message[] = [];
      client.on('message', (message) => seen.push(message));
      expect(await client.receive()).toBe('b');
      await tick();
      expect(seen).toEqual([]);
    });

    it('keeps the rest held for receive() when the first listener removes itself after one message', async () => {
      const { client } = await connectPair({}, { after: serverFrames('one', 'two', 'three') });
      await tick();
      const seen: Message[] = [];
      const off = client.on('message', (message) => {
        seen.push(message);
        off();
      });
      await tick();
      expect(seen).toEqual(['one']);
      expect(await client.receive()).toBe('two');
      expect(await client.receive()).toBe('three');
    });

    it('delivers messages held through the close to a listener attached afterwards', async () => {
      const { client, server } = await connectPair();
      await server.send('last words');
      await server.close();
      await client.closed;
      const seen: Message[] = [];
      client.on('message', (message) => seen.push(message));
      await tick();
      expect(seen).toEqual(['last words']);
    });
  });

  describe('receiveHighWaterMark', () => {
    it('pauses reading once undelivered messages pass it, resumes at half, and loses nothing', async () => {
      const [clientChannel, serverChannel] = memoryChannelPair();
      const spy = counting(serverChannel);
      const server = acceptServerConnection(spy.channel, { url: URL, protocol: '', extensions: [], extensionsHeader: '', receiveHighWaterMark: 4_000 });
      // The client speaks frames at once (no handshake), as skipHandshake does.
      const client = new EngineConnection(clientChannel, { role: 'client', url: URL, random });
      client.establish();
      const sent = Array.from({ length: 20 }, (_, index) => `${String(index).padStart(4, '0')}${'x'.repeat(996)}`);
      await Promise.all(sent.map((message) => client.send(message)));
      await tick();
      expect(spy.pauses()).toBe(1);
      expect(server.queuedAmount).toBeGreaterThan(4_000);
      expect(server.queuedAmount).toBeLessThanOrEqual(5_000);
      const got: Message[] = [];
      for (let index = 0; index < sent.length; index++) {
        got.push(await server.receive());
        expect(server.queuedAmount).toBeLessThanOrEqual(5_000);
      }
      expect(got).toEqual(sent);
      expect(spy.resumes()).toBeGreaterThanOrEqual(1);
      expect(server.queuedAmount).toBe(0);
    });

    it('counts held messages too, and resumes when a listener takes them', async () => {
      const [clientChannel, serverChannel] = memoryChannelPair();
      const spy = counting(serverChannel);
      const server = acceptServerConnection(spy.channel, { url: URL, protocol: '', extensions: [], extensionsHeader: '', receiveHighWaterMark: 2_500 });
      const client = new EngineConnection(clientChannel, { role: 'client', url: URL, random });
      client.establish();
      for (let index = 0; index < 6; index++) void client.send(new Uint8Array(1_000));
      await tick();
      expect(spy.pauses()).toBe(1);
      expect(server.queuedAmount).toBe(3_000);
      let count = 0;
      server.on('message', () => count++);
      await tick();
      expect(count).toBe(6);
      expect(spy.resumes()).toBe(1);
      expect(server.queuedAmount).toBe(0);
    });

    it('resumes reading on close(), so that a stalled reader still completes the closing handshake', async () => {
      const { client, server } = await connectPair({ receiveHighWaterMark: 1_000 });
      for (let index = 0; index < 10; index++) void server.send(new Uint8Array(500));
      await tick();
      expect(client.queuedAmount).toBeLessThan(5_000);
      expect(await client.close(1000)).toEqual({ code: 1000, reason: '', wasClean: true });
    });
  });

  describe('maxBufferedAmount', () => {
    it('refuses a send past it with WK_ERR_BUFFER_FULL (ENOBUFS), sends nothing of it, and stays open', async () => {
      const { client, server } = await connectPair({ maxBufferedAmount: 1_000 });
      const first = client.send(new Uint8Array(600).fill(1));
      const second = client.send(new Uint8Array(600).fill(2));
      expect(client.bufferedAmount).toBe(600);
      const refused = await second.catch((error: unknown) => error);
      expect(refused).toBeInstanceOf(WireKitError);
      expect(refused).toMatchObject({ code: 'WK_ERR_BUFFER_FULL', domain: 'posix', errno: 'ENOBUFS' });
      await first;
      await client.send(new Uint8Array(600).fill(3));
      expect(client.state).toBe('open');
      expect(await server.receive()).toEqual(new Uint8Array(600).fill(1));
      expect(await server.receive()).toEqual(new Uint8Array(600).fill(3));
    });

    it('accepts one message larger than the limit when nothing is buffered', async () => {
      const { client, server } = await connectPair({ maxBufferedAmount: 100 });
      await client.send(new Uint8Array(1_000));
      expect(await server.receive()).toEqual(new Uint8Array(1_000));
    });

    it.each([
      ['receiveHighWaterMark', 0],
      ['maxBufferedAmount', -1],
      ['maxBufferedAmount', Number.NaN],
    ] as const)('throws WK_ERR_INVALID_ARGUMENT for %s %d', (name, value) => {
      const [channel] = memoryChannelPair();
      expect(() => acceptServerConnection(channel, { url: URL, protocol: '', extensions: [], extensionsHeader: '', [name]: value })).toThrow(
        expect.objectContaining({ code: 'WK_ERR_INVALID_ARGUMENT' }),
      );
    });
  });

  describe('close() with an ending error', () => {
    it("rejects what is pending with it (WK_ERR_SERVER_CLOSED for a server's shutdown) and ends iteration", async () => {
      const { client, server } = await connectPair({}, { connection: { autoPong: false } });
      const pending = server.receive();
      const iteration = (async () => {
        const got: Message[] = [];
        for await (const message of server) got.push(message);
        return got;
      })();
      const shutdown = new WireKitError('WK_ERR_SERVER_CLOSED', 'the server shut down');
      const info = await server.close(1001, 'shutting down', shutdown);
      expect(info).toMatchObject({ code: 1001, wasClean: true });
      await expect(pending).rejects.toBe(shutdown);
      await expect(server.receive()).rejects.toMatchObject({ code: 'WK_ERR_SERVER_CLOSED', closeCode: 1001 });
      expect(await iteration).toEqual([]);
      expect(await client.closed).toMatchObject({ code: 1001, reason: 'shutting down' });
    });
  });
});
