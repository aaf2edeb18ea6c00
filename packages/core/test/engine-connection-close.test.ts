import { encodeClosePayload, encodeFrame, Opcode } from '@wirekit/protocol';
import { describe, expect, it } from 'vitest';
import { EngineConnection, memoryChannelPair, WireKitError, type ConnectionState, type MemoryChannel } from '../src/index.js';
import { FakeClock } from '@wirekit/test-support';
import { connectPair, next, random, tick, unhandledRejections, URL } from './support/pair.js';

/** Takes the server's channel away from its connection: `onData` sees what the client sends. */
function hijack(channel: MemoryChannel, onData: (chunk: Uint8Array) => void = () => undefined): void {
  channel.bind({ data: onData, end: () => undefined, error: () => undefined, close: () => undefined, drain: () => undefined });
}

const closeFrame = (code: number): Uint8Array[] => encodeFrame({ opcode: Opcode.Close, payload: encodeClosePayload(code), fin: true, mask: null });

describe('EngineConnection close()', () => {
  it.each([
    [1005, '', 'WK_ERR_INVALID_CLOSE_CODE'],
    [999, '', 'WK_ERR_INVALID_CLOSE_CODE'],
    [1000, 'x'.repeat(124), 'WK_ERR_CLOSE_REASON_TOO_LONG'],
    [undefined, 'why', 'WK_ERR_INVALID_ARGUMENT'],
  ])('rejects (never throws) close(%s, …) with %s, staying open', async (code, reason, expected) => {
    const { client } = await connectPair();
    const closing = client.close(code, reason);
    await expect(closing).rejects.toBeInstanceOf(WireKitError);
    await expect(closing).rejects.toMatchObject({ name: 'WireKitError', code: expected, domain: 'usage', closeCode: null });
    expect(client.state).toBe('open');
  });

  it('rejects a bad close code whatever the state (closing, closed)', async () => {
    const { client } = await connectPair();
    const closing = client.close();
    await expect(client.close(1005)).rejects.toMatchObject({ code: 'WK_ERR_INVALID_CLOSE_CODE' });
    await closing;
    await expect(client.close(1005)).rejects.toMatchObject({ code: 'WK_ERR_INVALID_CLOSE_CODE' });
  });

  it('leaves no unhandled rejection when nobody awaits a misused close(), ping() or send() (where the old code threw)', async () => {
    const { client } = await connectPair();
    const unhandled = await unhandledRejections(async () => {
      void client.close(1005);
      void client.close(1000, 'x'.repeat(124));
      void client.ping(new Uint8Array(126));
      void client.sendPart('a', false);
      void client.send('not while a part is open');
    });
    expect(unhandled).toEqual([]);
    expect(client.state).toBe('open');
  });

  it('ends the transport on the server right after the closing handshake (RFC 6455 §7.1.1)', async () => {
    const clock = new FakeClock();
    const { client, server } = await connectPair({ clock }, { connection: { clock } });
    const info = await client.close(4000, 'done');
    // No time has passed on the fake clock, so the client's close timer cannot have fired.
    expect(info).toEqual({ code: 4000, reason: '', wasClean: true });
    expect(await server.closed).toEqual({ code: 4000, reason: 'done', wasClean: true });
  });

  it('answers a close started by the peer, going through closing', async () => {
    const { client, server } = await connectPair();
    const states: ConnectionState[] = [];
    client.on('state', (state) => states.push(state));
    await server.close(1001, 'restart');
    expect(await client.closed).toEqual({ code: 1001, reason: 'restart', wasClean: true });
    expect(states).toEqual(['closing', 'closed']);
  });

  it('destroys the transport when the server keeps it open after the closing handshake, still clean', async () => {
    const clock = new FakeClock();
    const { client, serverChannel } = await connectPair({ clock, closeTimeout: 1_000 });
    hijack(serverChannel, () => serverChannel.write(closeFrame(1000), () => undefined));
    const errors: WireKitError[] = [];
    client.on('error', (error) => errors.push(error));
    const closed = client.close();
    await tick();
    expect(client.state).toBe('closing');
    clock.advance(1_000);
    expect(await closed).toEqual({ code: 1000, reason: '', wasClean: true });
    expect(errors).toEqual([]);
  });

  it('reports WK_ERR_CLOSE_TIMEOUT and 1006 when the peer never answers the Close', async () => {
    const clock = new FakeClock();
    const { client, serverChannel } = await connectPair({ clock });
    hijack(serverChannel);
    const error = next<WireKitError>((l) => client.on('error', l));
    const closed = client.close(1000);
    await tick();
    clock.advance(5_000);
    expect(await error).toMatchObject({ code: 'WK_ERR_CLOSE_TIMEOUT', domain: 'websocket' });
    expect(await closed).toEqual({ code: 1006, reason: '', wasClean: false });
  });

  it('aborts with 1006 when called while connecting', async () => {
    const [channel] = memoryChannelPair();
    const connection = new EngineConnection(channel, { role: 'client', url: URL, random, handshake: { receive: () => null } });
    expect(await connection.close()).toEqual({ code: 1006, reason: '', wasClean: false });
  });
});

