import { chunkings as cuts } from './chunkings.js';
import { join } from './hex.js';

/**
 * Chunkings for split tests (STYLE §13): every byte vector is fed whole, byte by byte, and
 * split in two at every offset, so that no parser depends on how the network cut its input.
 */

/** One way of cutting a byte vector into chunks, with a name for `it.each`. */
export interface Chunking {
  readonly name: string;
  readonly chunks: readonly Uint8Array[];
}

/** The cuts of `chunkings.ts`, under the `name` key that `it.each` titles use here. */
export function chunkings(bytes: Uint8Array): Chunking[] {
  return cuts(bytes).map(({ label, chunks }) => ({ name: label, chunks }));
}

/** What {@link feedUntilResult} saw. */
export interface FeedOutcome<T> {
  /** The first non-null result, or null if every chunk returned null. */
  readonly result: T | null;
  /** How many chunks were fed, the one that produced the result included. */
  readonly fed: number;
  /** The chunks not fed because a result came first, concatenated. */
  readonly rest: Uint8Array;
}

/**
 * Feeds chunks to a one-shot incremental parser (`receive`/`push` returning null until done)
 * and stops at its first result: parsers that return bytes after their input (remainders)
 * must not be fed further, so the unfed chunks are handed back for comparison.
 */
export function feedUntilResult<T>(chunks: readonly Uint8Array[], feed: (chunk: Uint8Array) => T | null): FeedOutcome<T> {
  for (let i = 0; i < chunks.length; i++) {
    const result = feed(chunks[i]!);
    if (result !== null) return { result, fed: i + 1, rest: concatBytes(chunks.slice(i + 1)) };
  }
  return { result: null, fed: chunks.length, rest: new Uint8Array(0) };
}

/** Concatenates byte arrays into a new one. */
export function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  return join(...parts);
}

/** ASCII/Latin-1 bytes of a string, for golden vectors written as text. */
export function latin1(text: string): Uint8Array {
  return Uint8Array.from(text, (char) => char.charCodeAt(0));
}

/** Latin-1 text of bytes, for comparing golden vectors readably. */
export function text(bytes: Uint8Array): string {
  return String.fromCharCode(...bytes);
}
