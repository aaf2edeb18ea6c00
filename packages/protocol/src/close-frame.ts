import { isValidWireCloseCode, MAX_CLOSE_REASON_BYTES } from './close-code.js';
import { ProtocolError, WireKitUsageError } from './errors.js';

const encoder = new TextEncoder();
const strictDecoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** A received or sent close: the code (1005 when the frame had none) and the reason. */
export interface CloseStatus {
  readonly code: number;
  readonly reason: string;
}

/**
 * Builds a Close frame payload, checking the caller's arguments.
 * With no code the payload is empty and the peer reports 1005 (§7.1.5).
 * @throws {WireKitUsageError} WK_ERR_INVALID_CLOSE_CODE for a code not allowed on the wire (§7.4),
 *   WK_ERR_CLOSE_REASON_TOO_LONG for a reason over 123 bytes, WK_ERR_INVALID_ARGUMENT for a reason without a code.
 */
export function encodeClosePayload(code?: number, reason = ''): Uint8Array {
  if (code === undefined) {
    if (reason !== '') throw new WireKitUsageError('WK_ERR_INVALID_ARGUMENT', 'a close reason needs a close code');
    return new Uint8Array(0);
  }
  if (!isValidWireCloseCode(code)) {
    throw new WireKitUsageError('WK_ERR_INVALID_CLOSE_CODE', `close code ${String(code)} may not be sent (RFC 6455 §7.4)`);
  }
  const reasonBytes = encoder.encode(reason);
  // RFC 6455 §5.5: a control frame payload is at most 125 bytes, two of them the code.
  if (reasonBytes.length > MAX_CLOSE_REASON_BYTES) {
    throw new WireKitUsageError('WK_ERR_CLOSE_REASON_TOO_LONG', `close reason is ${reasonBytes.length} bytes; at most ${MAX_CLOSE_REASON_BYTES} fit`);
  }
  const payload = new Uint8Array(2 + reasonBytes.length);
  payload[0] = code >>> 8;
  payload[1] = code & 0xff;
  payload.set(reasonBytes, 2);
  return payload;
}

/** Parses a received Close frame payload; peer bytes never throw, they yield a ProtocolError. */
export function decodeClosePayload(payload: Uint8Array): CloseStatus | ProtocolError {
  if (payload.length === 0) return { code: 1005, reason: '' };
  // RFC 6455 §5.5.1: if there is a body, its first two bytes are the status code.
  if (payload.length === 1) return new ProtocolError('WK_ERR_INVALID_CLOSE_PAYLOAD', 'Close frame payload of 1 byte');
  const code = (payload[0]! << 8) | payload[1]!;
  if (!isValidWireCloseCode(code)) return new ProtocolError('WK_ERR_INVALID_CLOSE_CODE', `peer sent invalid close code ${code}`);
  try {
    return { code, reason: strictDecoder.decode(payload.subarray(2)) };
  } catch {
    // RFC 6455 §5.5.1 and §8.1: the reason is UTF-8; invalid data fails with 1007.
    return new ProtocolError('WK_ERR_INVALID_UTF8', 'close reason is not valid UTF-8');
  }
}
