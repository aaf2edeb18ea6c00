import type { Allocator } from './slab.js';

/**
 * Masked frames of at least this many bytes are written into a pooled buffer. A fresh buffer
 * of this size or more costs page faults on first touch and pressure on the garbage collector
 * (V8 counts its backing store as external memory and collects sooner for it); below it,
 * allocating is cheap next to searching a pool, and the slab serves frames up to 4 KiB anyway.
 */
export const POOLED_FRAME_MIN = 64 * 1024;

/**
 * Default bound on the bytes a connection's {@link SendBufferPool} keeps: 4 MiB, four frames of
 * 1 MiB, so a client that pipelines a few large messages writes each into a buffer it used
 * before. What it costs: a connection that once sent large messages keeps up to this much
 * until it closes (a client rarely has many connections; a server never masks, so never pools).
 */
export const DEFAULT_SEND_POOL_BYTES = 4 * 1024 * 1024;

/** Pooled buffers are sized in steps of this, so frames of slightly different sizes share them. */
const STEP = 64 * 1024;

interface Entry {
  readonly bytes: Uint8Array;
  /** Handed out for a write that has not completed: never handed out again until released. */
  lent: boolean;
}

/**
 * The large send buffers of one client connection, reused once their write completed. The
 * masked copy of a frame never reaches the application: once the channel has handed it to the
 * OS, the same bytes can take the next masked frame. A buffer goes back into use only through
 * {@link release}, which the connection calls when the channel reports the write complete (a
 * write that failed may still be read by the OS: its buffer is not released, only dropped).
 * The pool never holds more than `maxBytes` in buffers, lent or idle; past that a frame gets a
 * buffer of its own, as without a pool.
 */
export class SendBufferPool {
  private entries: Entry[] = [];
  private heldBytes = 0;
  private closed = false;

  /**
   * @param maxBytes bound on the bytes of the buffers the pool keeps ({@link DEFAULT_SEND_POOL_BYTES}).
   * @param allocate where new buffers come from (the engine's `allocate`, e.g. `Buffer.allocUnsafe`).
   */
  constructor(
    private readonly maxBytes: number,
    private readonly allocate: Allocator,
  ) {}

  /** Bytes of the buffers the pool keeps, lent or idle (at most `maxBytes`). */
  get bytes(): number {
    return this.heldBytes;
  }

  /**
   * A buffer of exactly `length` bytes to write a frame into (a view of a pooled buffer when one
   * is idle and large enough, or when a new one fits the bound), lent until {@link release}.
   */
  acquire(length: number): Uint8Array {
    if (length < POOLED_FRAME_MIN || this.closed) return this.allocate(length);
    let best: Entry | null = null;
    for (const entry of this.entries) {
      if (!entry.lent && entry.bytes.length >= length && (best === null || entry.bytes.length < best.bytes.length)) best = entry;
    }
    if (best === null) {
      const size = Math.ceil(length / STEP) * STEP;
      // Idle buffers too small for this frame make room for one that fits.
      if (this.heldBytes + size > this.maxBytes) this.evictIdle(size);
      if (this.heldBytes + size > this.maxBytes) return this.allocate(length);
      best = { bytes: this.allocate(size), lent: false };
      this.entries.push(best);
      this.heldBytes += size;
    }
    best.lent = true;
    return best.bytes.length === length ? best.bytes : best.bytes.subarray(0, length);
  }

  /**
   * The write of `chunk` completed: if it is (a view of) a buffer this pool lent, the buffer may
   * take the next frame. Anything else (a header, a small frame, a buffer of its own) is ignored.
   */
  release(chunk: Uint8Array): void {
    const entries = this.entries;
    for (let index = 0; index < entries.length; index++) {
      const entry = entries[index]!;
      const bytes = entry.bytes;
      if (bytes.buffer !== chunk.buffer || chunk.byteOffset < bytes.byteOffset || chunk.byteOffset >= bytes.byteOffset + bytes.length) continue;
      entry.lent = false;
      return;
    }
  }

  /** The connection closed: the pool lets go of every buffer; later frames get buffers of their own. */
  close(): void {
    this.closed = true;
    this.entries = [];
    this.heldBytes = 0;
  }

  private evictIdle(needed: number): void {
    this.entries = this.entries.filter((entry) => {
      if (entry.lent || this.heldBytes + needed <= this.maxBytes) return true;
      this.heldBytes -= entry.bytes.length;
      return false;
    });
  }
}
