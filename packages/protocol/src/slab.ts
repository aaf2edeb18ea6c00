/**
 * Small-buffer allocation from a shared slab. Creating an ArrayBuffer costs far more than
 * writing a 64-byte frame into one, so frames up to SMALL bytes are cut from a 64 KiB slab
 * (the idea behind Node's Buffer pool, without depending on Buffer). Views are handed out
 * once and never reused, so they stay valid for as long as anyone holds them.
 */
const SLAB_SIZE = 64 * 1024;
const SMALL = 4096;

let slab = new Uint8Array(SLAB_SIZE);
let used = 0;

/**
 * Allocates buffers larger than the slab serves. The default zero-fills; Node transports
 * inject `Buffer.allocUnsafe`, which skips that, because the engine overwrites every byte of
 * what it allocates before anyone reads it.
 */
export type Allocator = (length: number) => Uint8Array;

const zeroed: Allocator = (length) => new Uint8Array(length);

/** A fresh 8-byte-aligned array of `length` bytes: slab-cut when small, else from `large`. */
export function allocate(length: number, large: Allocator = zeroed): Uint8Array {
  if (length > SMALL) return large(length);
  if (used + length > SLAB_SIZE) {
    slab = new Uint8Array(SLAB_SIZE);
    used = 0;
  }
  const view = slab.subarray(used, used + length);
  used += (length + 7) & ~7;
  return view;
}
