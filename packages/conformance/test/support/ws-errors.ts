/**
 * Error mapping for the ws reference adapter: Node's errors through core's toWireKitError, and
 * ws's own receiver codes to the engine's, with the close code ws sent.
 */
import { toWireKitError, WireKitError, type WireKitErrorCode } from '@wirekit/core';

const WS_CODES: Readonly<Record<string, WireKitErrorCode>> = {
  WS_ERR_UNSUPPORTED_MESSAGE_LENGTH: 'WK_ERR_MESSAGE_TOO_LARGE',
  WS_ERR_INVALID_UTF8: 'WK_ERR_INVALID_UTF8',
  WS_ERR_UNEXPECTED_MASK: 'WK_ERR_UNEXPECTED_MASK',
  WS_ERR_INVALID_OPCODE: 'WK_ERR_RESERVED_OPCODE',
  WS_ERR_INVALID_CLOSE_CODE: 'WK_ERR_INVALID_CLOSE_CODE',
};

/** Maps an error ws or Node reported to a WireKitError. */
export function adapterError(error: unknown): WireKitError {
  const code = error instanceof Error ? (error as { code?: unknown }).code : undefined;
  const mapped = typeof code === 'string' ? WS_CODES[code] : undefined;
  if (mapped !== undefined) return new WireKitError(mapped, (error as Error).message, { domain: 'websocket', cause: error });
  return toWireKitError(error);
}

export const closedError = (code: number): WireKitError => new WireKitError('WK_ERR_CLOSED', `the connection closed (${code})`, { closeCode: code });
