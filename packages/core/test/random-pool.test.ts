import { describe, expect, it } from 'vitest';
import { randomPool } from '../src/index.js';

/** A fill that writes a counter, so every byte it ever produced is distinct (mod 2^16 in pairs). */
function countingFill(): { fill: (bytes: Uint8Array) => void; calls: number[] } {
  let next = 0;
  const calls: number[] = [];
  return {
    calls,
    fill(bytes) {
      calls.push(bytes.length);
      for (let i = 0; i < bytes.length; i += 2) {
        bytes[i] = next >> 8;
        bytes[i + 1] = next & 0xff;
        next++;
      }
    },
  };
}

const pairs = (bytes: Uint8Array): number[] => Array.from({ length: bytes.length / 2 }, (_, i) => (bytes[2 * i]! << 8) | bytes[2 * i + 1]!);

describe('randomPool()', () => {
  it('fills one block and hands out its bytes in turn, never the same bytes twice (RFC 6455 §5.3, §4.1)', () => {
    const { fill, calls } = countingFill();
    const random = randomPool(fill, 64);
    const drawn: number[] = [];
    for (let i = 0; i < 20; i++) drawn.push(...pairs(random(16)));
    // 20 × 16 bytes from 64-byte blocks: one fill per 4 draws.
    expect(calls).toEqual([64, 64, 64, 64, 64]);
    expect(new Set(drawn).size).toBe(drawn.length);
  });

  it('refills when a request does not fit in what is left, dropping the rest unused', () => {
    const { fill, calls } = countingFill();
    const random = randomPool(fill, 64);
    const first = pairs(random(48));
    const second = pairs(random(32));
    expect(calls).toEqual([64, 64]);
    expect(second[0]).toBe(32);
    expect(new Set([...first, ...second]).size).toBe(first.length + second.length);
  });

  it('returns copies: changing one, or the next refill, leaves the others as they were', () => {
    const { fill } = countingFill();
    const random = randomPool(fill, 16);
    const a = random(8);
    const kept = Array.from(a);
    const b = random(8);
    b.fill(0);
    random(16);
    expect(Array.from(a)).toEqual(kept);
    expect(a.constructor).toBe(Uint8Array);
  });

  it('fills a request larger than a block on its own', () => {
    const { fill, calls } = countingFill();
    const random = randomPool(fill, 16);
    expect(random(40)).toHaveLength(40);
    expect(calls).toEqual([40]);
    expect(random(0)).toHaveLength(0);
  });

  it('rejects a block size that is not a whole number > 0', () => {
    expect(() => randomPool(() => undefined, 0)).toThrow(expect.objectContaining({ code: 'WK_ERR_INVALID_ARGUMENT' }));
    expect(() => randomPool(() => undefined, 1.5)).toThrow(expect.objectContaining({ code: 'WK_ERR_INVALID_ARGUMENT' }));
  });
});
