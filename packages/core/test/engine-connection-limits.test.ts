import { encodeFrame, Opcode, type Extension } from '@wirekit/protocol';
import { describe, expect, it } from 'vitest';
import { EngineConnection, type ByteChannel, type ByteChannelHandlers, type WireKitError } from '../src/index.js';
import { FakeClock } from '@wirekit/test-support';

const NO_RSV = { rsv1: false, rsv2: false, rsv3: false };

/** A channel whose writes complete only when the test says so: a peer that does not read. */
class StalledChannel implements ByteChannel {
  handlers!: ByteChannelHandlers;
  paused = false;
  pauses = 0;
  readonly pending: Array<() => void> = [];
  bufferedAmount = 0;
  write(_chunks: readonly Uint8Array[], done: (error?: Error) => void): boolean {
    this.pending.push(() => done());
    return false;
  }
  ended = false;
  destroyed = false;
  end(): void {
    this.ended = true;
  }
  destroy(): void {
    this.destroyed = true;
  }
  pause(): void {
    this.paused = true;
    this.pauses++;
  }
  resume(): void {
    this.paused = false;
  }
  bind(handlers: ByteChannelHandlers): void {
    this.handlers = handlers;
  }
  drainAll(): void {
    for (const done of this.pending.splice(0)) done();
  }
}

/** One masked client frame. */
function fromClient(opcode: number, payload: Uint8Array, rsv1 = false): Uint8Array {
  const [head, body] = encodeFrame({ opcode, payload, fin: true, rsv: { ...NO_RSV, rsv1 }, mask: Uint8Array.of(1, 2, 3, 4) });
  if (body === undefined) return head!;
  const out = new Uint8Array(head!.length + body.length);
  out.set(head!);
  out.set(body, head!.length);
  return out;
}

function server(channel: ByteChannel, extra: Partial<ConstructorParameters<typeof EngineConnection>[1]> = {}, extensions: Extension[] = []): EngineConnection {
  const connection = new EngineConnection(channel, { role: 'server', url: 'ws://127.0.0.1/', ...extra });
  connection.establish({ protocol: '', extensions, extensionsHeader: '' });
  return connection;
}

describe('EngineConnection, output the engine writes on its own', () => {
  it('counts pongs in bufferedAmount and pauses reading while they back up, resuming once they drain', () => {
    const channel = new StalledChannel();
    const connection = server(channel);
    const ping = fromClient(Opcode.Ping, new Uint8Array(125));
    let sent = 0;
    while (!channel.paused && sent < 10_000) {
      channel.handlers.data(ping.slice());
      sent++;
    }
    expect(channel.paused).toBe(true);
    // 125-byte pongs: just past 16 KiB.
    expect(sent).toBeGreaterThan(100);
    expect(sent).toBeLessThan(200);
    expect(connection.bufferedAmount).toBe(sent * 127);
    channel.drainAll();
    expect(channel.paused).toBe(false);
    expect(connection.bufferedAmount).toBe(0);
    expect(connection.state).toBe('open');
  });

  it('fails with 1008 (WK_ERR_OUTPUT_BACKLOG) past maxControlBacklog when the channel keeps delivering while paused', () => {
    const channel = new StalledChannel();
    const connection = server(channel, { maxControlBacklog: 64 * 1024 });
    const errors: WireKitError[] = [];
    connection.on('error', (error) => errors.push(error));
    const ping = fromClient(Opcode.Ping, new Uint8Array(125));
    for (let i = 0; i < 2_000 && connection.state === 'open'; i++) channel.handlers.data(ping.slice());
    expect(errors[0]).toMatchObject({ code: 'WK_ERR_OUTPUT_BACKLOG', closeCode: 1008 });
    expect(connection.state).toBe('closing');
  });

  /** Pings until reading pauses for the connection's own output; how many it took. */
  function pingUntilPaused(channel: StalledChannel): number {
    const ping = fromClient(Opcode.Ping, new Uint8Array(125));
    let sent = 0;
    while (!channel.paused && sent < 10_000) {
      channel.handlers.data(ping.slice());
      sent++;
    }
    return sent;
  }

  it('fails with 1008 (WK_ERR_OUTPUT_BACKLOG) when its own output has not drained for outputStallTimeout (30 s by default), then ends the transport after closeTimeout', () => {
    const channel = new StalledChannel();
    const clock = new FakeClock();
    const connection = server(channel, { clock, closeTimeout: 5_000 });
    const errors: WireKitError[] = [];
    connection.on('error', (error) => errors.push(error));
    pingUntilPaused(channel);
    expect(channel.paused).toBe(true);
    clock.advance(29_999);
    expect(connection.state).toBe('open');
    expect(errors).toEqual([]);
    clock.advance(1);
    expect(errors[0]).toMatchObject({ code: 'WK_ERR_OUTPUT_BACKLOG', closeCode: 1008 });
    expect(connection.state).toBe('closing');
    expect(channel.ended).toBe(true);
    // Our Close cannot reach a peer that never reads: the transport is destroyed after closeTimeout.
    expect(channel.destroyed).toBe(false);
    clock.advance(5_000);
    expect(channel.destroyed).toBe(true);
  });

  it('pauses at the first 64 KiB read of empty pings from a peer that never reads, and fails it with 1008 after outputStallTimeout, memory flat', () => {
    const channel = new StalledChannel();
    const clock = new FakeClock();
    const connection = server(channel, { clock });
    const errors: WireKitError[] = [];
    connection.on('error', (error) => errors.push(error));
    const ping = fromClient(Opcode.Ping, new Uint8Array(0));
    const read = new Uint8Array(Math.floor(65_536 / ping.length) * ping.length);
    for (let at = 0; at < read.length; at += ping.length) read.set(ping, at);
    channel.handlers.data(read);
    // Every ping answered (2-byte pongs): 21 KiB of them, past the 16 KiB mark at the first read.
    expect(connection.bufferedAmount).toBe((read.length / ping.length) * 2);
    expect(channel.paused).toBe(true);
    clock.advance(30_000);
    expect(errors[0]).toMatchObject({ code: 'WK_ERR_OUTPUT_BACKLOG', closeCode: 1008 });
  });

  it('does not fail a slow reader: output that drains before outputStallTimeout resets the wait', () => {
    const channel = new StalledChannel();
    const clock = new FakeClock();
    const connection = server(channel, { clock, outputStallTimeout: 1_000 });
    pingUntilPaused(channel);
    clock.advance(900);
    channel.drainAll();
    expect(channel.paused).toBe(false);
    expect(clock.pending).toBe(0);
    pingUntilPaused(channel);
    clock.advance(900);
    expect(connection.state).toBe('open');
    clock.advance(100);
    expect(connection.state).toBe('closing');
  });

  it('keeps the stall wait when resume() delivers input at once (a stream pair reads synchronously) and the answers back up again', () => {
    // streams' channel reads its input stream inside resume(): the pongs it answers back up
    // before the drain that resumed it returns. The wait must start again, not be lost.
    const channel = new StalledChannel();
    const ping = fromClient(Opcode.Ping, new Uint8Array(0));
    const read = new Uint8Array(Math.floor(65_536 / ping.length) * ping.length);
    for (let at = 0; at < read.length; at += ping.length) read.set(ping, at);
    let deliveries = 0;
    channel.resume = () => {
      channel.paused = false;
      if (deliveries++ === 0) channel.handlers.data(read.slice());
    };
    const clock = new FakeClock();
    const connection = server(channel, { clock });
    const errors: WireKitError[] = [];
    connection.on('error', (error) => errors.push(error));
    channel.handlers.data(read.slice());
    expect(channel.paused).toBe(true);
    clock.advance(10_000);
    // The peer reads a little: the first pongs drain, reading resumes and at once pauses again.
    channel.drainAll();
    expect(deliveries).toBe(1);
    expect(channel.paused).toBe(true);
    expect(clock.pending).toBeGreaterThan(0);
    clock.advance(30_000);
    expect(errors[0]).toMatchObject({ code: 'WK_ERR_OUTPUT_BACKLOG', closeCode: 1008 });
  });

  it('refuses an outputStallTimeout that is not positive', () => {
    expect(() => new EngineConnection(new StalledChannel(), { role: 'server', url: 'ws://x/', outputStallTimeout: 0 })).toThrow(expect.objectContaining({ code: 'WK_ERR_INVALID_ARGUMENT' }));
  });

  it('refuses a maxControlBacklog that is not positive', () => {
    expect(() => new EngineConnection(new StalledChannel(), { role: 'server', url: 'ws://x/', maxControlBacklog: 0 })).toThrow(expect.objectContaining({ code: 'WK_ERR_INVALID_ARGUMENT' }));
  });
});

