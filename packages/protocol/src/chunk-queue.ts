import { applyMask, maskFrom } from './mask.js';
import { allocate, type Allocator } from './slab.js';

/**
 * Bytes received but not yet consumed, kept as the chunks they arrived in so that nothing is
 * copied until a frame needs bytes that span chunks. Consumed chunks are skipped by index and
 * compacted in bulk, so taking a frame that arrived in many small chunks stays linear.
 */
export class ChunkQueue {
  /** NO_CHUNKS (shared, never written) while empty: an idle connection holds no array of its own. */
  private chunks: Uint8Array[] = NO_CHUNKS;
  /** Index of the first unconsumed chunk. */
  private head = 0;
  /** Read position inside chunks[head]. */
  private offset = 0;
  private total = 0;

  /** @param large allocator for joined chunks over the slab's size. */
  constructor(private readonly large?: Allocator) {}

  /** Bytes available to take. */
  get length(): number {
    return this.total;
  }

  push(chunk: Uint8Array): void {
    if (chunk.length === 0) return;
    if (this.chunks === NO_CHUNKS) this.chunks = [chunk];
    else this.chunks.push(chunk);
    this.total += chunk.length;
  }

  /** Byte `index` positions ahead of the read position, or -1 past the end. */
  peek(index: number): number {
    let i = this.offset + index;
    for (let c = this.head; c < this.chunks.length; c++) {
      const chunk = this.chunks[c]!;
      if (i < chunk.length) return chunk[i]!;
      i -= chunk.length;
    }
    return -1;
  }

  /**
   * Calls `visit` with views of the queued bytes from `from` bytes past the read position to
   * the end, in order, without consuming them; it may change them in place (unmasking).
   */
  visitFrom(from: number, visit: (bytes: Uint8Array) => void): void {
    let skip = this.offset + from;
    for (let c = this.head; c < this.chunks.length; c++) {
      const chunk = this.chunks[c]!;
      if (skip >= chunk.length) {
        skip -= chunk.length;
        continue;
      }
      visit(skip === 0 ? chunk : chunk.subarray(skip));
      skip = 0;
    }
  }

  /** Discards the next `n` bytes (n <= length) without creating a view. */
  skip(n: number): void {
    while (n > 0) {
      const left = this.chunks[this.head]!.length - this.offset;
      const count = Math.min(left, n);
      this.total -= count;
      n -= count;
      this.advance(count, left);
    }
  }

  /**
   * Removes and returns the next `n` bytes (n <= length): a view into the received chunk when
   * they lie in one chunk (no copy), a fresh array when they span several.
   *
   * With a `mask`, the bytes from `from` on are unmasked as they are taken (the key as it applies
   * to byte 0; bytes before `from` are already plain): in place in the view, or while they are
   * copied into the fresh array, so a masked payload that spans chunks costs one pass, not two.
   */
  take(n: number, mask: Uint8Array | null = null, from = 0): Uint8Array {
    if (n === 0) return new Uint8Array(0);
    this.total -= n;
    const first = this.chunks[this.head]!;
    const available = first.length - this.offset;
    if (n <= available) {
      const view = first.subarray(this.offset, this.offset + n);
      this.advance(n, available);
      if (mask !== null && from < n) applyMask(view, from, view, from, n - from, maskFrom(mask, from));
      return view;
    }
    const out = allocate(n, this.large);
    let written = 0;
    while (written < n) {
      const chunk = this.chunks[this.head]!;
      const left = chunk.length - this.offset;
      const count = Math.min(left, n - written);
      // The part of this piece that is still masked: [plain, count).
      const plain = mask === null ? count : Math.min(count, Math.max(0, from - written));
      if (plain > 0) out.set(plain === chunk.length ? chunk : chunk.subarray(this.offset, this.offset + plain), written);
      if (plain < count) applyMask(chunk, this.offset + plain, out, written + plain, count - plain, maskFrom(mask!, written + plain));
      written += count;
      this.advance(count, left);
    }
    return out;
  }

  private advance(count: number, available: number): void {
    if (count < available) {
      this.offset += count;
      return;
    }
    this.chunks[this.head] = EMPTY;
    this.head++;
    this.offset = 0;
    if (this.head === this.chunks.length) {
      this.chunks = NO_CHUNKS;
      this.head = 0;
    } else if (this.head >= 64 && this.head * 2 >= this.chunks.length) {
      this.chunks = this.chunks.slice(this.head);
      this.head = 0;
    }
  }
}

const EMPTY = new Uint8Array(0);
const NO_CHUNKS: Uint8Array[] = [];
