import { randomFillSync } from 'node:crypto';
import { FrameDecoder, ProtocolError } from '@wirekit/protocol';
import { describe, expect, it } from 'vitest';
import { EngineConnection, type ByteChannel, type ByteChannelHandlers } from '../src/index.js';
import { FakeClock } from '@wirekit/test-support';

const MiB = 1024 * 1024;

/** A channel that records each write with its completion, to be completed (or failed) by the test. */
class HeldChannel implements ByteChannel {
  readonly writes: Array<{ chunks: readonly Uint8Array[]; done: (error?: Error) => void }> = [];
  bufferedAmount = 0;
  write(chunks: readonly Uint8Array[], done: (error?: Error) => void): boolean {
    this.writes.push({ chunks, done });
    return true;
  }
  end(): void {}
  destroy(): void {}
  pause(): void {}
  resume(): void {}
  bind(_handlers: ByteChannelHandlers): void {}
}

function client(channel: ByteChannel): EngineConnection {
  const connection = new EngineConnection(channel, { role: 'client', url: 'ws://127.0.0.1/', random: (length) => randomFillSync(new Uint8Array(length)), clock: new FakeClock() });
  connection.establish();
  return connection;
}

/** The payload of the one masked frame in `chunks`, unmasked. */
function payloadOf(chunks: readonly Uint8Array[]): Uint8Array {
  const decoder = new FrameDecoder({ role: 'server', maxFrameSize: Number.POSITIVE_INFINITY });
  for (const chunk of chunks) decoder.push(chunk.slice());
  const frame = decoder.next();
  if (frame === null || frame instanceof ProtocolError) throw new Error('no frame');
  return frame.payload;
}

/** Whether `bytes` is `length` bytes of `value` (toEqual on 1 MiB arrays takes seconds). */
function filled(bytes: Uint8Array, length: number, value: number): boolean {
  return bytes.length === length && bytes.every((byte) => byte === value);
}

describe('EngineConnection, a client reuses the buffers of its large masked frames', () => {
  it('reuses a frame buffer only after the channel reported its write complete', async () => {
    const channel = new HeldChannel();
    const connection = client(channel);
    const sent = [connection.send(new Uint8Array(MiB).fill(1)), connection.send(new Uint8Array(MiB).fill(2))];
    const [first, second] = channel.writes;
    expect(first!.chunks[0]!.buffer === second!.chunks[0]!.buffer).toBe(false);
    first!.done();
    await sent[0];
    void connection.send(new Uint8Array(MiB).fill(3));
    const third = channel.writes[2]!;
    expect(third.chunks[0]!.buffer === first!.chunks[0]!.buffer).toBe(true);
    expect(filled(payloadOf(third.chunks), MiB, 3)).toBe(true);
    // The second frame is still being written: its bytes are untouched and its buffer not lent again.
    void connection.send(new Uint8Array(MiB).fill(4));
    expect(channel.writes[3]!.chunks[0]!.buffer === second!.chunks[0]!.buffer).toBe(false);
    expect(filled(payloadOf(second!.chunks), MiB, 2)).toBe(true);
    second!.done();
    await sent[1];
  });

  it('never reuses the buffer of a write that failed', async () => {
    const channel = new HeldChannel();
    const connection = client(channel);
    const failed = connection.send(new Uint8Array(MiB).fill(1));
    const first = channel.writes[0]!;
    first.done(new Error('EPIPE'));
    await expect(failed).rejects.toMatchObject({ code: expect.any(String) });
    for (let index = 0; index < 4; index++) {
      void connection.send(new Uint8Array(MiB).fill(index));
      const write = channel.writes.at(-1)!;
      expect(write.chunks[0]!.buffer === first.chunks[0]!.buffer).toBe(false);
      write.done();
    }
  });
});
