import { protocolErrorCodes, type ProtocolErrorCode } from './error-codes.js';

/**
 * A violation by the peer: produced from bytes received, never thrown at the caller. It travels
 * in a `protocol-error` event; `closeCode` is the code of the Close frame the engine has already
 * queued (null for handshake failures, where no WebSocket exists yet).
 */
export class ProtocolError extends Error {
  override readonly name: string = 'ProtocolError';
  readonly code: ProtocolErrorCode;
  /** The domain of @wirekit/core's WireKitError (whose `instanceof` covers this class): the peer broke the protocol. */
  readonly domain = 'websocket' as const;
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

/**
 * Misuse of the API by the caller, thrown synchronously by the engine. Its `code` is stable.
 * `error instanceof WireKitError` (@wirekit/core) is true for it, and it has the fields of one
 * (domain `usage`, no close code): see WireKitError for why the two classes are one hierarchy.
 */
export class WireKitUsageError extends Error {
  override readonly name: string = 'WireKitUsageError';
  readonly code: ProtocolErrorCode;
  readonly domain = 'usage' as const;
  readonly closeCode = null;

  constructor(code: ProtocolErrorCode, message: string) {
    super(message);
    this.code = code;
  }
}

/** Exhaustiveness guard for discriminated-union switches. */
export function assertNever(value: never): never {
  throw new Error(`unreachable: ${JSON.stringify(value)}`);
}
