import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applyMask, maskInPlace } from '../src/index.js';
import { hex, sameBytes } from './support/hex.js';

function naive(data: Uint8Array, mask: Uint8Array): Uint8Array {
  return data.map((b, i) => b ^ mask[i & 3]!);
}

describe('applyMask()', () => {
  it('masks "Hello" with the RFC 6455 §5.7 key', () => {
    const data = new TextEncoder().encode('Hello');
    maskInPlace(data, hex('37 fa 21 3d'));
    expect(data).toEqual(hex('7f 9f 4d 51 58'));
  });

  it('matches byte-wise masking for every length, offset and alignment', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 0, maxLength: 300 }),
        fc.uint8Array({ minLength: 4, maxLength: 4 }),
        fc.nat(7),
        fc.nat(7),
        (data, mask, sourceShift, targetShift) => {
          const source = new Uint8Array(data.length + sourceShift);
          source.set(data, sourceShift);
          const target = new Uint8Array(data.length + targetShift);
          applyMask(source, sourceShift, target, targetShift, data.length, mask);
          sameBytes(target.subarray(targetShift), naive(data, mask));
          const inPlace = source.slice();
          applyMask(inPlace, sourceShift, inPlace, sourceShift, data.length, mask);
          sameBytes(inPlace.subarray(sourceShift), naive(data, mask));
        },
      ),
      { numRuns: 500 },
    );
  });

  it('is its own inverse on a 1 MiB payload viewed at an odd offset', () => {
    const backing = new Uint8Array(1024 * 1024 + 3);
    for (let i = 0; i < backing.length; i++) backing[i] = i % 251;
    const view = backing.subarray(3);
    const original = view.slice();
    const mask = hex('de ad be ef');
    maskInPlace(view, mask);
    sameBytes(view, naive(original, mask));
    maskInPlace(view, mask);
    sameBytes(view, original);
  });
});
