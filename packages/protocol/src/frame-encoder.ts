import type { RsvBits } from './extension.js';
import { applyMask, WORD_THRESHOLD } from './mask.js';
import { allocate, type Allocator } from './slab.js';

/** What to put in one frame. */
export interface FrameSpec {
  readonly opcode: number;
  readonly payload: Uint8Array;
  /** Last fragment of its message (default true). */
  readonly fin?: boolean;
  readonly rsv?: RsvBits;
  /** The 4-byte masking key (clients, §5.3), or null/absent for an unmasked frame (servers). */
  readonly mask?: Uint8Array | null;
}

/**
 * Unmasked payloads up to this size are copied behind their header into one buffer: one
 * write call instead of two costs less than copying up to 1 KiB. Larger payloads go out as
 * [header, payload], uncopied (measured in bench/codec.bench.ts).
 */
const COPY_THRESHOLD = 1024;

/** Header length (2, 4 or 10 bytes, plus 4 for the mask) for a payload of `length` bytes. */
export function frameHeaderLength(length: number, masked: boolean): number {
  return (length < 126 ? 2 : length < 65536 ? 4 : 10) + (masked ? 4 : 0);
}

function writeHeader(target: Uint8Array, at: number, spec: FrameSpec, masked: boolean): number {
  const length = spec.payload.length;
  const rsv = spec.rsv;
  let b0 = spec.fin === false ? 0 : 0x80;
  if (rsv !== undefined) b0 |= (rsv.rsv1 ? 0x40 : 0) | (rsv.rsv2 ? 0x20 : 0) | (rsv.rsv3 ? 0x10 : 0);
  target[at] = b0 | (spec.opcode & 0x0f);
  const maskBit = masked ? 0x80 : 0;
  // RFC 6455 §5.2: the minimal encoding of the length is mandatory.
  if (length < 126) {
    target[at + 1] = maskBit | length;
    return at + 2;
  }
  if (length < 65536) {
    target[at + 1] = maskBit | 126;
    target[at + 2] = length >>> 8;
    target[at + 3] = length & 0xff;
    return at + 4;
  }
  target[at + 1] = maskBit | 127;
  const high = Math.floor(length / 2 ** 32);
  target[at + 2] = high >>> 24;
  target[at + 3] = (high >>> 16) & 0xff;
  target[at + 4] = (high >>> 8) & 0xff;
  target[at + 5] = high & 0xff;
  target[at + 6] = length >>> 24;
  target[at + 7] = (length >>> 16) & 0xff;
  target[at + 8] = (length >>> 8) & 0xff;
  target[at + 9] = length & 0xff;
  return at + 10;
}

/**
 * Encodes one frame into the chunks to write, in order. The caller's payload is never
 * modified: a masked frame is written into a new buffer, laid out so that its payload shares
 * the source's alignment modulo 4 and masking runs a word at a time.
 */
export function encodeFrame(spec: FrameSpec, large?: Allocator): Uint8Array[] {
  const payload = spec.payload;
  const length = payload.length;
  const mask = spec.mask ?? null;
  if (mask !== null) {
    const headerLength = frameHeaderLength(length, true);
    // Choose a start so that (payload start in target) ≡ (payload start in source) mod 4, for
    // word-wide masking; a payload masked byte by byte needs none (and no second view).
    const lead = length < WORD_THRESHOLD ? 0 : (((payload.byteOffset - headerLength) % 4) + 4) % 4;
    const buffer = allocate(lead + headerLength + length, large);
    let at = writeHeader(buffer, lead, spec, true);
    buffer[at++] = mask[0]!;
    buffer[at++] = mask[1]!;
    buffer[at++] = mask[2]!;
    buffer[at++] = mask[3]!;
    applyMask(payload, 0, buffer, at, length, mask);
    return [lead === 0 ? buffer : buffer.subarray(lead)];
  }
  const headerLength = frameHeaderLength(length, false);
  if (length <= COPY_THRESHOLD) {
    const buffer = allocate(headerLength + length);
    writeHeader(buffer, 0, spec, false);
    buffer.set(payload, headerLength);
    return [buffer];
  }
  const header = allocate(headerLength);
  writeHeader(header, 0, spec, false);
  return [header, payload];
}