describe('EngineConnection failures', () => {
  it('reports a protocol error as a WireKitError (domain websocket, close code) then closes with it', async () => {
    const { client, serverChannel } = await connectPair();
    const error = next<WireKitError>((l) => client.on('error', l));
    // RFC 6455 §5.1: a server must not mask; a masked frame fails the connection with 1002.
    serverChannel.write(encodeFrame({ opcode: Opcode.Text, payload: new Uint8Array(0), fin: true, mask: random(4) }), () => undefined);
    expect(await error).toMatchObject({ code: 'WK_ERR_UNEXPECTED_MASK', domain: 'websocket', closeCode: 1002 });
    expect(await error).toBeInstanceOf(WireKitError);
    expect(await client.closed).toEqual({ code: 1002, reason: '', wasClean: false });
    expect(client.error?.code).toBe('WK_ERR_UNEXPECTED_MASK');
  });

  it('fails a text message that is not UTF-8 with 1007', async () => {
    const { client, serverChannel } = await connectPair();
    serverChannel.write(encodeFrame({ opcode: Opcode.Text, payload: Uint8Array.of(0xff), fin: true, mask: null }), () => undefined);
    expect(await client.closed).toMatchObject({ code: 1007, wasClean: false });
    expect(client.error).toMatchObject({ code: 'WK_ERR_INVALID_UTF8', closeCode: 1007 });
  });

  it('reports a reset as WK_ERR_CONNECTION_RESET (errno ECONNRESET), then closes with 1006', async () => {
    const { client, clientChannel } = await connectPair();
    const error = next<WireKitError>((l) => client.on('error', l));
    clientChannel.reset();
    expect(await error).toMatchObject({ code: 'WK_ERR_CONNECTION_RESET', domain: 'posix', errno: 'ECONNRESET' });
    expect(await client.closed).toEqual({ code: 1006, reason: '', wasClean: false });
  });

  it('closes with 1006 and no error when the transport ends abruptly', async () => {
    const { client, serverChannel } = await connectPair();
    const errors: WireKitError[] = [];
    client.on('error', (error) => errors.push(error));
    serverChannel.destroy();
    expect(await client.closed).toEqual({ code: 1006, reason: '', wasClean: false });
    expect(errors).toEqual([]);
  });

  it('reports an error passed to terminate() before closing with 1006', async () => {
    const { client, server } = await connectPair();
    const error = next<WireKitError>((l) => client.on('error', l));
    client.terminate(new WireKitError('WK_ERR_TRANSPORT', 'gave up'));
    expect(await error).toMatchObject({ code: 'WK_ERR_TRANSPORT' });
    expect(client.state).toBe('closed');
    expect(await server.closed).toEqual({ code: 1006, reason: '', wasClean: false });
  });

  it('rejects a send whose write fails with the mapped transport error', async () => {
    const { client, clientChannel } = await connectPair();
    const sent = client.send('x'.repeat(10));
    clientChannel.destroy(Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }));
    await expect(sent).rejects.toBeInstanceOf(WireKitError);
    expect(client.error).toMatchObject({ code: 'WK_ERR_CONNECTION_RESET', errno: 'EPIPE' });
  });
});
