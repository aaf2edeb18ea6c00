import { WireKitUsageError } from '@wirekit/protocol';

/**
 * Bytes drawn per refill by default: 8 KiB, as ws's mask pool. One CSPRNG call then serves a
 * connection's Sec-WebSocket-Key (16 bytes) and the engine's batches of masking keys for
 * hundreds of connections, where a call per request costs ~3 µs (Node's `randomBytes(16)`).
 */
const DEFAULT_BLOCK = 8 * 1024;

/**
 * A `random` for connections (handshake nonce, masking keys) that draws from one block filled by
 * `fill`, refilled when used up: one call to the platform's CSPRNG per block instead of one per
 * request. Every byte is handed out once and never again (RFC 6455 §4.1 wants a fresh nonce,
 * §5.3 unpredictable masking keys), as a copy the caller owns; what is left of a block too
 * short for a request is dropped, and a request larger than a block is filled on its own.
 *
 * @param fill fills its argument with cryptographically random bytes, e.g. node:crypto's
 *   `randomFillSync` or `crypto.getRandomValues` (which takes at most 64 KiB).
 * @param blockSize bytes per refill; default 8 KiB (see above).
 * @throws {WireKitUsageError} WK_ERR_INVALID_ARGUMENT for a block size that is not a whole number > 0.
 */
export function randomPool(fill: (bytes: Uint8Array) => unknown, blockSize: number = DEFAULT_BLOCK): (length: number) => Uint8Array {
  if (!(Number.isInteger(blockSize) && blockSize > 0)) throw new WireKitUsageError('WK_ERR_INVALID_ARGUMENT', 'blockSize must be a whole number of bytes > 0');
  const block = new Uint8Array(blockSize);
  let used = blockSize;
  return (length) => {
    if (length > blockSize) {
      const bytes = new Uint8Array(length);
      fill(bytes);
      return bytes;
    }
    if (used + length > blockSize) {
      fill(block);
      used = 0;
    }
    const bytes = block.slice(used, used + length);
    used += length;
    return bytes;
  };
}
