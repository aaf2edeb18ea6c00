import { describe, expect, it } from 'vitest';
import { scanUtf8, UTF8_BOUNDARY, UTF8_INVALID, UTF8_RESUMING } from '../src/utf8-scan.js';

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
