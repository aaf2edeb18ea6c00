import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sha1 } from '../src/sha1.js';
import { latin1 } from './support/split.js';

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');
const nodeSha1 = (data: Uint8Array): string => createHash('sha1').update(data).digest('hex');

describe('sha1()', () => {
  // FIPS 180-2 Appendix A and the NIST CAVP short-message examples.
  it.each([
    ['the empty message', '', 'da39a3ee5e6b4b0d3255bfef95601890afd80709'],
    ['"abc" (FIPS 180-2 A.1)', 'abc', 'a9993e364706816aba3e25717850c26c9cd0d89d'],
    [
      'the 448-bit message (FIPS 180-2 A.2)',
      'abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq',
      '84983e441c3bd26ebaae4aa1f95129e5e54670f1',
    ],
    [
      'the 896-bit message of FIPS 180-4 examples',
      'abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu',
      'a49b2446a02c645bf419f995b67091253a04a259',
    ],
    ['"The quick brown fox jumps over the lazy dog"', 'The quick brown fox jumps over the lazy dog', '2fd4e1c67a2d28fced849ee1bb76e7391b93eb12'],
  ])('hashes %s', (_name, input, digest) => {
    expect(hex(sha1(latin1(input)))).toBe(digest);
  });

  it('hashes one million "a" (FIPS 180-2 A.3)', () => {
    expect(hex(sha1(new Uint8Array(1_000_000).fill(0x61)))).toBe('34aa973cd4c4daa4f61eeb2bdbad27316534016f');
  });

  it.each([55, 56, 63, 64, 65, 119, 120, 127, 128])('pads a %i-byte message at the block boundary like node:crypto', (length) => {
    const data = Uint8Array.from({ length }, (_, i) => (i * 7 + 3) & 0xff);
    expect(hex(sha1(data))).toBe(nodeSha1(data));
  });

  it('matches node:crypto on random inputs', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 600 }), (data) => {
        expect(hex(sha1(data))).toBe(nodeSha1(data));
      }),
      { numRuns: 500 },
    );
  });

  it('hashes a view into a larger buffer by its own bytes only', () => {
    const backing = latin1('xxabcxx');
    expect(hex(sha1(backing.subarray(2, 5)))).toBe('a9993e364706816aba3e25717850c26c9cd0d89d');
  });

  it('returns a 20-byte digest and leaves its input untouched', () => {
    const data = latin1('abc');
    const digest = sha1(data);
    expect(digest).toBeInstanceOf(Uint8Array);
    expect(digest.length).toBe(20);
    expect(data).toEqual(latin1('abc'));
  });
});
