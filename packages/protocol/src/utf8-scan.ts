/**
 * Incremental UTF-8 validation (RFC 3629 §4) over bytes that arrive in pieces, with no
 * decoding and no allocation: what the engine runs on the part of a text frame received so
 * far, so that invalid bytes fail the connection as soon as they arrive (RFC 6455 §8.1)
 * instead of once the whole frame is there. The state between pieces is one number.
 */
import type { Utf8Validator } from './text-bytes.js';

/** The bytes so far end on a code point boundary. */
export const UTF8_BOUNDARY = 0;
/** The bytes so far cannot be UTF-8. Final: scanning it again returns it. */
export const UTF8_INVALID = -1;
/** Bit of a state: the continuation bytes still expected may be absent (see {@link UTF8_RESUMING}). */
const OPTIONAL = 4;
/**
 * The state to scan a continuation frame from when the code points before it are not known:
 * up to three leading continuation bytes are accepted, as the end of a code point begun in the
 * previous fragment. Lenient only there; the whole message is validated strictly once complete.
 */
export const UTF8_RESUMING = 3 | OPTIONAL | (0x80 << 8) | (0xbf << 16);

/**
 * Scans `bytes[start, end)` from `state` and returns the state after them: {@link UTF8_BOUNDARY},
 * a code point in progress (more bytes due), or {@link UTF8_INVALID}. ASCII runs cost one compare a byte.
 */
export function scanUtf8(bytes: Uint8Array, state: number, start = 0, end = bytes.length): number {
  if (state === UTF8_INVALID) return UTF8_INVALID;
  let needed = state & 3;
  let optional = (state & OPTIONAL) !== 0;
  let lo = (state >>> 8) & 0xff;
  let hi = (state >>> 16) & 0xff;
  let i = start;
  while (i < end) {
    const byte = bytes[i]!;
    if (needed === 0) {
      i++;
      if (byte < 0x80) continue;
      // RFC 3629 §4: the second byte's range depends on the lead byte (no overlongs, no surrogates, nothing above U+10FFFF).
      if (byte >= 0xc2 && byte <= 0xdf) {
        needed = 1;
        lo = 0x80;
        hi = 0xbf;
      } else if (byte >= 0xe0 && byte <= 0xef) {
        needed = 2;
        lo = byte === 0xe0 ? 0xa0 : 0x80;
        hi = byte === 0xed ? 0x9f : 0xbf;
      } else if (byte >= 0xf0 && byte <= 0xf4) {
        needed = 3;
        lo = byte === 0xf0 ? 0x90 : 0x80;
        hi = byte === 0xf4 ? 0x8f : 0xbf;
      } else {
        return UTF8_INVALID;
      }
      continue;
    }
    if (byte < lo || byte > hi) {
      if (!optional) return UTF8_INVALID;
      // The code point of the previous fragment was complete: this byte starts a new one.
      needed = 0;
      optional = false;
      continue;
    }
    i++;
    needed--;
    lo = 0x80;
    hi = 0xbf;
    if (needed === 0) optional = false;
  }
  return needed === 0 ? UTF8_BOUNDARY : needed | (optional ? OPTIONAL : 0) | (lo << 8) | (hi << 16);
}

/**
 * Below this many bytes a piece is scanned in JavaScript: calling the validator (a native one
 * crosses into C++) costs more than it saves on a few dozen bytes.
 */
const VALIDATOR_MIN = 64;

/**
 * {@link scanUtf8} of `bytes[start, end)` whose bulk goes through a whole-string validator
 * (`node:buffer`'s isUtf8, SIMD, about ten times the pure scan's speed): the code point in
 * progress is finished byte by byte, the complete code points are validated in one call, and
 * the code point cut by the end of the piece is scanned, so a piece fails as soon as it holds a
 * byte that no continuation can make valid, exactly as with scanUtf8. Without a validator (a
 * runtime with no native one) it is scanUtf8.
 */
export function scanUtf8Using(bytes: Uint8Array, state: number, validate: Utf8Validator | undefined, start = 0, end = bytes.length): number {
  if (validate === undefined || end - start < VALIDATOR_MIN || state === UTF8_INVALID) return scanUtf8(bytes, state, start, end);
  // At most 3 bytes end the code point in progress (from UTF8_RESUMING, 3 more begin the next one).
  while (state !== UTF8_BOUNDARY && start < end) {
    state = scanUtf8(bytes, state, start, start + 1);
    if (state === UTF8_INVALID) return UTF8_INVALID;
    start++;
  }
  if (start === end) return state;
  // The lead byte of the last code point: back over at most 3 continuation bytes.
  let lead = end - 1;
  while (lead > start && lead > end - 4 && (bytes[lead]! & 0xc0) === 0x80) lead--;
  const first = bytes[lead]!;
  // Where the whole code points end; a stray continuation or bad lead byte is left to the validator or the scan.
  const cut = lead + (first >= 0xf0 ? 4 : first >= 0xe0 ? 3 : first >= 0xc0 ? 2 : 1) > end ? lead : end;
  if (cut > start && !validate(bytes.subarray(start, cut))) return UTF8_INVALID;
  return scanUtf8(bytes, UTF8_BOUNDARY, cut, end);
}
