import type { WireKitError } from './wirekit-error.js';

/**
 * A sans-IO framer for a message protocol over a byte stream that is not WebSocket (as
 * NWProtocolFramer): it turns a message into bytes to write, and received bytes into messages.
 */
export interface MessageFramer {
  /** The chunks to write for one message, in order. */
  encode(message: Uint8Array): Uint8Array[];
  /**
   * Feeds received bytes (any chunking) and returns the messages completed by them, or an
   * error once the stream is unusable (a message over the size limit). Once failed, every
   * later push returns the same error. When a chunk completes messages before the failure,
   * they are returned first and the error comes with the next push (an empty chunk will do).
   */
  push(chunk: Uint8Array): Uint8Array[] | WireKitError;
}
