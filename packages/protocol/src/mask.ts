/**
 * Masking (RFC 6455 §5.3): byte i of the payload is XORed with byte i mod 4 of the key.
 *
 * Plain-JS masking byte by byte is what makes `ws` four times slower without its native
 * addon. Large payloads go through a small WebAssembly SIMD kernel (128-bit XOR, see
 * wasm/mask-simd.ts), which runs in Node, browsers, Deno and Bun alike; where WebAssembly or
 * its SIMD is unavailable (or forbidden by a Content-Security-Policy), and for payloads too
 * small to repay a call, the aligned middle of the payload is processed as 32-bit words
 * through Uint32Array views, which V8 compiles to word-wide XORs.
 */
import { MASK_KERNEL_BASE64, MASK_KERNEL_BLOCK } from './mask-kernel-bytes.js';

/** Below this length the cost of creating typed-array views outweighs word-wide XOR. */
export const WORD_THRESHOLD = 128;
/**
 * From this length on the WebAssembly kernel is used: below it, the call and the copies into
 * the kernel's memory and back cost more than they save. Unmasking Buffer views in place in
 * Node 20 (best of 7 runs), kernel vs the 32-bit JS path: 128 B 126 vs 113 ns, 256 B level
 * (133 vs 135 ns), 512 B 159 vs 199 ns, 1 KiB 168 vs 330 ns, 16 KiB 1.1 vs 4.4 µs, 1 MiB
 * 118 vs 273 µs.
 */
export const KERNEL_THRESHOLD = 256;

interface Kernel {
  /** The kernel's memory: the block being masked is copied here. */
  readonly heap: Uint8Array;
  readonly xor: (length: number, key: number) => void;
}

/** undefined until the first large payload, then the kernel or null where it cannot run. */
let kernel: Kernel | null | undefined;

/** The part of the WebAssembly global the kernel needs (not declared by the ES lib this package compiles against). */
interface WebAssemblyApi {
  readonly Module: new (bytes: Uint8Array) => object;
  readonly Instance: new (module: object, imports: object) => { readonly exports: unknown };
}

function loadKernel(): Kernel | null {
  const wasm = (globalThis as { WebAssembly?: WebAssemblyApi }).WebAssembly;
  if (wasm === undefined) return null;
  try {
    const bytes = Uint8Array.from(atob(MASK_KERNEL_BASE64), (char) => char.charCodeAt(0));
    // Synchronous compile: the module is 146 bytes, far under the 4 KiB browsers allow on their main thread.
    const instance = new wasm.Instance(new wasm.Module(bytes), {});
    const exports = instance.exports as { memory: { buffer: ArrayBuffer }; xor: (length: number, key: number) => void };
    return { heap: new Uint8Array(exports.memory.buffer), xor: exports.xor };
  } catch {
    return null; // no WebAssembly, no SIMD, or a CSP without 'wasm-unsafe-eval': the JS path serves
  }
}

/** Whether masking runs on the WebAssembly kernel in this runtime (it loads on first use). */
export function maskKernelAvailable(): boolean {
  if (kernel === undefined) kernel = loadKernel();
  return kernel !== null;
}

function applyMaskKernel(k: Kernel, source: Uint8Array, sourceOffset: number, target: Uint8Array, targetOffset: number, length: number, mask: Uint8Array): void {
  // Little-endian: memory byte 0 of each lane is XORed with mask[0]; a block starts at a multiple of 4.
  const key = mask[0]! | (mask[1]! << 8) | (mask[2]! << 16) | (mask[3]! << 24);
  const heap = k.heap;
  for (let done = 0; done < length; done += MASK_KERNEL_BLOCK) {
    const count = Math.min(MASK_KERNEL_BLOCK, length - done);
    heap.set(source.subarray(sourceOffset + done, sourceOffset + done + count));
    k.xor(count, key);
    target.set(heap.subarray(0, count), targetOffset + done);
  }
}

const scratch = new Uint8Array(4);
const scratchWord = new Uint32Array(scratch.buffer);

/**
 * XORs `length` bytes of `source` (from `sourceOffset`) with `mask` into `target`
 * (from `targetOffset`). `source` and `target` may be the same array, for in-place unmasking.
 * Word-wide when both regions share their alignment modulo 4, byte-wise otherwise.
 */
export function applyMask(source: Uint8Array, sourceOffset: number, target: Uint8Array, targetOffset: number, length: number, mask: Uint8Array): void {
  if (length >= KERNEL_THRESHOLD) {
    if (kernel === undefined) kernel = loadKernel();
    if (kernel !== null) return applyMaskKernel(kernel, source, sourceOffset, target, targetOffset, length, mask);
  }
  applyMaskWords(source, sourceOffset, target, targetOffset, length, mask);
}

/** The 32-bit JavaScript path of {@link applyMask}, also its fallback where WebAssembly cannot run. */
export function applyMaskWords(source: Uint8Array, sourceOffset: number, target: Uint8Array, targetOffset: number, length: number, mask: Uint8Array): void {
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

/** The masking key as it applies from payload byte `offset` on (§5.3: byte i uses key byte i mod 4). */
export function maskFrom(mask: Uint8Array, offset: number): Uint8Array {
  const shift = offset & 3;
  return shift === 0 ? mask : Uint8Array.of(mask[shift]!, mask[(shift + 1) & 3]!, mask[(shift + 2) & 3]!, mask[(shift + 3) & 3]!);
}

/** Unmasks (or masks: the operation is its own inverse) `data` in place. */
export function maskInPlace(data: Uint8Array, mask: Uint8Array): void {
  applyMask(data, 0, data, 0, data.length, mask);
}
