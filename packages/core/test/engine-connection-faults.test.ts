import { concat, Engine, encodeFrame, Opcode, type EngineEvent } from '@wirekit/protocol';
import { describe, expect, it } from 'vitest';
import { acceptServerConnection, memoryChannelPair, openClientConnection, type ByteChannel, type ByteChannelHandlers, type EngineConnection, type Message, type WireKitError } from '../src/index.js';
import { FakeClock, wrapChannel } from '@wirekit/test-support';
import { connectPair, random, serveOnce, sha1, tick, URL } from './support/pair.js';

const text = new TextEncoder();

function join(parts: Uint8Array[]): Uint8Array {
  return concat(parts, parts.reduce((sum, part) => sum + part.length, 0));
}

/** A Text frame as a server (unmasked) or a client (masked) sends it. */
function textFrame(message: string, masked = false): Uint8Array {
  return join(encodeFrame({ opcode: Opcode.Text, payload: text.encode(message), ...(masked ? { mask: random(4) } : {}) }));
}

/** Frames that break the protocol, each with the code that must reach the application (unmasked: as a server sends them). */
const VIOLATIONS = [
  { name: 'RSV1 with no extension (Autobahn 3.2)', bytes: Uint8Array.of(0xc1, 0x00), code: 'WK_ERR_RESERVED_BITS' },
  { name: 'a reserved opcode (Autobahn 4.1.3)', bytes: Uint8Array.of(0x83, 0x00), code: 'WK_ERR_RESERVED_OPCODE' },
  { name: 'a continuation with nothing to continue (Autobahn 5.15)', bytes: Uint8Array.of(0x80, 0x00), code: 'WK_ERR_UNEXPECTED_CONTINUATION' },
  { name: 'a 16-bit length under 126', bytes: Uint8Array.of(0x81, 0x7e, 0x00, 0x05, 0x61, 0x61, 0x61, 0x61, 0x61), code: 'WK_ERR_INVALID_LENGTH' },
] as const;

/** Records the server side: messages in order, and when the client's Close arrived among them. */
function watch(server: EngineConnection): { events: string[] } {
  const events: string[] = [];
  server.on('message', (message) => events.push(`message ${String(message)}`));
  server.on('close', (info) => events.push(`close ${info.code}`));
  return { events };
}

function errorsOf(connection: EngineConnection): string[] {
  const codes: string[] = [];
  connection.on('error', (error: WireKitError) => codes.push(error.code));
  return codes;
}

