import { describe, expect, it } from 'vitest';
import { ChunkQueue } from '../src/chunk-queue.js';
import { hex, pattern, sameBytes } from './support/hex.js';

const MASK = hex('a1 b2 c3 d4');
const masked = (payload: Uint8Array, from: number): Uint8Array => payload.map((b, i) => (i < from ? b : b ^ MASK[i & 3]!));

/** Cuts `bytes` into chunks of the given lengths (the last one takes the rest). */
function chunked(bytes: Uint8Array, lengths: readonly number[]): Uint8Array[] {
  const out: Uint8Array[] = [];
  let at = 0;
  for (const length of lengths) {
    out.push(bytes.slice(at, at + length));
    at += length;
  }
  out.push(bytes.slice(at));
  return out;
}

describe('ChunkQueue', () => {
  describe('take(n, mask, from)', () => {
    // Lengths around the masking kernel's threshold and block, and chunk cuts at every phase of the key.
    it.each([
      { length: 300, cuts: [1, 2, 3, 7], from: 0 },
      { length: 300, cuts: [5, 100], from: 6 },
      { length: 70_001, cuts: [33_333, 1, 2, 40_000], from: 0 },
      { length: 70_001, cuts: [33_333, 1, 2, 40_000], from: 33_335 },
      { length: 4_099, cuts: [4_099], from: 4_099 },
    ])('unmasks bytes from `from` on while joining $length bytes cut at $cuts', ({ length, cuts, from }) => {
      const payload = pattern(length, 3);
      const queue = new ChunkQueue();
      for (const chunk of chunked(masked(payload, from), cuts)) queue.push(chunk);
      sameBytes(queue.take(length, MASK, from), payload);
      expect(queue.length).toBe(0);
    });

    it('unmasks in place a payload that lies in one chunk, and returns a view of it', () => {
      const payload = pattern(1000, 9);
      const chunk = masked(payload, 10);
      const queue = new ChunkQueue();
      queue.push(chunk);
      const taken = queue.take(1000, MASK, 10);
      sameBytes(taken, payload);
      expect(taken.buffer).toBe(chunk.buffer);
    });

    it('leaves the bytes as they are without a mask', () => {
      const payload = pattern(5000, 1);
      const queue = new ChunkQueue();
      for (const chunk of chunked(payload, [1, 4000])) queue.push(chunk);
      sameBytes(queue.take(5000), payload);
    });
  });
});
