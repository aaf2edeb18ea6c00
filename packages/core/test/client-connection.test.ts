import { encodeFrame, Opcode } from '@wirekit/protocol';
import { describe, expect, it } from 'vitest';
import { memoryChannelPair, openClientConnection, WireKitError, type MemoryChannel } from '../src/index.js';
import { FakeClock } from '@wirekit/test-support';
import { connectPair, random, serveOnce, sha1, tick, URL } from './support/pair.js';

const text = new TextEncoder();

/** A peer that records what it receives and whether it saw the channel close. */
function rawPeer(channel: MemoryChannel, onData: (chunk: Uint8Array) => void = () => undefined): { closed: Promise<void> } {
  let resolve!: () => void;
  const closed = new Promise<void>((r) => (resolve = r));
  channel.bind({ data: onData, end: () => undefined, error: () => undefined, close: () => resolve(), drain: () => undefined });
  return { closed };
}

describe('openClientConnection()', () => {
  it('resolves with an open connection and the subprotocol the server selected', async () => {
    const { client, server } = await connectPair({ protocols: ['chat.v2', 'chat.v1'] }, { protocol: (offered) => offered[1]! });
    expect(client.state).toBe('open');
    expect(client.protocol).toBe('chat.v1');
    expect(server.protocol).toBe('chat.v1');
    expect(client.url).toBe(URL);
    expect(server.url).toBe('ws://test.local/chat');
  });

  it('hands the allocate option to the engine, as acceptServerConnection does', async () => {
    const sizes = { client: [] as number[], server: [] as number[] };
    const counting = (side: 'client' | 'server') => (size: number): Uint8Array => {
      sizes[side].push(size);
      return new Uint8Array(size);
    };
    const { client, server } = await connectPair({ allocate: counting('client'), fragmentSize: 40_000 }, { connection: { allocate: counting('server') } });
    await client.send(new Uint8Array(100_000).fill(7));
    expect(await server.receive()).toEqual(new Uint8Array(100_000).fill(7));
    // The client masks large frames into allocated buffers; the server joins the fragments into one.
    expect(sizes.client.some((size) => size >= 40_000)).toBe(true);
    expect(sizes.server.some((size) => size >= 100_000)).toBe(true);
  });

  it('feeds bytes sent right after the 101 to the engine', async () => {
    const first = encodeFrame({ opcode: Opcode.Text, payload: text.encode('welcome'), fin: true, mask: null });
    const { client } = await connectPair({}, { after: Uint8Array.from(first.flatMap((part) => [...part])) });
    expect(await client.receive()).toBe('welcome');
  });

  it('sends the headers and origin it is given', async () => {
    let seen: { origin: string | undefined; custom: string | undefined } | null = null;
    await connectPair({ origin: 'https://app.example', headers: { 'X-Token': 'abc' } }, {
      onRequest: (request) => (seen = { origin: request.origin, custom: request.headers.get('x-token') }),
    });
    expect(seen).toEqual({ origin: 'https://app.example', custom: 'abc' });
  });

  it('rejects WK_ERR_HANDSHAKE_STATUS with the status when the server refuses with 403, and destroys the channel', async () => {
    const [clientChannel, serverChannel] = memoryChannelPair();
    void serveOnce(serverChannel, { refuse: 403 }).catch(() => undefined);
    const error = await openClientConnection(clientChannel, { url: URL, random, sha1 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WireKitError);
    expect(error).toMatchObject({ code: 'WK_ERR_HANDSHAKE_STATUS', status: 403, domain: 'websocket', closeCode: null });
  });

  it('rejects WK_ERR_HANDSHAKE_ACCEPT for a 101 with the wrong Sec-WebSocket-Accept', async () => {
    const [clientChannel, serverChannel] = memoryChannelPair();
    const peer = rawPeer(serverChannel, () => {
      const response = 'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: AAAAAAAAAAAAAAAAAAAAAAAAAAA=\r\n\r\n';
      serverChannel.write([text.encode(response)], () => undefined);
    });
    await expect(openClientConnection(clientChannel, { url: URL, random, sha1 })).rejects.toMatchObject({ code: 'WK_ERR_HANDSHAKE_ACCEPT' });
    await peer.closed;
  });

  it('rejects WK_ERR_CONNECT_TIMEOUT when the server never answers', async () => {
    const clock = new FakeClock();
    const [clientChannel, serverChannel] = memoryChannelPair();
    const peer = rawPeer(serverChannel);
    const opening = openClientConnection(clientChannel, { url: URL, random, sha1, clock, connectTimeout: 2_000 });
    await tick();
    clock.advance(1_999);
    await tick();
    clock.advance(1);
    await expect(opening).rejects.toMatchObject({ code: 'WK_ERR_CONNECT_TIMEOUT', domain: 'posix' });
    await peer.closed;
    expect(clock.pending).toBe(0);
  });

  it('rejects WK_ERR_ABORTED when the signal aborts during the handshake', async () => {
    const [clientChannel, serverChannel] = memoryChannelPair();
    rawPeer(serverChannel);
    const controller = new AbortController();
    const opening = openClientConnection(clientChannel, { url: URL, random, sha1, signal: controller.signal });
    controller.abort();
    await expect(opening).rejects.toMatchObject({ code: 'WK_ERR_ABORTED', errno: 'ECANCELED' });
  });

  it('rejects WK_ERR_ABORTED at once for a signal already aborted', async () => {
    const [clientChannel, serverChannel] = memoryChannelPair();
    const peer = rawPeer(serverChannel);
    await expect(openClientConnection(clientChannel, { url: URL, random, sha1, signal: AbortSignal.abort() })).rejects.toMatchObject({ code: 'WK_ERR_ABORTED' });
    await peer.closed;
  });

  it('rejects WK_ERR_CONNECTION_RESET when the server closes before answering', async () => {
    const [clientChannel, serverChannel] = memoryChannelPair();
    rawPeer(serverChannel, () => serverChannel.end());
    await expect(openClientConnection(clientChannel, { url: URL, random, sha1 })).rejects.toMatchObject({ code: 'WK_ERR_CONNECTION_RESET' });
  });

  it('throws WK_ERR_INVALID_URL synchronously and destroys the channel', async () => {
    const [clientChannel, serverChannel] = memoryChannelPair();
    const peer = rawPeer(serverChannel);
    expect(() => openClientConnection(clientChannel, { url: 'ftp://nope', random, sha1 })).toThrow(expect.objectContaining({ code: 'WK_ERR_INVALID_URL' }));
    await peer.closed;
  });

  it('takes every engine limit the server takes (one shared EngineLimits shape): maxFragments reaches the engine', async () => {
    const [clientChannel, serverChannel] = memoryChannelPair();
    rawPeer(serverChannel);
    const client = await openClientConnection(clientChannel, { url: URL, random, skipHandshake: true, maxFragments: 3 });
    const frames = [Opcode.Binary, Opcode.Continuation, Opcode.Continuation, Opcode.Continuation].flatMap((opcode) => encodeFrame({ opcode, payload: Uint8Array.of(1), fin: false, mask: null }));
    serverChannel.write(frames, () => undefined);
    const closed = await client.closed;
    expect(closed.code).toBe(1008);
    expect(client.error).toMatchObject({ code: 'WK_ERR_TOO_MANY_FRAGMENTS' });
  });

  it.each(['maxFragments', 'maxControlBacklog', 'outputStallTimeout'] as const)('refuses %s 0 as the server does (WK_ERR_INVALID_ARGUMENT)', (name) => {
    const [clientChannel] = memoryChannelPair();
    expect(() => openClientConnection(clientChannel, { url: URL, random, skipHandshake: true, [name]: 0 })).toThrow(expect.objectContaining({ code: 'WK_ERR_INVALID_ARGUMENT' }));
  });

  it('starts the engine at once with skipHandshake', async () => {
    const [clientChannel, serverChannel] = memoryChannelPair();
    const received: Uint8Array[] = [];
    rawPeer(serverChannel, (chunk) => received.push(chunk));
    const client = await openClientConnection(clientChannel, { url: URL, random, skipHandshake: true });
    expect(client.state).toBe('open');
    await client.send('raw');
    await tick();
    // A masked text frame: FIN + text opcode, then the mask bit with length 3.
    expect(received[0]?.subarray(0, 2)).toEqual(Uint8Array.of(0x81, 0x83));
  });
});
