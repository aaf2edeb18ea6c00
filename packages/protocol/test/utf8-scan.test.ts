import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { scanUtf8, scanUtf8Using, UTF8_BOUNDARY, UTF8_INVALID, UTF8_RESUMING } from '../src/utf8-scan.js';

const encoder = new TextEncoder();
const strict = new TextDecoder('utf-8', { fatal: true });

function isUtf8(bytes: Uint8Array): boolean {
  try {
    strict.decode(bytes);
    return true;
  } catch {
    return false;
  }
}

/** Scans `bytes` split at `at`; true when no piece was found invalid and it ends on a boundary. */
function scanSplit(bytes: Uint8Array, at: number): boolean {
  const state = scanUtf8(bytes.subarray(at), scanUtf8(bytes.subarray(0, at), UTF8_BOUNDARY));
  return state === UTF8_BOUNDARY;
}

describe('scanUtf8()', () => {
  it.each(['', 'ascii', 'κόσμε', '€ and 😀', '\uFEFF', '\u{10FFFF}'])('accepts %j whole and split at every offset', (text) => {
    const bytes = encoder.encode(text);
    for (let at = 0; at <= bytes.length; at++) expect(scanSplit(bytes, at)).toBe(true);
  });

  it.each([
    ['a lone continuation byte', [0x80]],
    ['an overlong 2-byte form', [0xc0, 0xaf]],
    ['an overlong 3-byte form', [0xe0, 0x80, 0xaf]],
    ['a UTF-16 surrogate', [0xed, 0xa0, 0x80]],
    ['a code point above U+10FFFF', [0xf4, 0x90, 0x80, 0x80]],
    ['a lead byte cut by ASCII', [0xe2, 0x82, 0x41]],
    ['0xff', [0xff]],
  ])('rejects %s, as a strict TextDecoder does', (_name, list) => {
    const bytes = Uint8Array.from(list);
    expect(isUtf8(bytes)).toBe(false);
    expect(scanUtf8(bytes, UTF8_BOUNDARY)).toBe(UTF8_INVALID);
  });

  it('reports a code point in progress at the end of a piece, and stays invalid once invalid', () => {
    const state = scanUtf8(Uint8Array.of(0x61, 0xe2, 0x82), UTF8_BOUNDARY);
    expect(state).not.toBe(UTF8_BOUNDARY);
    expect(state).not.toBe(UTF8_INVALID);
    expect(scanUtf8(Uint8Array.of(0xac), state)).toBe(UTF8_BOUNDARY);
    expect(scanUtf8(Uint8Array.of(0x61), UTF8_INVALID)).toBe(UTF8_INVALID);
  });

  it('agrees with a strict TextDecoder on 2,000 random byte strings', () => {
    let seed = 12345;
    const next = (): number => (seed = (seed * 1103515245 + 12345) >>> 0) >>> 24;
    for (let n = 0; n < 2000; n++) {
      const bytes = Uint8Array.from({ length: 1 + (next() % 8) }, () => (next() % 3 === 0 ? next() : 0x80 + (next() % 0x75)));
      const valid = isUtf8(bytes);
      const state = scanUtf8(bytes, UTF8_BOUNDARY);
      // A valid string ends on a boundary; an invalid one is rejected or still incomplete (cut mid code point).
      if (valid) expect(state).toBe(UTF8_BOUNDARY);
      else expect(state).not.toBe(UTF8_BOUNDARY);
    }
  });

  describe('from UTF8_RESUMING (a continuation frame)', () => {
    it('accepts up to three continuation bytes ending a code point of the previous fragment', () => {
      expect(scanUtf8(Uint8Array.of(0x82, 0xac, 0x61), UTF8_RESUMING)).toBe(UTF8_BOUNDARY);
      expect(scanUtf8(Uint8Array.of(0x61), UTF8_RESUMING)).toBe(UTF8_BOUNDARY);
    });

    it('still rejects what no earlier fragment can excuse', () => {
      expect(scanUtf8(Uint8Array.of(0x80, 0x80, 0x80, 0x80), UTF8_RESUMING)).toBe(UTF8_INVALID);
      expect(scanUtf8(Uint8Array.of(0x61, 0xff), UTF8_RESUMING)).toBe(UTF8_INVALID);
    });
  });
});

describe('scanUtf8Using() (the bulk of a piece through a whole-string validator)', () => {
  /** A validator that counts its calls, standing in for `node:buffer`'s isUtf8. */
  let calls = 0;
  const validator = (bytes: Uint8Array): boolean => {
    calls++;
    return isUtf8(bytes);
  };
  /** Bytes that are mostly UTF-8: encoded code points of every length, with stray bytes mixed in. */
  const utf8ish = fc.array(
    fc.oneof(
      { weight: 6, arbitrary: fc.constantFrom('a', 'é', '€', '世', '😀', '\u{10FFFF}').map((c) => [...encoder.encode(c)]) },
      { weight: 1, arbitrary: fc.integer({ min: 0x80, max: 0xff }).map((b) => [b]) },
    ),
    { maxLength: 120 },
  ).map((units) => Uint8Array.from(units.flat()));

  it('ends every piece in the state scanUtf8 ends it in, whatever the cuts, from a boundary or resuming', () => {
    fc.assert(
      fc.property(utf8ish, fc.array(fc.nat(), { maxLength: 4 }), fc.boolean(), (bytes, cutList, resuming) => {
        const cuts = [...new Set(cutList.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
        let pure = resuming ? UTF8_RESUMING : UTF8_BOUNDARY;
        let bulk = pure;
        let from = 0;
        for (const to of [...cuts, bytes.length]) {
          const piece = bytes.subarray(from, to);
          pure = scanUtf8(piece, pure);
          bulk = scanUtf8Using(piece, bulk, validator);
          // INVALID and BOUNDARY are what the engine acts on; a code point in progress must match too.
          expect(bulk).toBe(pure);
          from = to;
        }
      }),
      { numRuns: 3000 },
    );
  });

  it('validates from `start` on, from the state the bytes before it ended in', () => {
    const bytes = encoder.encode('héllo wörld, '.repeat(20) + '😀 done');
    for (let at = 0; at <= bytes.length; at++) {
      const state = scanUtf8(bytes.subarray(0, at), UTF8_BOUNDARY);
      expect(scanUtf8Using(bytes, state, validator, at)).toBe(UTF8_BOUNDARY);
    }
    expect(scanUtf8Using(Uint8Array.of(0x61, 0x80), UTF8_BOUNDARY, validator, 1)).toBe(UTF8_INVALID);
  });

  it('hands a long piece to the validator once, and short ones or no validator to scanUtf8', () => {
    const long = encoder.encode('€'.repeat(1000));
    calls = 0;
    expect(scanUtf8Using(long.subarray(1, 2000), UTF8_RESUMING, validator)).not.toBe(UTF8_INVALID);
    expect(calls).toBe(1);
    calls = 0;
    expect(scanUtf8Using(long.subarray(0, 10), UTF8_BOUNDARY, validator)).not.toBe(UTF8_INVALID);
    expect(scanUtf8Using(long, UTF8_BOUNDARY, undefined)).toBe(UTF8_BOUNDARY);
    expect(calls).toBe(0);
  });
});