describe('EngineConnection, messages an extension decodes asynchronously', () => {
  /** An identity extension whose decodes finish when the test says so. */
  function manual() {
    const waiting: Array<() => void> = [];
    const extension: Extension = {
      name: 'x-manual',
      rsv: { rsv1: true, rsv2: false, rsv3: false },
      decode: (payload) => new Promise<Uint8Array>((resolve) => waiting.push(() => resolve(payload))),
      encode: (payload) => ({ payload, rsv: NO_RSV }),
    };
    return { extension, waiting };
  }
  const turn = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));

  it('counts bytes waiting to be decoded in queuedAmount and pauses reading past receiveHighWaterMark', () => {
    const channel = new StalledChannel();
    const { extension } = manual();
    const connection = server(channel, { receiveHighWaterMark: 10_000 }, [extension]);
    connection.on('message', () => undefined);
    for (let i = 0; i < 3; i++) channel.handlers.data(fromClient(Opcode.Binary, new Uint8Array(4_000), true));
    expect(connection.queuedAmount).toBe(12_000);
    expect(channel.paused).toBe(true);
  });

  it('decodes no further message while decoded ones wait for the application, and goes on once they are taken', async () => {
    const channel = new StalledChannel();
    const { extension, waiting } = manual();
    const connection = server(channel, { receiveHighWaterMark: 1_000 }, [extension]);
    for (let i = 0; i < 4; i++) channel.handlers.data(fromClient(Opcode.Binary, new Uint8Array(800), true));
    waiting.shift()!();
    await turn();
    waiting.shift()!();
    await turn();
    // Two messages (1 600 bytes) wait for a consumer: the third is not decoded.
    expect(waiting).toHaveLength(0);
    expect(connection.queuedAmount).toBe(1_600 + 1_600);
    const taken: number[] = [];
    connection.on('message', (data) => taken.push((data as Uint8Array).length));
    await turn();
    expect(waiting).toHaveLength(1);
    waiting.shift()!();
    await turn();
    waiting.shift()!();
    await turn();
    expect(taken).toEqual([800, 800, 800, 800]);
    expect(connection.queuedAmount).toBe(0);
  });

  it('delivers no message after the transport ended, and decodes none', async () => {
    const channel = new StalledChannel();
    const { extension, waiting } = manual();
    const connection = server(channel, {}, [extension]);
    const events: string[] = [];
    connection.on('message', () => events.push('message'));
    connection.on('close', () => events.push('close'));
    for (let i = 0; i < 3; i++) channel.handlers.data(fromClient(Opcode.Binary, new Uint8Array(10), true));
    channel.handlers.close();
    waiting.shift()!();
    await turn();
    expect(waiting).toHaveLength(0);
    expect(events).toEqual(['close']);
  });
});
