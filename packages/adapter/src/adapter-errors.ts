import { errorCodes, notOpenError as coreNotOpenError, toWireKitError, WireKitError, type CloseInfo, type ConnectionState, type WireKitErrorCode } from '@wirekit/core';

/**
 * 1006, read from core's error table (the close code of a connection that ended without a
 * Close frame, RFC 6455 §7.1.5), so that this package holds no close-code literal.
 */
export const ABNORMAL_CLOSURE: number = errorCodes.WK_ERR_TRANSPORT.closeCode;

/** The receiver error codes of `ws` and the WireKit codes they are. */
const WS_CODES: Readonly<Record<string, WireKitErrorCode>> = {
  WS_ERR_UNSUPPORTED_MESSAGE_LENGTH: 'WK_ERR_MESSAGE_TOO_LARGE',
  WS_ERR_UNSUPPORTED_DATA_PAYLOAD_LENGTH: 'WK_ERR_INVALID_LENGTH',
  WS_ERR_TOO_MANY_BUFFERED_PARTS: 'WK_ERR_MESSAGE_TOO_LARGE',
  WS_ERR_INVALID_UTF8: 'WK_ERR_INVALID_UTF8',
  WS_ERR_UNEXPECTED_MASK: 'WK_ERR_UNEXPECTED_MASK',
  WS_ERR_EXPECTED_MASK: 'WK_ERR_MISSING_MASK',
  WS_ERR_INVALID_OPCODE: 'WK_ERR_RESERVED_OPCODE',
  WS_ERR_INVALID_CLOSE_CODE: 'WK_ERR_INVALID_CLOSE_CODE',
  WS_ERR_INVALID_CONTROL_PAYLOAD_LENGTH: 'WK_ERR_CONTROL_FRAME_TOO_LONG',
  WS_ERR_EXPECTED_FIN: 'WK_ERR_FRAGMENTED_CONTROL',
  WS_ERR_UNEXPECTED_RSV_1: 'WK_ERR_RESERVED_BITS',
  WS_ERR_UNEXPECTED_RSV_2_3: 'WK_ERR_RESERVED_BITS',
};

/**
 * The opening-handshake failures `ws` reports by message only (its messages have been stable
 * since ws 7), and their codes. The HTTP status of a refused upgrade is read from the message
 * when nobody listened to `unexpected-response` (the WHATWG surface of ws's class).
 */
const WS_HANDSHAKE_MESSAGES: ReadonlyArray<readonly [RegExp, WireKitErrorCode]> = [
  [/^Unexpected server response: \d+/, 'WK_ERR_HANDSHAKE_STATUS'],
  [/^Invalid Upgrade header/, 'WK_ERR_HANDSHAKE_UPGRADE'],
  [/^Invalid Sec-WebSocket-Accept header/, 'WK_ERR_HANDSHAKE_ACCEPT'],
  [/^Server sent (?:an invalid subprotocol|a subprotocol but none was requested|no subprotocol)/, 'WK_ERR_HANDSHAKE_PROTOCOL'],
  [/Sec-WebSocket-Extensions|extension that was not requested/, 'WK_ERR_HANDSHAKE_EXTENSION'],
  [/^Opening handshake has timed out/, 'WK_ERR_CONNECT_TIMEOUT'],
];

/** A misuse of the API: domain usage, no close code. */
export function usageError(code: WireKitErrorCode, message: string, cause?: unknown): WireKitError {
  return new WireKitError(code, message, { domain: 'usage', closeCode: null, ...(cause === undefined ? {} : { cause }) });
}

/**
 * send() or ping() on a connection that is not open (STYLE.md §4: never a silent drop): core's
 * error, so that every transport says the same.
 */
export function notOpenError(state: ConnectionState = 'closed'): WireKitError {
  return coreNotOpenError(state);
}

/** What pending receive(), ping() and send() calls reject with when the connection ends. */
export function closedError(info: CloseInfo): WireKitError {
  return new WireKitError('WK_ERR_CLOSED', `the connection closed (${info.code}${info.reason === '' ? '' : ` ${info.reason}`})`, { closeCode: info.code });
}

/**
 * Maps an error a WebSocket library reported to a WireKitError: ws's receiver codes (domain
 * websocket, with the close code ws sent), ws's handshake messages (a refused upgrade carries
 * its `status`), and otherwise core's {@link toWireKitError} (ECONNREFUSED → posix,
 * ENOTFOUND → dns, TLS codes → tls, anything else WK_ERR_TRANSPORT).
 */
export function libraryError(error: unknown): WireKitError {
  if (error instanceof WireKitError) return error;
  const errno = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
  const message = error instanceof Error ? error.message : String(error);
  // ws reports a continuation with nothing to continue as opcode 0 being invalid; the engine's code says what happened.
  const mapped = errno === 'WS_ERR_INVALID_OPCODE' && / opcode 0$/.test(message) ? 'WK_ERR_UNEXPECTED_CONTINUATION' : typeof errno === 'string' ? WS_CODES[errno] : undefined;
  if (mapped !== undefined) return new WireKitError(mapped, message, { domain: 'websocket', cause: error });
  if (errno === undefined) {
    for (const [pattern, code] of WS_HANDSHAKE_MESSAGES) {
      if (!pattern.test(message)) continue;
      if (code !== 'WK_ERR_HANDSHAKE_STATUS') return new WireKitError(code, message, { domain: code === 'WK_ERR_CONNECT_TIMEOUT' ? 'posix' : 'websocket', cause: error });
      return handshakeStatusError(Number(/\d+/.exec(message)![0]), error);
    }
  }
  return toWireKitError(error);
}

/** WK_ERR_HANDSHAKE_STATUS carrying the HTTP status the server refused the upgrade with. */
export function handshakeStatusError(status: number, cause?: unknown): WireKitError {
  return new WireKitError('WK_ERR_HANDSHAKE_STATUS', `the server refused the upgrade with HTTP ${status}`, { domain: 'websocket', status, ...(cause === undefined ? {} : { cause }) });
}

/**
 * Maps a WHATWG `error` event. The standard event carries no cause (a refused connection, a DNS
 * failure and a 403 all look the same), so this is WK_ERR_TRANSPORT unless the platform attaches
 * one: an ErrorEvent's `error` (ws's class and undici do) or its `message`.
 */
export function errorEventError(event: unknown): WireKitError {
  const { error, message } = (typeof event === 'object' && event !== null ? event : {}) as { error?: unknown; message?: unknown };
  if (error !== undefined && error !== null) return libraryError(error);
  if (typeof message === 'string' && message !== '') return libraryError(new Error(message));
  return new WireKitError('WK_ERR_TRANSPORT', 'the WebSocket failed; the platform reports no cause (WHATWG error events carry none)', { cause: event });
}

/**
 * Maps what a library's close() threw: an invalid code (ws: TypeError; WHATWG:
 * InvalidAccessError, since browsers send only 1000 and 3000–4999) or a reason over 123 bytes
 * (ws: RangeError; WHATWG: SyntaxError).
 */
export function closeArgumentError(error: unknown, code: number | undefined): WireKitError {
  const name = error instanceof Error || (typeof error === 'object' && error !== null) ? String((error as { name?: unknown }).name) : '';
  if (name === 'TypeError' || name === 'InvalidAccessError') return usageError('WK_ERR_INVALID_CLOSE_CODE', `close code ${String(code)} cannot be sent by this WebSocket`, error);
  if (name === 'RangeError' || name === 'SyntaxError') return usageError('WK_ERR_CLOSE_REASON_TOO_LONG', 'the close reason is longer than 123 bytes of UTF-8', error);
  return libraryError(error);
}