describe('EngineConnection, a valid message followed by a violation (deliver before failing, RFC 6455 §7.1.7)', () => {
  describe.each(VIOLATIONS)('$name in the segment of the 101', ({ bytes, code }) => {
    const after = (): Uint8Array => join([textFrame('hello'), bytes]);

    it('a message listener attached after connect() resolved gets the message, its synchronous reply leaves before the Close, then the error', async () => {
      const { client, server } = await connectPair({}, { after: after() });
      const seen = watch(server);
      expect(client.state).toBe('open');
      const errors = errorsOf(client);
      client.on('message', (message: Message) => void client.send(`echo ${String(message)}`).catch(() => undefined));
      const info = await client.closed;
      expect(info).toMatchObject({ code: 1002, wasClean: false });
      expect(errors).toEqual([code]);
      await server.closed;
      expect(seen.events).toEqual(['message echo hello', 'close 1002']);
    });

    it('a reply from a for await loop (microtasks) leaves before the Close too', async () => {
      const { client, server } = await connectPair({}, { after: after() });
      const seen = watch(server);
      for await (const message of client) await client.send(`echo ${String(message)}`);
      expect((await client.closed).code).toBe(1002);
      await server.closed;
      expect(seen.events).toEqual(['message echo hello', 'close 1002']);
    });

    it('receive() gives the message, then rejects with the violation, not WK_ERR_CLOSED', async () => {
      const { client, server } = await connectPair({}, { after: after() });
      const seen = watch(server);
      const message = await client.receive();
      await client.send(`echo ${String(message)}`);
      await expect(client.receive()).rejects.toMatchObject({ code });
      await server.closed;
      expect(seen.events).toEqual(['message echo hello', 'close 1002']);
    });
  });

  describe.each(VIOLATIONS)('$name alone, in the segment of the 101', ({ bytes, code }) => {
    it('connect() resolves with an open connection whose error listener, attached then, hears the real code', async () => {
      const { client } = await connectPair({}, { after: bytes.slice() });
      expect(client.state).toBe('open');
      const errors = errorsOf(client);
      expect(await client.closed).toMatchObject({ code: 1002 });
      expect(errors).toEqual([code]);
      expect(client.error?.code).toBe(code);
    });

    it('receive() rejects with the real code', async () => {
      const { client } = await connectPair({}, { after: bytes.slice() });
      await expect(client.receive()).rejects.toMatchObject({ code, closeCode: 1002 });
    });
  });

  it('a for await reply leaves before the Close when the message and the violation come as separate reads of the same turn as the 101', async () => {
    const { client, server } = await connectPair({}, { after: [textFrame('hello'), VIOLATIONS[0].bytes.slice()] });
    const seen = watch(server);
    for await (const message of client) await client.send(`echo ${String(message)}`);
    await server.closed;
    expect(seen.events).toEqual(['message echo hello', 'close 1002']);
  });

  it('keeps the bytes in order when the channel delivers what it kept while paused inside resume() (a Stream pair does)', async () => {
    const [inner, serverChannel] = memoryChannelPair();
    let handlers: ByteChannelHandlers | null = null;
    let paused = false;
    const kept: Uint8Array[] = [];
    // The 101 and the frame's first byte arrive as one read (one segment); the rest is kept while paused.
    let first: Uint8Array | null = null;
    let reads = 0;
    const channel: ByteChannel = wrapChannel(inner, {
      pause: () => void (paused = true),
      resume: () => {
        paused = false;
        for (const chunk of kept.splice(0)) handlers!.data(chunk);
      },
      bind: (given) => {
        handlers = given;
        inner.bind({
          data: (chunk) => {
            if (++reads === 1) return void (first = chunk);
            if (reads === 2) return given.data(join([first!, chunk]));
            if (paused) kept.push(chunk);
            else given.data(chunk);
          },
          end: () => given.end(),
          error: (error) => given.error(error),
          close: () => given.close(),
          drain: () => given.drain(),
        });
      },
    });
    const hello = textFrame('hello');
    const served = serveOnce(serverChannel, { after: [hello.slice(0, 1), hello.slice(1), VIOLATIONS[0].bytes.slice()] });
    const client = await openClientConnection(channel, { url: URL, random, sha1 });
    const server = await served;
    const seen = watch(server);
    for await (const message of client) await client.send(`echo ${String(message)}`);
    await server.closed;
    expect(seen.events).toEqual(['message echo hello', 'close 1002']);
  });

  it('a for await reply leaves before the Close when, long after the handshake, the message and the violation are two reads of one turn', async () => {
    const { client, server, serverChannel } = await connectPair();
    const seen = watch(server);
    await tick(5);
    const loop = (async () => {
      for await (const message of client) await client.send(`echo ${String(message)}`);
    })();
    // Two writes in one turn: the memory channel hands them over as two reads in one turn.
    serverChannel.write([textFrame('hello')], () => undefined);
    serverChannel.write([VIOLATIONS[0].bytes.slice()], () => undefined);
    await loop;
    expect((await client.closed).code).toBe(1002);
    await server.closed;
    expect(seen.events).toEqual(['message echo hello', 'close 1002']);
  });

  it('holds the failure until a later turn of the injected clock, and writes nothing meanwhile', async () => {
    const clock = new FakeClock();
    const { client, server } = await connectPair({ clock }, { after: join([textFrame('hello'), VIOLATIONS[0].bytes]) });
    const seen = watch(server);
    const errors = errorsOf(client);
    client.on('message', (message: Message) => void client.send(`echo ${String(message)}`));
    await tick();
    expect(seen.events).toEqual([]);
    clock.advance(0); // the turn that releases what came with the 101
    await tick();
    expect(errors).toEqual([]);
    expect(client.state).toBe('open');
    expect(seen.events).toEqual(['message echo hello']);
    clock.advance(0);
    expect(errors).toEqual(['WK_ERR_RESERVED_BITS']);
    await tick();
    expect(seen.events).toEqual(['message echo hello', 'close 1002']);
  });

  it('releases what came with the 101 on the clock\'s next turn, not on a 0 ms timer (Node makes those at least 1 ms)', async () => {
    const clock = new FakeClock();
    const delays: number[] = [];
    const timers = { now: () => clock.now(), setTimeout: (fn: () => void, ms: number) => (delays.push(ms), clock.setTimeout(fn, ms)), clearTimeout: (handle: unknown) => clock.clearTimeout(handle) };
    let turns = 0;
    const withTurns = { ...timers, nextTurn: (fn: () => void) => (turns++, clock.nextTurn(fn)), cancelTurn: (handle: unknown) => clock.cancelTurn(handle) };
    const { client } = await connectPair({ clock: withTurns }, { after: textFrame('hello') });
    const seen: Message[] = [];
    client.on('message', (message: Message) => seen.push(message));
    await tick();
    expect(seen).toEqual([]);
    expect(turns).toBe(1);
    expect(delays).not.toContain(0);
    clock.advance(0);
    await tick();
    expect(seen).toEqual(['hello']);
  });

  it('falls back to a 0 ms timer on a clock without nextTurn', async () => {
    const clock = new FakeClock();
    const delays: number[] = [];
    const timers = { now: () => clock.now(), setTimeout: (fn: () => void, ms: number) => (delays.push(ms), clock.setTimeout(fn, ms)), clearTimeout: (handle: unknown) => clock.clearTimeout(handle) };
    const { client } = await connectPair({ clock: timers }, { after: textFrame('hello') });
    const seen: Message[] = [];
    client.on('message', (message: Message) => seen.push(message));
    await tick();
    expect(delays).toContain(0);
    clock.advance(0);
    await tick();
    expect(seen).toEqual(['hello']);
  });

  it('fails a held violation on the clock\'s next turn, not on a 0 ms timer', async () => {
    const clock = new FakeClock();
    let turns = 0;
    const withTurns = { now: () => clock.now(), setTimeout: (fn: () => void, ms: number) => clock.setTimeout(fn, ms), clearTimeout: (handle: unknown) => clock.clearTimeout(handle), nextTurn: (fn: () => void) => (turns++, clock.nextTurn(fn)), cancelTurn: (handle: unknown) => clock.cancelTurn(handle) };
    const { client, serverChannel } = await connectPair({ clock: withTurns });
    clock.advance(0);
    const errors = errorsOf(client);
    expect(turns).toBe(1);
    serverChannel.write([VIOLATIONS[0].bytes.slice()], () => undefined);
    await tick();
    expect(turns).toBe(2);
    expect(errors).toEqual([]);
    clock.advance(0);
    expect(errors).toEqual(['WK_ERR_RESERVED_BITS']);
  });

  it('arms no timer for messages that keep coming (the hot path has no per-message macrotask)', async () => {
    const clock = new FakeClock();
    const { client, server } = await connectPair({ clock });
    clock.advance(0); // the one timer of a client: the turn after connect() resolved
    const seen: Message[] = [];
    client.on('message', (message: Message) => seen.push(message));
    for (let i = 0; i < 100; i++) void server.send(`m${i}`);
    await tick();
    expect(seen).toHaveLength(100);
    expect(clock.pending).toBe(0);
  });
});

