import { protocolErrorCodes, type ProtocolErrorCode } from './error-codes.js';

/**
 * A violation by the peer: produced from bytes received, never thrown at the caller. It travels
 * in a `protocol-error` event; `closeCode` is the code of the Close frame the engine has already
 * queued (null for handshake failures, where no WebSocket exists yet).
 */
export class ProtocolError extends Error {
  override readonly name = 'ProtocolError';
  readonly code: ProtocolErrorCode;
  readonly closeCode: number | null;
  /** For WK_ERR_HANDSHAKE_STATUS: the HTTP status the server answered with. */
  readonly status: number | undefined;

  constructor(code: ProtocolErrorCode, message: string, options: { closeCode?: number | null; status?: number; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.closeCode = options.closeCode === undefined ? protocolErrorCodes[code].closeCode : options.closeCode;
    this.status = options.status;
  }
}

/** Misuse of the API by the caller, thrown synchronously. Its `code` is stable. */
export class WireKitUsageError extends Error {
  override readonly name = 'WireKitUsageError';
  readonly code: ProtocolErrorCode;

  constructor(code: ProtocolErrorCode, message: string) {
    super(message);
    this.code = code;
  }
}

/** Exhaustiveness guard for discriminated-union switches. */
export function assertNever(value: never): never {
  throw new Error(`unreachable: ${JSON.stringify(value)}`);
}
