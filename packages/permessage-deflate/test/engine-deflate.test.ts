import { describe, expect, it } from 'vitest';
import { Engine, FrameDecoder, ProtocolError, encodeFrame, Opcode, type EngineEvent, type EngineOptions, type Frame } from '@wirekit/protocol';
import { perMessageDeflate, ZlibLimiter, type PerMessageDeflate, type PerMessageDeflateOptions } from '../src/index.js';
import { zeroBomb } from './support/bomb.js';
import { negotiate, random } from './support/handshake.js';

const MiB = 1024 * 1024;

interface Side {
  engine: Engine;
  events: EngineEvent[];
  wire: Uint8Array[];
  extension: PerMessageDeflate;
}

/** A client and a server engine with permessage-deflate negotiated by the real handshake, joined in memory. */
function deflatePair(client: PerMessageDeflateOptions = {}, server: PerMessageDeflateOptions = {}, engine: Partial<EngineOptions> = {}) {
  const limiter = new ZlibLimiter(4);
  const negotiated = negotiate(perMessageDeflate({ limiter, ...client }), perMessageDeflate({ limiter, ...server }));
  const make = (role: 'client' | 'server', extension: PerMessageDeflate): Side => {
    const side: Side = { engine: undefined as never, events: [], wire: [], extension };
    side.engine = new Engine({ role, random, ...engine, extensions: [extension], onEvent: (e) => side.events.push(e), onWrite: (chunks) => side.wire.push(...chunks) });
    return side;
  };
  const a = make('client', negotiated.client[0] as PerMessageDeflate);
  const b = make('server', negotiated.server[0] as PerMessageDeflate);
  let sentA = 0;
  let sentB = 0;
  /** Carries bytes both ways until quiet, letting zlib's thread pool run in between (bounded). */
  const settle = async (until: () => boolean): Promise<void> => {
    for (let round = 0; round < 500 && !until(); round++) {
      while (sentA < a.wire.length) b.engine.receive(a.wire[sentA++]!.slice());
      while (sentB < b.wire.length) a.engine.receive(b.wire[sentB++]!.slice());
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
  };
  return { client: a, server: b, settle, header: negotiated.header };
}

function framesOf(wire: Uint8Array[], sender: 'client' | 'server'): Frame[] {
  const decoder = new FrameDecoder({ role: sender === 'client' ? 'server' : 'client', maxFrameSize: Number.POSITIVE_INFINITY, allowedRsv: { rsv1: true, rsv2: false, rsv3: false } });
  const frames: Frame[] = [];
  for (const chunk of wire) {
    decoder.push(chunk.slice());
    for (let f = decoder.next(); f !== null; f = decoder.next()) {
      if (f instanceof ProtocolError) throw f;
      frames.push(f);
    }
  }
  return frames;
}

const messagesOf = (events: EngineEvent[]): Array<string | Uint8Array> => events.flatMap((e) => (e.type === 'text' || e.type === 'binary' ? [e.data] : []));
const bigText = (n: number): string => JSON.stringify(Array.from({ length: n }, (_, i) => ({ id: i, text: 'ünïcödé ✓ 😀 message' })));

describe('the engine with permessage-deflate', () => {
  it.each<[string, PerMessageDeflateOptions, PerMessageDeflateOptions]>([
    ['defaults (context takeover)', {}, {}],
    ['no context takeover both ways', { serverNoContextTakeover: true, clientNoContextTakeover: true }, {}],
    ['9-bit windows', { serverMaxWindowBits: 9, clientMaxWindowBits: 9 }, {}],
    ['8-bit windows (sent uncompressed: zlib cannot deflate in 256 bytes)', { serverMaxWindowBits: 8 }, { clientMaxWindowBits: 8 }],
  ])('carries text and binary both ways, in order: %s', async (_name, clientOptions, serverOptions) => {
    const { client, server, settle } = deflatePair(clientOptions, serverOptions);
    const sent: Array<string | Uint8Array> = [bigText(100), 'short', '', new Uint8Array(5000).fill(3), bigText(100), new Uint8Array(0)];
    for (const m of sent) client.engine.send(m);
    for (const m of sent) server.engine.send(m);
    await settle(() => messagesOf(server.events).length === sent.length && messagesOf(client.events).length === sent.length);
    expect(messagesOf(server.events)).toEqual(sent);
    expect(messagesOf(client.events)).toEqual(sent);
    client.extension.dispose();
    server.extension.dispose();
  });

  it('sets RSV1 on the first frame of compressed messages only, and leaves short ones alone (threshold)', async () => {
    const { client, server, settle } = deflatePair({}, {}, { fragmentSize: 64 });
    client.engine.send(bigText(50));
    client.engine.send('tiny');
    await settle(() => messagesOf(server.events).length === 2);
    const frames = framesOf(client.wire, 'client');
    const firsts = frames.filter((f) => f.opcode !== Opcode.Continuation);
    expect(firsts.map((f) => f.rsv1)).toEqual([true, false]);
    expect(frames.filter((f) => f.opcode === Opcode.Continuation).every((f) => !f.rsv1)).toBe(true);
    expect(messagesOf(server.events)).toEqual([bigText(50), 'tiny']);
  });

  it('compresses 16 KiB of JSON to a fraction of its size', async () => {
    const { client, server, settle } = deflatePair();
    const text = bigText(300);
    client.engine.send(text);
    await settle(() => messagesOf(server.events).length === 1);
    const payload = framesOf(client.wire, 'client')[0]!.payload.length;
    expect(payload).toBeLessThan(new TextEncoder().encode(text).length / 5);
  });

  it('writes the Close after a message still compressing; a ping may overtake it (§5.4)', async () => {
    const { client, server, settle } = deflatePair();
    client.engine.send(bigText(100));
    client.engine.ping(new Uint8Array([1]));
    client.engine.close(1000, 'done');
    await settle(() => server.events.some((e) => e.type === 'close'));
    expect(server.events.map((e) => e.type).filter((t) => t !== 'ping')).toEqual(['text', 'close']);
    expect(server.events.filter((e) => e.type === 'ping')).toHaveLength(1);
    expect(messagesOf(server.events)).toEqual([bigText(100)]);
  });

  it('drops messages still compressing when the peer closes, and leaves zlib alone after (long-run finding)', async () => {
    const { client, server, settle } = deflatePair({ clientNoContextTakeover: true });
    for (let i = 0; i < 5; i++) client.engine.send(bigText(200 + i));
    // The server's Close arrives while the first message is still in zlib.
    const close = encodeFrame({ opcode: Opcode.Close, fin: true, rsv: { rsv1: false, rsv2: false, rsv3: false }, payload: new Uint8Array([0x03, 0xe8]), mask: null });
    for (const chunk of close) client.engine.receive(chunk);
    await settle(() => false);
    expect(client.events).toEqual([{ type: 'close', code: 1000, reason: '', wasClean: true, initiator: 'remote' }]);
    expect(framesOf(client.wire, 'client').map((f) => f.opcode)).toEqual([Opcode.Close]);
    await expect(client.extension.encode(new Uint8Array(5000))).rejects.toThrow('the connection has ended');
    void server;
  });

  it('fails with 1009 when a message inflates past maxMessageSize (the limit applies after inflation)', async () => {
    const { client, server, settle } = deflatePair({}, {}, { maxMessageSize: 64 * 1024 });
    client.engine.send(new Uint8Array(64 * 1024 + 1));
    await settle(() => server.events.some((e) => e.type === 'close'));
    expect(server.events[0]).toMatchObject({ type: 'protocol-error', error: { code: 'WK_ERR_MESSAGE_TOO_LARGE', closeCode: 1009 } });
    expect(server.events.at(-1)).toMatchObject({ type: 'close', code: 1009 });
  });

  it('closes with 1009 on a 1 GiB decompression bomb, inflating no more than the limit', async () => {
    const { server } = deflatePair({}, {}, { maxMessageSize: 8 * MiB });
    const bomb = await zeroBomb(1024);
    const frame = encodeFrame({ opcode: Opcode.Binary, fin: true, rsv: { rsv1: true, rsv2: false, rsv3: false }, payload: bomb, mask: new Uint8Array([1, 2, 3, 4]) });
    for (const chunk of frame) server.engine.receive(chunk);
    for (let i = 0; i < 500 && !server.events.some((e) => e.type === 'close'); i++) await new Promise((resolve) => setTimeout(resolve, 5));
    expect(server.events[0]).toMatchObject({ type: 'protocol-error', error: { code: 'WK_ERR_MESSAGE_TOO_LARGE', closeCode: 1009 } });
    expect(server.events.at(-1)).toMatchObject({ type: 'close', code: 1009 });
    expect(server.extension.inflatedBytes).toBeLessThanOrEqual(8 * MiB + 16 * 1024);
    const close = framesOf(server.wire, 'server').find((f) => f.opcode === Opcode.Close)!;
    expect((close.payload[0]! << 8) | close.payload[1]!).toBe(1009);
  });

  it('fails with 1007 (WK_ERR_INFLATE_FAILED) on a compressed message that is not deflate data', async () => {
    const { server, settle } = deflatePair();
    const frame = encodeFrame({ opcode: Opcode.Text, fin: true, rsv: { rsv1: true, rsv2: false, rsv3: false }, payload: new Uint8Array([0xff, 0xff, 0xff]), mask: new Uint8Array([9, 9, 9, 9]) });
    for (const chunk of frame) server.engine.receive(chunk);
    await settle(() => server.events.some((e) => e.type === 'close'));
    expect(server.events[0]).toMatchObject({ type: 'protocol-error', error: { code: 'WK_ERR_INFLATE_FAILED', closeCode: 1007 } });
  });

  it('fails with 1007 when a compressed text message inflates to invalid UTF-8', async () => {
    const { client, server, settle } = deflatePair();
    // Sent as binary by the client's deflater, relabelled as text on the wire.
    client.engine.send(new Uint8Array(2000).fill(0xc3));
    await settle(() => client.wire.length > 0);
    const [frame] = framesOf(client.wire, 'client');
    const relabelled = encodeFrame({ opcode: Opcode.Text, fin: true, rsv: { rsv1: true, rsv2: false, rsv3: false }, payload: frame!.payload, mask: new Uint8Array([5, 6, 7, 8]) });
    for (const chunk of relabelled) server.engine.receive(chunk);
    await settle(() => server.events.some((e) => e.type === 'close'));
    expect(server.events[0]).toMatchObject({ type: 'protocol-error', error: { code: 'WK_ERR_INVALID_UTF8', closeCode: 1007 } });
  });

  it('refuses RSV1 on a continuation frame (RFC 7692 §6.1)', async () => {
    const { server, settle } = deflatePair();
    const mask = new Uint8Array([1, 1, 1, 1]);
    const first = encodeFrame({ opcode: Opcode.Text, fin: false, rsv: { rsv1: true, rsv2: false, rsv3: false }, payload: new Uint8Array([0x4a]), mask });
    const next = encodeFrame({ opcode: Opcode.Continuation, fin: true, rsv: { rsv1: true, rsv2: false, rsv3: false }, payload: new Uint8Array([0x04, 0x00]), mask });
    for (const chunk of [...first, ...next]) server.engine.receive(chunk);
    await settle(() => server.events.some((e) => e.type === 'close'));
    expect(server.events[0]).toMatchObject({ type: 'protocol-error', error: { code: 'WK_ERR_RESERVED_BITS', closeCode: 1002 } });
  });
});