describe('acceptServerConnection(), a valid message then a violation among the first frames', () => {
  it.each(VIOLATIONS)('$name: the connection event listener echoes it before the Close, and hears the real code', async ({ bytes, code }) => {
    const [channel, peer] = memoryChannelPair();
    const events: EngineEvent[] = [];
    const order: string[] = [];
    const decoder = new Engine({ role: 'client', random, onEvent: (event) => events.push(event), onWrite: () => undefined });
    peer.bind({ data: (chunk) => decoder.receive(chunk), end: () => undefined, error: () => undefined, close: () => undefined, drain: () => undefined });
    // The client's bad frame, masked as a client must.
    const bad = join(encodeFrame({ opcode: bytes[0]! & 0x0f, payload: bytes.subarray(2, 2 + (bytes[1]! & 0x7f)), mask: random(4), rsv: { rsv1: (bytes[0]! & 0x40) !== 0, rsv2: false, rsv3: false }, fin: (bytes[0]! & 0x80) !== 0 }));
    const violation = code === 'WK_ERR_INVALID_LENGTH' ? Uint8Array.of(0x81, 0xfe, 0x00, 0x05, 1, 2, 3, 4, 0, 0, 0, 0, 0) : bad;
    const connection = acceptServerConnection(channel, { url: URL, protocol: '', extensions: [], extensionsHeader: '', remainder: join([textFrame('hello', true), violation]) });
    // What a WireKitServer 'connection' listener does, in the same turn.
    connection.on('error', (error) => order.push(error.code));
    connection.on('message', (message: Message) => void connection.send(`echo ${String(message)}`));
    expect((await connection.closed).code).toBe(1002);
    await tick();
    expect(order).toEqual([code]);
    expect(events.map((event) => (event.type === 'text' ? `text ${event.data}` : event.type === 'close' ? `close ${event.code}` : event.type))).toEqual(['text echo hello', 'close 1002']);
  });
});
