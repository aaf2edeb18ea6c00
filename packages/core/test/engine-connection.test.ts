import { encodeFrame, Opcode } from '@wirekit/protocol';
import { describe, expect, it } from 'vitest';
import { EngineConnection, memoryChannelPair, WireKitError, type ConnectionState, type Message } from '../src/index.js';
import { FakeClock } from '@wirekit/test-support';
import { connectPair, next, random, tick, unhandledRejections, URL } from './support/pair.js';

const text = new TextEncoder();

describe('EngineConnection', () => {
  describe('state', () => {
    it('goes connecting → open with one open event, and terminate() goes straight to closed', async () => {
      const [channel, peer] = memoryChannelPair();
      let decide: (() => void) | null = null;
      const connection = new EngineConnection(channel, {
        role: 'client',
        url: URL,
        random,
        handshake: {
          receive: () => {
            decide?.();
            return { kind: 'accepted', protocol: 'chat', extensions: [], extensionsHeader: '' };
          },
        },
      });
      const states: ConnectionState[] = [];
      let opens = 0;
      connection.on('state', (state) => states.push(state));
      connection.on('open', () => opens++);
      expect(connection.state).toBe('connecting');
      peer.bind({ data: () => undefined, end: () => peer.end(), error: () => undefined, close: () => undefined, drain: () => undefined });
      const opened = new Promise<void>((resolve) => (decide = resolve));
      peer.write([text.encode('HTTP/1.1 101 …')], () => undefined);
      await opened;
      expect(connection.state).toBe('open');
      expect(connection.protocol).toBe('chat');
      connection.terminate();
      expect(states).toEqual(['open', 'closed']);
      expect(opens).toBe(1);
    });

    it('reports open, closing and closed through a clean close, and closed resolves once', async () => {
      const { client, server } = await connectPair();
      const states: ConnectionState[] = [];
      client.on('state', (state) => states.push(state));
      const closes: unknown[] = [];
      client.on('close', (info) => closes.push(info));
      const info = await client.close(1000, 'bye');
      // The server echoes the code only (RFC 6455 §5.5.1), so the client sees no reason.
      expect(info).toEqual({ code: 1000, reason: '', wasClean: true });
      expect(states).toEqual(['closing', 'closed']);
      expect(await client.closed).toBe(info);
      expect(await server.closed).toEqual({ code: 1000, reason: 'bye', wasClean: true });
      expect(closes).toHaveLength(1);
    });

    it('feeds bytes received before establish() to the engine once established', async () => {
      const [channel, peer] = memoryChannelPair();
      const connection = new EngineConnection(channel, { role: 'server', url: URL });
      peer.bind({ data: () => undefined, end: () => undefined, error: () => undefined, close: () => undefined, drain: () => undefined });
      peer.write(encodeFrame({ opcode: Opcode.Text, payload: text.encode('early'), fin: true, mask: random(4) }), () => undefined);
      await tick();
      connection.establish();
      expect(await connection.receive()).toBe('early');
      expect(() => connection.establish()).toThrow(expect.objectContaining({ code: 'WK_ERR_INVALID_ARGUMENT' }));
    });

    it('refuses a client without random (RFC 6455 §5.3)', () => {
      const [channel] = memoryChannelPair();
      expect(() => new EngineConnection(channel, { role: 'client', url: URL })).toThrow(expect.objectContaining({ code: 'WK_ERR_INVALID_ARGUMENT' }));
    });
  });

  describe('send()', () => {
    it('resolves when the channel has written the bytes, and the peer receives the message', async () => {
      const { client, server } = await connectPair();
      const binary = Uint8Array.of(1, 2, 3);
      await client.send('héllo');
      await client.send(binary);
      expect(await server.receive()).toBe('héllo');
      expect(await server.receive()).toEqual(binary);
    });

    it('counts the bytes not yet written in bufferedAmount', async () => {
      const { client } = await connectPair();
      const sent = client.send('héllo'); // 6 bytes of UTF-8
      const bytes = client.send(new Uint8Array(10));
      expect(client.bufferedAmount).toBe(16);
      await Promise.all([sent, bytes]);
      expect(client.bufferedAmount).toBe(0);
    });

    it.each(['closing', 'closed'] as const)('rejects WK_ERR_NOT_OPEN (domain usage) when %s', async (state) => {
      const { client } = await connectPair();
      const closing = client.close();
      if (state === 'closed') await closing;
      const error = await client.send('late').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(WireKitError);
      expect(error).toMatchObject({ code: 'WK_ERR_NOT_OPEN', domain: 'usage' });
    });

    it('causes no unhandled rejection when a failing send is not awaited', async () => {
      const unhandled = await unhandledRejections(async () => {
        const { client } = await connectPair();
        client.terminate();
        void client.send('nobody awaits this');
        void client.ping();
        void client.receive();
      });
      expect(unhandled).toEqual([]);
    });

    it('causes no unhandled rejection when sends in flight fail at the end and nobody awaits them, while an awaiter still sees the error', async () => {
      const unhandled = await unhandledRejections(async () => {
        const { client } = await connectPair();
        void client.send('in flight');
        void client.sendPart('part', false);
        // Refused by the engine as it is queued (WK_ERR_FRAGMENT_ORDER), not awaited either.
        void client.send('out of order');
        const awaited = client.sendPart('end', true);
        client.terminate();
        await expect(awaited).rejects.toMatchObject({ code: 'WK_ERR_CLOSED' });
      });
      expect(unhandled).toEqual([]);
    });

    it('throws WireKitUsageError for data that is neither a string nor bytes', async () => {
      const { client } = await connectPair();
      await expect(client.send(42 as unknown as Message)).rejects.toThrow(expect.objectContaining({ code: 'WK_ERR_INVALID_ARGUMENT' }));
    });

    it('sends a message in parts with sendPart()', async () => {
      const { client, server } = await connectPair();
      await client.sendPart('hel', false);
      await expect(client.send('x')).rejects.toMatchObject({ name: 'WireKitError', code: 'WK_ERR_FRAGMENT_ORDER', domain: 'usage' });
      await client.sendPart('lo', true);
      expect(await server.receive()).toBe('hello');
    });

    it('rejects a send pending when the connection is terminated with WK_ERR_CLOSED', async () => {
      const { client } = await connectPair();
      const sent = client.send('x');
      client.terminate();
      await expect(sent).rejects.toMatchObject({ code: 'WK_ERR_CLOSED' });
    });
  });

  describe('receive()', () => {
    it('queues messages that arrive with no receive() pending, in order', async () => {
      const { client, server } = await connectPair();
      await server.send('one');
      await server.send('two');
      await tick();
      expect(await client.receive()).toBe('one');
      expect(await client.receive()).toBe('two');
    });

    it('does not queue messages for a connection read only through message events', async () => {
      const { client, server } = await connectPair();
      const seen: Message[] = [];
      client.on('message', (message) => seen.push(message));
      await server.send('event');
      await tick();
      expect(seen).toEqual(['event']);
      const pending = client.receive();
      await server.send('pulled');
      expect(await pending).toBe('pulled');
    });

    it('rejects a pending receive() with WK_ERR_CLOSED when the connection closes', async () => {
      const { client, server } = await connectPair();
      const pending = client.receive();
      await server.close(1001, 'going away');
      await expect(pending).rejects.toMatchObject({ code: 'WK_ERR_CLOSED', closeCode: 1001 });
    });

    it('delivers messages queued before the close, then rejects', async () => {
      const { client, server } = await connectPair();
      await server.send('last words');
      await server.close();
      await client.closed;
      expect(await client.receive()).toBe('last words');
      await expect(client.receive()).rejects.toMatchObject({ code: 'WK_ERR_CLOSED' });
    });

    it('iterates with for await until the connection closes', async () => {
      const { client, server } = await connectPair();
      for (const message of ['a', 'b', 'c']) await server.send(message);
      void server.close();
      const got: Message[] = [];
      for await (const message of client) got.push(message);
      expect(got).toEqual(['a', 'b', 'c']);
    });
  });

  describe('ping()', () => {
    it('resolves with the round-trip time measured on the clock', async () => {
      const clock = new FakeClock();
      const { client } = await connectPair({ clock });
      const rtt = client.ping(Uint8Array.of(7));
      clock.advance(25);
      expect(await rtt).toBe(25);
    });

    it('matches pongs to pings in order', async () => {
      const { client, server } = await connectPair({}, { connection: { autoPong: false } });
      const pings: Uint8Array[] = [];
      server.on('ping', (data) => pings.push(data));
      const first = client.ping(Uint8Array.of(1));
      const second = client.ping(Uint8Array.of(2));
      const order: number[] = [];
      void first.then(() => order.push(1));
      void second.then(() => order.push(2));
      await tick();
      expect(pings).toEqual([Uint8Array.of(1), Uint8Array.of(2)]);
      server.pong(Uint8Array.of(1));
      server.pong(Uint8Array.of(2));
      await Promise.all([first, second]);
      expect(order).toEqual([1, 2]);
    });

    it('emits ping and pong events', async () => {
      const { client, server } = await connectPair();
      const ping = next<Uint8Array>((l) => server.on('ping', l));
      const pong = next<Uint8Array>((l) => client.on('pong', l));
      await client.ping(Uint8Array.of(9));
      expect(await ping).toEqual(Uint8Array.of(9));
      expect(await pong).toEqual(Uint8Array.of(9));
    });

    it('rejects with WK_ERR_CLOSED when the connection closes before the pong', async () => {
      const { client } = await connectPair({}, { connection: { autoPong: false } });
      const rtt = client.ping();
      client.terminate();
      await expect(rtt).rejects.toMatchObject({ code: 'WK_ERR_CLOSED' });
    });

    it('rejects (ping, never throws) and throws (pong, returns nothing) WK_ERR_CONTROL_PAYLOAD_TOO_LONG for a payload over 125 bytes (RFC 6455 §5.5)', async () => {
      const { client } = await connectPair();
      await expect(client.ping(new Uint8Array(126))).rejects.toMatchObject({ name: 'WireKitError', code: 'WK_ERR_CONTROL_PAYLOAD_TOO_LONG', domain: 'usage' });
      expect(() => client.pong(new Uint8Array(126))).toThrow(expect.objectContaining({ code: 'WK_ERR_CONTROL_PAYLOAD_TOO_LONG' }));
    });

    it('rejects WK_ERR_NOT_OPEN once closed, and pong() throws it', async () => {
      const { client } = await connectPair();
      await client.close();
      await expect(client.ping()).rejects.toMatchObject({ code: 'WK_ERR_NOT_OPEN' });
      expect(() => client.pong()).toThrow(expect.objectContaining({ code: 'WK_ERR_NOT_OPEN' }));
    });
  });
});

