// The per-send bookkeeping of an EngineConnection and the small checks its methods share.
import { MAX_CONTROL_PAYLOAD, WireKitUsageError } from '@wirekit/protocol';
import type { ConnectionState } from './connection.js';
import { WireKitError } from './wirekit-error.js';

/** A send in flight; tickets form a list through `prev`/`next` (no Set per connection), in the order sent. */
export type SendTicket = {
  readonly size: number;
  readonly resolve: () => void;
  readonly reject: (error: WireKitError) => void;
  /** What send() returned: marked handled only when it rejects, so that a send that succeeds costs no `.catch`. */
  promise: Promise<void> | null;
  prev: SendTicket | null;
  next: SendTicket | null;
  settled: boolean;
};

/** A plain Uint8Array view of `bytes` (not a Buffer subclass), so that every transport delivers the same type. */
export function plain(bytes: Uint8Array): Uint8Array {
  return bytes.constructor === Uint8Array ? bytes : new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** What a send, sendPart or ping rejects with unless the connection is open: one message in every transport. */
export function notOpen(state: ConnectionState | 'disconnected'): WireKitError {
  return new WireKitError('WK_ERR_NOT_OPEN', `the connection is ${state}`, { domain: 'usage' });
}

/** What a send of something other than a string or Uint8Array rejects with, in every transport. */
export function notAMessage(): WireKitError {
  return new WireKitError('WK_ERR_INVALID_ARGUMENT', 'a message is a string or a Uint8Array', { domain: 'usage' });
}

export function checkControlPayload(payload: Uint8Array): void {
  if (!(payload instanceof Uint8Array)) throw new WireKitUsageError('WK_ERR_INVALID_ARGUMENT', 'a control payload is a Uint8Array');
  // RFC 6455 §5.5: control frames carry at most 125 bytes.
  if (payload.length > MAX_CONTROL_PAYLOAD) throw new WireKitUsageError('WK_ERR_CONTROL_PAYLOAD_TOO_LONG', `control payload of ${payload.length} bytes; at most 125`);
}
