import { describe, expect, it } from 'vitest';
import { Opcode } from '../src/index.js';
import { DEFAULT_SEND_POOL_BYTES, POOLED_FRAME_MIN, SendBufferPool } from '../src/send-buffer-pool.js';
import { framesWritten, recorded } from './support/engine-pair.js';
import { pattern, sameBytes } from './support/hex.js';

const KiB = 1024;
const MiB = 1024 * KiB;

function counting(): { allocate: (length: number) => Uint8Array; sizes: number[] } {
  const sizes: number[] = [];
  return { sizes, allocate: (length) => (sizes.push(length), new Uint8Array(length)) };
}

describe('SendBufferPool', () => {
  it('hands a released buffer out again, and never one that is still lent', () => {
    const { allocate, sizes } = counting();
    const pool = new SendBufferPool(4 * MiB, allocate);
    const first = pool.acquire(MiB + 14);
    const second = pool.acquire(MiB + 14);
    expect(second.buffer === first.buffer).toBe(false);
    pool.release(first.subarray(2));
    const third = pool.acquire(MiB + 10);
    expect(third.buffer === first.buffer).toBe(true);
    expect(third.length).toBe(MiB + 10);
    // Both lent again: the next one is new.
    expect(pool.acquire(MiB).buffer === first.buffer).toBe(false);
    expect(sizes).toEqual([MiB + 64 * KiB, MiB + 64 * KiB, MiB]);
  });

  it('ignores chunks it did not lend, and a release of a buffer already released', () => {
    const pool = new SendBufferPool(4 * MiB, (length) => new Uint8Array(length));
    const lent = pool.acquire(100 * KiB);
    pool.release(new Uint8Array(100 * KiB));
    pool.release(new Uint8Array(lent.buffer, 0, 10).slice());
    expect(pool.acquire(100 * KiB).buffer === lent.buffer).toBe(false);
    pool.release(lent);
    pool.release(lent);
    const again = pool.acquire(100 * KiB);
    expect(again.buffer === lent.buffer).toBe(true);
    expect(pool.acquire(100 * KiB).buffer === lent.buffer).toBe(false);
  });

  it('does not pool frames under POOLED_FRAME_MIN', () => {
    const { allocate, sizes } = counting();
    const pool = new SendBufferPool(4 * MiB, allocate);
    const small = pool.acquire(POOLED_FRAME_MIN - 1);
    pool.release(small);
    expect(pool.acquire(POOLED_FRAME_MIN - 1).buffer === small.buffer).toBe(false);
    expect(pool.bytes).toBe(0);
    expect(sizes).toEqual([POOLED_FRAME_MIN - 1, POOLED_FRAME_MIN - 1]);
  });

  it('keeps at most maxBytes, lent or idle; past it a frame gets a buffer of its own', () => {
    const pool = new SendBufferPool(2 * MiB + 128 * KiB, (length) => new Uint8Array(length));
    const lent = [pool.acquire(MiB), pool.acquire(MiB)];
    expect(pool.bytes).toBe(2 * MiB);
    const over = pool.acquire(MiB);
    expect(pool.bytes).toBe(2 * MiB);
    pool.release(over);
    for (const bytes of lent) pool.release(bytes);
    // Reused, not grown.
    for (let round = 0; round < 20; round++) {
      const a = pool.acquire(MiB);
      const b = pool.acquire(MiB);
      const buffers = lent.map((bytes) => bytes.buffer);
      expect(a.buffer !== b.buffer && buffers.includes(a.buffer) && buffers.includes(b.buffer)).toBe(true);
      pool.release(a);
      pool.release(b);
      expect(pool.bytes).toBeLessThanOrEqual(2 * MiB + 128 * KiB);
    }
  });

  it('lets idle buffers too small for a frame go to make room for one that fits', () => {
    const pool = new SendBufferPool(2 * MiB, (length) => new Uint8Array(length));
    const small = [pool.acquire(512 * KiB), pool.acquire(512 * KiB), pool.acquire(512 * KiB)];
    for (const bytes of small) pool.release(bytes);
    const large = pool.acquire(MiB + 512 * KiB);
    expect(pool.bytes).toBeLessThanOrEqual(2 * MiB);
    pool.release(large);
    expect(pool.acquire(MiB + 512 * KiB).buffer === large.buffer).toBe(true);
  });

  it('lets every buffer go when closed, and hands none out again', () => {
    const pool = new SendBufferPool(4 * MiB, (length) => new Uint8Array(length));
    const lent = pool.acquire(MiB);
    pool.close();
    expect(pool.bytes).toBe(0);
    pool.release(lent);
    expect(pool.acquire(MiB).buffer === lent.buffer).toBe(false);
    expect(pool.bytes).toBe(0);
  });

  it('defaults to 4 MiB', () => {
    expect(DEFAULT_SEND_POOL_BYTES).toBe(4 * MiB);
  });
});

