import { prepareMessage } from '@wirekit/protocol';
import { describe, expect, it } from 'vitest';
import { EngineConnection, type ByteChannel, type ByteChannelHandlers, type SendTicket, type WireKitError } from '../src/index.js';

/** A channel that records writes and completes them only when the test says so. */
class HeldChannel implements ByteChannel {
  handlers!: ByteChannelHandlers;
  readonly writes: Uint8Array[][] = [];
  readonly pending: Array<(error?: Error) => void> = [];
  bufferedAmount = 0;
  write(chunks: readonly Uint8Array[], done: (error?: Error) => void): boolean {
    this.writes.push([...chunks]);
    this.pending.push(done);
    return true;
  }
  end(): void {}
  destroy(): void {}
  pause(): void {}
  resume(): void {}
  bind(handlers: ByteChannelHandlers): void {
    this.handlers = handlers;
  }
}

/** A caller's ticket that records how it was settled (and that `this` was the ticket). */
class RecordingTicket implements SendTicket {
  promise: Promise<void> | null = null;
  prev: SendTicket | null = null;
  next: SendTicket | null = null;
  settled = false;
  outcome: 'sent' | WireKitError | null = null;
  constructor(readonly size: number) {}
  resolve(): void {
    this.outcome = 'sent';
  }
  reject(error: WireKitError): void {
    this.outcome = error;
  }
}

function server(channel: ByteChannel, maxBufferedAmount?: number): EngineConnection {
  const connection = new EngineConnection(channel, { role: 'server', url: 'ws://127.0.0.1/', ...(maxBufferedAmount === undefined ? {} : { maxBufferedAmount }) });
  connection.establish({ protocol: '', extensions: [], extensionsHeader: '' });
  return connection;
}

describe('EngineConnection.sendPrepared() with a caller’s ticket (a broadcast’s: no promise per recipient)', () => {
  it('writes the shared frame, counts the payload in bufferedAmount until the write completes, then resolves the ticket', () => {
    const channel = new HeldChannel();
    const connection = server(channel);
    const prepared = prepareMessage('hello');
    const ticket = new RecordingTicket(prepared.payload.length);
    expect(connection.sendPrepared(prepared, ticket)).toBeUndefined();
    expect(channel.writes).toEqual([prepared.frame]);
    expect(connection.bufferedAmount).toBe(5);
    expect(ticket.outcome).toBeNull();
    channel.pending[0]!();
    expect(ticket.outcome).toBe('sent');
    expect(connection.bufferedAmount).toBe(0);
  });

  it('rejects the ticket with the write’s error', () => {
    const channel = new HeldChannel();
    const connection = server(channel);
    const ticket = new RecordingTicket(1);
    connection.sendPrepared(prepareMessage(Uint8Array.of(1)), ticket);
    channel.pending[0]!(Object.assign(new Error('reset'), { code: 'ECONNRESET' }));
    expect((ticket.outcome as WireKitError).code).toBe('WK_ERR_CONNECTION_RESET');
    expect(connection.bufferedAmount).toBe(0);
  });

  it('rejects the ticket at once with WK_ERR_BUFFER_FULL past maxBufferedAmount, writing nothing', () => {
    const channel = new HeldChannel();
    const connection = server(channel, 10);
    const first = new RecordingTicket(8);
    const second = new RecordingTicket(8);
    connection.sendPrepared(prepareMessage(new Uint8Array(8)), first);
    connection.sendPrepared(prepareMessage(new Uint8Array(8)), second);
    expect((second.outcome as WireKitError).code).toBe('WK_ERR_BUFFER_FULL');
    expect(channel.writes).toHaveLength(1);
    expect(connection.bufferedAmount).toBe(8);
  });

  it('rejects the ticket at once with WK_ERR_NOT_OPEN unless open, and rejects a ticket in flight when the connection closes', () => {
    const channel = new HeldChannel();
    const connection = server(channel);
    const inFlight = new RecordingTicket(1);
    connection.sendPrepared(prepareMessage('x'), inFlight);
    connection.terminate();
    expect(inFlight.outcome).not.toBeNull();
    expect(inFlight.outcome).not.toBe('sent');
    const late = new RecordingTicket(1);
    connection.sendPrepared(prepareMessage('x'), late);
    expect((late.outcome as WireKitError).code).toBe('WK_ERR_NOT_OPEN');
  });

  it('still returns a promise without a ticket', async () => {
    const channel = new HeldChannel();
    const connection = server(channel);
    const sent = connection.sendPrepared(prepareMessage('x'));
    channel.pending[0]!();
    await expect(sent).resolves.toBeUndefined();
  });
});
