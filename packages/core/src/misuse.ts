// The argument checks of close() and ping(), as values: every transport's Promise-returning
// methods reject with them (never throw), with one class, code and message.
import { encodeClosePayload } from '@wirekit/protocol';
import { quiet } from './base-connection.js';
import { checkControlPayload } from './send-ticket.js';
import { toWireKitError, type WireKitError } from './wirekit-error.js';

/** What `check` throws, as a WireKitError (domain usage for the engine's misuse errors), or null. */
function misuseOf(check: () => unknown): WireKitError | null {
  try {
    check();
    return null;
  } catch (error) {
    return toWireKitError(error);
  }
}

/**
 * What close(code, reason) rejects with for arguments no transport may send, or null when they
 * may be sent: WK_ERR_INVALID_CLOSE_CODE (1005, 1006, 1015, reserved codes, RFC 6455 §7.4),
 * WK_ERR_CLOSE_REASON_TOO_LONG (over 123 bytes of UTF-8), WK_ERR_INVALID_ARGUMENT (a reason
 * without a code). The protocol's own check decides, so every transport refuses the same codes.
 */
export function closeMisuse(code: number | undefined, reason: string | undefined): WireKitError | null {
  return misuseOf(() => encodeClosePayload(code, reason));
}

/**
 * What ping(payload) rejects with for a payload no Ping may carry, or null: WK_ERR_INVALID_ARGUMENT
 * for anything but a Uint8Array, WK_ERR_CONTROL_PAYLOAD_TOO_LONG over 125 bytes (RFC 6455 §5.5).
 */
export function pingMisuse(payload: unknown): WireKitError | null {
  // No payload is the empty one (ping()'s default).
  return payload === undefined ? null : misuseOf(() => checkControlPayload(payload as Uint8Array));
}

/**
 * Calls `start` so that the Promise-returning function it implements never throws: a synchronous
 * throw (a bad argument, a closed descriptor) becomes a rejection with the same error, turned
 * into a WireKitError, and a rejection nobody handles does not become an unhandled rejection.
 *
 * @example
 * ```ts
 * bind(fd: number, address: Uint8Array): Promise<void> {
 *   return neverThrows(() => this.entry(fd).bind(address));
 * }
 * ```
 */
export function neverThrows<T>(start: () => Promise<T>): Promise<T> {
  let started: Promise<T>;
  try {
    started = start();
  } catch (error) {
    started = Promise.reject(toWireKitError(error));
  }
  return quiet(started);
}
