import { describe, expect, it } from 'vitest';
import { framedConnection, LengthPrefixFramer, LineFramer, memoryChannelPair, WireKitError, type MessageFramer } from '../src/index.js';
import { FakeClock } from '@wirekit/test-support';
import { next } from './support/pair.js';

function pair(framer: () => LengthPrefixFramer | LineFramer, messages: 'binary' | 'text' = 'binary', clock?: FakeClock) {
  const [a, b] = memoryChannelPair();
  const options = { messages, ...(clock === undefined ? {} : { clock }) };
  return {
    client: framedConnection(a, framer(), { url: 'tcp://127.0.0.1:7000', ...options }),
    server: framedConnection(b, framer(), { url: 'tcp://peer', ...options }),
    a,
    b,
  };
}

describe('framedConnection()', () => {
  it('echoes messages over a length-prefixed stream', async () => {
    const { client, server } = pair(() => new LengthPrefixFramer());
    server.on('message', (message) => void server.send(message));
    expect(client.state).toBe('open');
    await client.send(Uint8Array.of(1, 2, 3));
    await client.send('text goes as UTF-8');
    expect(await client.receive()).toEqual(Uint8Array.of(1, 2, 3));
    expect(await client.receive()).toEqual(new TextEncoder().encode('text goes as UTF-8'));
  });

  it('delivers text lines with messages: text', async () => {
    const { client, server } = pair(() => new LineFramer(), 'text');
    await client.send('PING');
    expect(await server.receive()).toBe('PING');
  });

  it('rejects ping() with WK_ERR_UNSUPPORTED', async () => {
    const { client } = pair(() => new LineFramer());
    await expect(client.ping()).rejects.toMatchObject({ code: 'WK_ERR_UNSUPPORTED', domain: 'usage' });
  });

  it('closes cleanly: the closer reports its code, the peer 1005, and for await ends', async () => {
    const { client, server } = pair(() => new LineFramer(), 'text');
    await client.send('bye');
    const info = client.close(1000, 'done');
    expect(client.state).toBe('closing');
    const got: unknown[] = [];
    for await (const message of server) got.push(message);
    expect(got).toEqual(['bye']);
    expect(await info).toEqual({ code: 1000, reason: 'done', wasClean: true });
    expect(await server.closed).toEqual({ code: 1005, reason: '', wasClean: true });
    await expect(client.send('late')).rejects.toMatchObject({ code: 'WK_ERR_NOT_OPEN' });
  });

  it('fails with WK_ERR_MESSAGE_TOO_LARGE and 1009 when the peer sends an oversize message', async () => {
    const [a, b] = memoryChannelPair();
    const small = framedConnection(a, new LengthPrefixFramer({ maxMessageSize: 2 }), { url: 'tcp://a' });
    const big = framedConnection(b, new LengthPrefixFramer(), { url: 'tcp://b' });
    const error = next<WireKitError>((l) => small.on('error', l));
    await big.send(Uint8Array.of(1, 2, 3));
    expect(await error).toMatchObject({ code: 'WK_ERR_MESSAGE_TOO_LARGE' });
    expect(await small.closed).toEqual({ code: 1009, reason: '', wasClean: false });
    expect(await big.closed).toMatchObject({ code: 1005 });
  });

  it('fails with WK_ERR_INVALID_UTF8 when a text line is not UTF-8', async () => {
    const [a, b] = memoryChannelPair();
    const lines = framedConnection(a, new LineFramer(), { url: 'tcp://a', messages: 'text' });
    const raw = framedConnection(b, new LineFramer(), { url: 'tcp://b' });
    await raw.send(Uint8Array.of(0xff));
    expect(await lines.closed).toMatchObject({ code: 1007, wasClean: false });
  });

  it('reports a reset as WK_ERR_CONNECTION_RESET and 1006', async () => {
    const { client, a } = pair(() => new LineFramer());
    const error = next<WireKitError>((l) => client.on('error', l));
    a.reset();
    expect(await error).toMatchObject({ code: 'WK_ERR_CONNECTION_RESET' });
    expect(await client.closed).toEqual({ code: 1006, reason: '', wasClean: false });
  });

  it('destroys the channel after closeTimeout when the peer does not close', async () => {
    const clock = new FakeClock();
    const [a, b] = memoryChannelPair();
    b.bind({ data: () => undefined, end: () => undefined, error: () => undefined, close: () => undefined, drain: () => undefined });
    // The timer fires before the peer's answering FIN can arrive.
    const connection = framedConnection(a, new LineFramer(), { url: 'tcp://a', clock, closeTimeout: 100 });
    const closed = connection.close();
    clock.advance(100);
    expect(await closed).toEqual({ code: 1006, reason: '', wasClean: false });
  });

  it('rejects (never throws) WK_ERR_INVALID_CLOSE_CODE for close(1005), and a bad ping payload, as a WebSocket would', async () => {
    const { client } = pair(() => new LineFramer());
    await expect(client.close(1005)).rejects.toMatchObject({ code: 'WK_ERR_INVALID_CLOSE_CODE', domain: 'usage' });
    await expect(client.ping(new Uint8Array(126))).rejects.toMatchObject({ code: 'WK_ERR_CONTROL_PAYLOAD_TOO_LONG' });
  });

  it('asks a framer once for what follows a chunk, so one that completes a message on every empty push cannot loop', async () => {
    let pushes = 0;
    // Misbehaves: an empty push yields an empty message. Bounded, so that a loop ends in a failure rather than a hang.
    const greedy: MessageFramer = {
      encode: (message) => [message],
      push: (chunk) => (++pushes > 100 ? new WireKitError('WK_ERR_MESSAGE_TOO_LARGE', 'looped') : [chunk]),
    };
    const [a, b] = memoryChannelPair();
    const reader = framedConnection(a, greedy, { url: 'tcp://a' });
    const writer = framedConnection(b, { encode: (message) => [message], push: (chunk) => (chunk.length === 0 ? [] : [chunk]) }, { url: 'tcp://b' });
    await writer.send(Uint8Array.of(7));
    expect(await reader.receive()).toEqual(Uint8Array.of(7));
    expect(await reader.receive()).toEqual(new Uint8Array(0));
    expect(pushes).toBe(2);
    expect(reader.state).toBe('open');
  });

  it('refuses a send past maxBufferedAmount with WK_ERR_BUFFER_FULL', async () => {
    const [a] = memoryChannelPair();
    const connection = framedConnection(a, new LineFramer(), { url: 'tcp://a', maxBufferedAmount: 10 });
    void connection.send('12345678');
    await expect(connection.send('123')).rejects.toMatchObject({ code: 'WK_ERR_BUFFER_FULL' });
  });

  it('pauses reading past receiveHighWaterMark and loses nothing once read', async () => {
    const [a, b] = memoryChannelPair();
    const reader = framedConnection(a, new LengthPrefixFramer(), { url: 'tcp://a', receiveHighWaterMark: 300 });
    const writer = framedConnection(b, new LengthPrefixFramer(), { url: 'tcp://b' });
    for (let index = 0; index < 10; index++) void writer.send(new Uint8Array(100).fill(index));
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(reader.queuedAmount).toBe(400);
    for (let index = 0; index < 10; index++) expect(await reader.receive()).toEqual(new Uint8Array(100).fill(index));
  });
});
