/**
 * Masking (RFC 6455 §5.3): byte i of the payload is XORed with byte i mod 4 of the key.
 *
 * Plain-JS masking byte by byte is what makes `ws` four times slower without its native
 * addon. Here the aligned middle of the payload is processed as 32-bit words through
 * Uint32Array views, which V8 compiles to word-wide XORs: no native addon, no WASM.
 */

/** Below this length the cost of creating typed-array views outweighs word-wide XOR. */
const WORD_THRESHOLD = 128;

const scratch = new Uint8Array(4);
const scratchWord = new Uint32Array(scratch.buffer);

/**
 * XORs `length` bytes of `source` (from `sourceOffset`) with `mask` into `target`
 * (from `targetOffset`). `source` and `target` may be the same array, for in-place unmasking.
 * Word-wide when both regions share their alignment modulo 4, byte-wise otherwise.
 */
export function applyMask(
  source: Uint8Array,
  sourceOffset: number,
  target: Uint8Array,
  targetOffset: number,
  length: number,
  mask: Uint8Array,
): void {
  const m0 = mask[0]!;
  const m1 = mask[1]!;
  const m2 = mask[2]!;
  const m3 = mask[3]!;
  let i = 0;
  const sourceStart = source.byteOffset + sourceOffset;
  const targetStart = target.byteOffset + targetOffset;
  if (length >= WORD_THRESHOLD && ((sourceStart ^ targetStart) & 3) === 0) {
    while (((targetStart + i) & 3) !== 0) {
      target[targetOffset + i] = source[sourceOffset + i]! ^ mask[i & 3]!;
      i++;
    }
    const words = (length - i) >>> 2;
    // The key rotated so that its first byte lines up with payload byte i.
    scratch[0] = mask[i & 3]!;
    scratch[1] = mask[(i + 1) & 3]!;
    scratch[2] = mask[(i + 2) & 3]!;
    scratch[3] = mask[(i + 3) & 3]!;
    const key = scratchWord[0]!;
    const from = new Uint32Array(source.buffer, sourceStart + i, words);
    const to = source === target && sourceOffset === targetOffset ? from : new Uint32Array(target.buffer, targetStart + i, words);
    for (let w = 0; w < words; w++) to[w] = from[w]! ^ key;
    i += words << 2;
  } else {
    for (; i + 3 < length; i += 4) {
      target[targetOffset + i] = source[sourceOffset + i]! ^ m0;
      target[targetOffset + i + 1] = source[sourceOffset + i + 1]! ^ m1;
      target[targetOffset + i + 2] = source[sourceOffset + i + 2]! ^ m2;
      target[targetOffset + i + 3] = source[sourceOffset + i + 3]! ^ m3;
    }
  }
  for (; i < length; i++) target[targetOffset + i] = source[sourceOffset + i]! ^ mask[i & 3]!;
}

/** Unmasks (or masks: the operation is its own inverse) `data` in place. */
export function maskInPlace(data: Uint8Array, mask: Uint8Array): void {
  applyMask(data, 0, data, 0, data.length, mask);
}
