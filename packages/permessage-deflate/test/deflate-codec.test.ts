import { deflateRawSync, inflateRawSync, constants } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { DeflateCodec, ZlibLimiter, type DeflateCodecOptions } from '../src/index.js';
import { zeroBomb } from './support/bomb.js';

const MiB = 1024 * 1024;
const TRAILER = Buffer.from([0, 0, 0xff, 0xff]);

function codec(overrides: Partial<DeflateCodecOptions> = {}): DeflateCodec {
  return new DeflateCodec({ deflateWindowBits: 15, inflateWindowBits: 15, resetDeflate: false, resetInflate: false, level: 6, memLevel: 8, limiter: new ZlibLimiter(2), ...overrides });
}

const text = (s: string): Uint8Array => new TextEncoder().encode(s);
const json = (n: number): Uint8Array => text(JSON.stringify(Array.from({ length: n }, (_, i) => ({ id: i, name: `user-${i}`, active: i % 3 === 0 }))));

describe('DeflateCodec', () => {
  it('compresses without the sync-flush trailer and inflates back (RFC 7692 §7.2.1)', async () => {
    const c = codec();
    const data = json(200);
    const compressed = await c.compress(data);
    expect(compressed.length).toBeLessThan(data.length / 3);
    expect([...compressed.subarray(-4)]).not.toEqual([0, 0, 0xff, 0xff]);
    // An independent inflater agrees.
    expect(new Uint8Array(inflateRawSync(Buffer.concat([compressed, TRAILER]), { finishFlush: constants.Z_SYNC_FLUSH }))).toEqual(data);
    expect(await c.decompress(compressed, MiB)).toEqual(data);
    c.dispose();
  });

  it('returns a small inflated message in its own buffer, not a view of zlib\'s 16 KiB chunk', async () => {
    const c = codec();
    const out = await c.decompress(await c.compress(text('hello, compact world')), 1024);
    expect(new TextDecoder().decode(out)).toBe('hello, compact world');
    expect(out.buffer.byteLength).toBe(out.length);
    c.dispose();
  });

  it('compresses an empty message to a single 0x00 byte (§7.2.3.6) and inflates it back', async () => {
    const c = codec();
    const compressed = await c.compress(new Uint8Array(0));
    expect([...compressed]).toEqual([0]);
    expect(await c.decompress(compressed, 10)).toEqual(new Uint8Array(0));
    c.dispose();
  });

  it('keeps the context between messages (context takeover, §7.2.3), so repeats shrink', async () => {
    const sender = codec();
    const receiver = codec();
    const data = json(50);
    const first = await sender.compress(data);
    const second = await sender.compress(data);
    expect(second.length).toBeLessThan(first.length / 4);
    expect(await receiver.decompress(first, MiB)).toEqual(data);
    expect(await receiver.decompress(second, MiB)).toEqual(data);
    sender.dispose();
    receiver.dispose();
  });

  it('compresses each message alone with resetDeflate (no_context_takeover)', async () => {
    const sender = codec({ resetDeflate: true });
    const data = json(50);
    const first = await sender.compress(data);
    const second = await sender.compress(data);
    expect(second).toEqual(first);
    // Each one inflates on a fresh inflater.
    expect(new Uint8Array(inflateRawSync(Buffer.concat([second, TRAILER]), { finishFlush: constants.Z_SYNC_FLUSH }))).toEqual(data);
    sender.dispose();
  });

  it('inflates messages of a peer that ends each with a final block, when it resets (resetInflate)', async () => {
    const receiver = codec({ resetInflate: true });
    for (const word of ['one', 'two', 'three']) {
      const finished = deflateRawSync(text(word));
      expect(await receiver.decompress(finished, 100)).toEqual(text(word));
    }
    receiver.dispose();
  });

  it('keeps call order when many jobs are queued at once', async () => {
    const sender = codec();
    const receiver = codec();
    const messages = Array.from({ length: 30 }, (_, i) => json(i * 7 + 1));
    const compressed = await Promise.all(messages.map((m) => sender.compress(m)));
    const inflated = await Promise.all(compressed.map((m) => receiver.decompress(m, MiB)));
    expect(inflated).toEqual(messages);
    sender.dispose();
    receiver.dispose();
  });

  it('accepts output of exactly maxSize', async () => {
    const c = codec();
    const data = new Uint8Array(4096).fill(7);
    expect((await c.decompress(await c.compress(data), 4096)).length).toBe(4096);
    c.dispose();
  });

  it('fails WK_ERR_MESSAGE_TOO_LARGE (1009) one byte past maxSize', async () => {
    const c = codec();
    const compressed = await c.compress(new Uint8Array(4097).fill(7));
    await expect(c.decompress(compressed, 4096)).rejects.toMatchObject({ code: 'WK_ERR_MESSAGE_TOO_LARGE', closeCode: 1009 });
    c.dispose();
  });

  it('stops inflating a 1 GiB bomb (~1 MiB deflated) at the limit, holding no more than it plus one chunk', async () => {
    const bomb = await zeroBomb(1024);
    expect(bomb.length).toBeLessThan(1.1 * MiB);
    const c = codec();
    const limit = 4 * MiB;
    const before = process.memoryUsage().arrayBuffers;
    await expect(c.decompress(bomb, limit)).rejects.toMatchObject({ code: 'WK_ERR_MESSAGE_TOO_LARGE', closeCode: 1009 });
    // zlib emits at most 16 KiB (its chunkSize) at a time; inflation stopped at the first chunk past the limit.
    expect(c.inflatedBytes).toBeGreaterThan(limit);
    expect(c.inflatedBytes).toBeLessThanOrEqual(limit + 16 * 1024);
    // Bounded, not timed: nowhere near the 1 GiB the bomb expands to.
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(64 * MiB);
    c.dispose();
  });

  it.each([
    ['a reserved block type', [0xff, 0xff, 0xff]],
    ['a stored block whose length check fails', [0x00, 0x05, 0x00, 0x00, 0x00]],
  ])('fails WK_ERR_INFLATE_FAILED (1007) on data that is not deflate: %s', async (_name, bytes) => {
    const c = codec();
    await expect(c.decompress(new Uint8Array(bytes), MiB)).rejects.toMatchObject({ code: 'WK_ERR_INFLATE_FAILED', closeCode: 1007 });
    c.dispose();
  });

  it('shares one limiter across connections: 40 codecs inflating at once never run more than its bound', async () => {
    class CountingLimiter extends ZlibLimiter {
      peak = 0;
      override run<T>(job: () => Promise<T>): Promise<T> {
        return super.run(() => {
          this.peak = Math.max(this.peak, this.running);
          return job();
        });
      }
    }
    const limiter = new CountingLimiter(3);
    const data = json(300);
    const compressed = await codec().compress(data);
    const codecs = Array.from({ length: 40 }, () => codec({ limiter }));
    const results = await Promise.all(codecs.map((c) => c.decompress(compressed, MiB)));
    expect(results.every((r) => r.length === data.length)).toBe(true);
    expect(limiter.peak).toBe(3);
    for (const c of codecs) c.dispose();
  });

  it('refuses jobs asked for after it was disposed of, without touching closed streams', async () => {
    const c = codec({ resetDeflate: true });
    c.dispose();
    await expect(c.compress(json(100))).rejects.toThrow('the connection has ended');
    await expect(c.decompress(new Uint8Array([0]), 10)).rejects.toThrow('the connection has ended');
  });
});

describe('DeflateCodec.dispose()', () => {
  it('refuses the jobs not started yet without inflating them, and lets the running one finish', async () => {
    const limiter = new ZlibLimiter(1);
    const c = codec({ limiter });
    const data = await codec().compress(json(100));
    const running = c.decompress(data, MiB);
    const queued = [c.decompress(data, MiB), c.decompress(data, MiB)];
    for (let i = 0; i < 100 && limiter.running === 0; i++) await Promise.resolve();
    expect(limiter.running).toBe(1);
    c.dispose();
    await expect(running).resolves.toEqual(json(100));
    for (const job of queued) await expect(job).rejects.toThrow('the connection has ended');
    expect(c.inflatedBytes).toBe(json(100).length);
    expect(limiter.running).toBe(0);
  });
});