describe('Engine: a client masks large frames into reused buffers', () => {
  it('reuses a frame buffer only once written() reports its write complete, and every frame decodes intact', () => {
    const client = recorded('client');
    const payloads = [0, 1, 2, 3].map((seed) => pattern(MiB, seed));
    client.engine.send(payloads[0]!, 'a');
    client.engine.send(payloads[1]!, 'b');
    const [a, b] = client.writes.map((write) => write.bytes);
    expect(a!.buffer === b!.buffer).toBe(false);
    client.engine.written([a!]);
    client.engine.send(payloads[2]!, 'c');
    const c = client.writes[2]!.bytes;
    expect(c.buffer === a!.buffer).toBe(true);
    // b is still being written: never handed out.
    client.engine.send(payloads[3]!, 'd');
    expect(client.writes[3]!.bytes.buffer === b!.buffer).toBe(false);
    expect(client.writes[3]!.bytes.buffer === a!.buffer).toBe(false);
    // Each frame is checked as written (a reused buffer is overwritten later).
    const decoded = framesWritten([client.writes[2]!], 'client');
    expect(decoded).toHaveLength(1);
    expect(decoded[0]!.opcode).toBe(Opcode.Binary);
    sameBytes(decoded[0]!.payload, payloads[2]!);
    sameBytes(framesWritten([client.writes[3]!], 'client')[0]!.payload, payloads[3]!);
  });

  it('pools every large frame of a fragmented message, and nothing under 64 KiB', () => {
    const client = recorded('client', { fragmentSize: 128 * KiB });
    client.engine.send(pattern(256 * KiB, 1));
    client.engine.send(pattern(1000, 2));
    const chunks = client.writes.map((write) => write.bytes);
    expect(chunks).toHaveLength(3);
    client.engine.written(chunks);
    client.engine.send(pattern(256 * KiB, 3));
    const again = client.writes.slice(3).map((write) => write.bytes.buffer);
    expect(again.includes(chunks[0]!.buffer) && again.includes(chunks[1]!.buffer)).toBe(true);
    expect(again.includes(chunks[2]!.buffer)).toBe(false);
    const frames = framesWritten(client.writes.slice(3), 'client');
    sameBytes(frames[0]!.payload, pattern(256 * KiB, 3).subarray(0, 128 * KiB));
    sameBytes(frames[1]!.payload, pattern(256 * KiB, 3).subarray(128 * KiB));
  });

  it('does not pool with sendPoolBytes 0', () => {
    const none = recorded('client', { sendPoolBytes: 0 });
    none.engine.send(pattern(MiB, 1));
    none.engine.written([none.writes[0]!.bytes]);
    none.engine.send(pattern(MiB, 1));
    expect(none.writes[1]!.bytes.buffer === none.writes[0]!.bytes.buffer).toBe(false);
  });

  it('rejects a sendPoolBytes that is not a number of bytes ≥ 0', () => {
    expect(() => recorded('client', { sendPoolBytes: -1 })).toThrow(/sendPoolBytes/);
    expect(() => recorded('client', { sendPoolBytes: Number.NaN })).toThrow(/sendPoolBytes/);
  });
});
