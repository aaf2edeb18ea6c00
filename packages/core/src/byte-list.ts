/**
 * Received chunks kept as a list, joined only when a whole message is taken, so that a large
 * message arriving in many small chunks is copied once rather than once per chunk.
 */
export class ByteList {
  private chunks: Uint8Array[] = [];
  private total = 0;

  get length(): number {
    return this.total;
  }

  push(chunk: Uint8Array): void {
    if (chunk.length === 0) return;
    this.chunks.push(chunk);
    this.total += chunk.length;
  }

  /** The byte at `index` (which must be < length). */
  at(index: number): number {
    for (const chunk of this.chunks) {
      if (index < chunk.length) return chunk[index]!;
      index -= chunk.length;
    }
    throw new RangeError('index out of range');
  }

  /** Removes and returns the first `count` bytes (count ≤ length) as one new array. */
  take(count: number): Uint8Array {
    const out = new Uint8Array(count);
    let filled = 0;
    while (filled < count) {
      const chunk = this.chunks[0]!;
      const used = Math.min(chunk.length, count - filled);
      out.set(chunk.subarray(0, used), filled);
      filled += used;
      if (used === chunk.length) this.chunks.shift();
      else this.chunks[0] = chunk.subarray(used);
    }
    this.total -= count;
    return out;
  }

  /** Drops the first `count` bytes. */
  skip(count: number): void {
    this.take(count);
  }

  clear(): void {
    this.chunks = [];
    this.total = 0;
  }
}
