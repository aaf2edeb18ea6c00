import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildMaskKernel, MASK_KERNEL_BLOCK as SOURCE_BLOCK, renderKernelModule } from '../wasm/mask-simd.js';
import { MASK_KERNEL_BASE64, MASK_KERNEL_BLOCK } from '../src/mask-kernel-bytes.js';
import { applyMask, applyMaskWords, KERNEL_THRESHOLD, maskKernelAvailable } from '../src/mask.js';
import { sameBytes } from './support/hex.js';

function naive(data: Uint8Array, mask: Uint8Array): Uint8Array {
  return data.map((b, i) => b ^ mask[i & 3]!);
}

describe('the WebAssembly masking kernel', () => {
  it('ships exactly the bytes its committed source assembles', async () => {
    const { readFileSync } = await import('node:fs');
    const shipped = readFileSync(new URL('../src/mask-kernel-bytes.ts', import.meta.url), 'utf8');
    expect(shipped).toBe(renderKernelModule(buildMaskKernel()));
    expect(Uint8Array.from(atob(MASK_KERNEL_BASE64), (c) => c.charCodeAt(0))).toEqual(buildMaskKernel());
    expect(MASK_KERNEL_BLOCK).toBe(SOURCE_BLOCK);
    expect(MASK_KERNEL_BLOCK % 64).toBe(0);
  });

  it('is valid WebAssembly and loads in Node (no silent fallback here)', () => {
    expect(WebAssembly.validate(buildMaskKernel())).toBe(true);
    expect(maskKernelAvailable()).toBe(true);
  });

  it('masks like byte-wise XOR across block boundaries, at any offsets', () => {
    const lengths = [KERNEL_THRESHOLD, KERNEL_THRESHOLD + 1, MASK_KERNEL_BLOCK - 1, MASK_KERNEL_BLOCK, MASK_KERNEL_BLOCK + 3, 3 * MASK_KERNEL_BLOCK + 61];
    fc.assert(
      fc.property(fc.constantFrom(...lengths), fc.uint8Array({ minLength: 4, maxLength: 4 }), fc.nat(7), fc.nat(7), fc.nat(255), (length, mask, sourceShift, targetShift, seed) => {
        const source = new Uint8Array(length + sourceShift);
        for (let i = 0; i < source.length; i++) source[i] = (i * 31 + seed) & 0xff;
        const data = source.slice(sourceShift);
        const target = new Uint8Array(length + targetShift + 2).fill(0xaa);
        applyMask(source, sourceShift, target, targetShift, length, mask);
        sameBytes(target.subarray(targetShift, targetShift + length), naive(data, mask));
        // Nothing written outside the target range.
        expect([...target.subarray(0, targetShift), ...target.subarray(targetShift + length)].every((b) => b === 0xaa)).toBe(true);
      }),
      { numRuns: 60 },
    );
  });

  it('gives the same bytes as the 32-bit JS path it falls back to', () => {
    const data = new Uint8Array(100_003).map((_, i) => (i * 7) & 0xff);
    const mask = new Uint8Array([0xde, 0xad, 0xbe, 0xef]);
    const viaKernel = new Uint8Array(data.length);
    const viaWords = new Uint8Array(data.length);
    applyMask(data, 0, viaKernel, 0, data.length, mask);
    applyMaskWords(data, 0, viaWords, 0, data.length, mask);
    sameBytes(viaKernel, viaWords);
  });
});
