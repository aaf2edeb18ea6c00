import { ProtocolError, WireKitUsageError } from '@wirekit/protocol';
import { errorCodes, type ErrorDomain, type WireKitErrorCode } from './error-codes.js';

/** Optional fields of a {@link WireKitError}; each defaults to the table's value or absent. */
export interface WireKitErrorOptions {
  readonly domain?: ErrorDomain;
  readonly closeCode?: number | null;
  readonly status?: number;
  readonly errno?: string;
  readonly cause?: unknown;
}

/**
 * Every failure WireKit reports, like NWError: a stable `code` from {@link errorCodes}, the
 * `domain` it belongs to, the close code it maps to, and for some codes the HTTP `status` of a
 * refused handshake or the platform's `errno`. The original error, if any, is the `cause`.
 *
 * One hierarchy: `error instanceof WireKitError` is also true for the engine's two classes,
 * @wirekit/protocol's WireKitUsageError (domain usage) and ProtocolError (domain websocket),
 * which carry the same fields. They cannot extend this class: protocol may import nothing
 * (core sits above it), and this class cannot move down into protocol, because its constructor
 * fills message, domain and close code from core's table, which holds core's own codes
 * (transport, DNS, TLS, timeouts). So the check is widened here with `Symbol.hasInstance`,
 * the one place both classes are visible. Everything a transport reports is a WireKitError
 * proper (connect and the Connection methods convert with {@link toWireKitError}).
 */
export class WireKitError extends Error {
  /**
   * True for instances of this class and its subclasses, and (for `WireKitError` itself) for
   * the protocol's WireKitUsageError and ProtocolError.
   */
  static override [Symbol.hasInstance](value: unknown): boolean {
    if (Function.prototype[Symbol.hasInstance].call(this, value)) return true;
    return this === WireKitError && (value instanceof WireKitUsageError || value instanceof ProtocolError);
  }

  override readonly name: string = 'WireKitError';
  readonly code: WireKitErrorCode;
  readonly domain: ErrorDomain;
  readonly closeCode: number | null;
  /** For WK_ERR_HANDSHAKE_STATUS: the HTTP status the server answered with. */
  readonly status?: number;
  /** The platform error code, e.g. 'ECONNREFUSED'. */
  readonly errno?: string;

  constructor(code: WireKitErrorCode, message: string = errorCodes[code].description, options: WireKitErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    const entry = errorCodes[code];
    this.code = code;
    this.domain = options.domain ?? entry.domain;
    this.closeCode = options.closeCode === undefined ? entry.closeCode : options.closeCode;
    if (options.status !== undefined) this.status = options.status;
    if (options.errno !== undefined) this.errno = options.errno;
  }
}

/** Node error codes and what they become. TLS codes are matched by pattern in {@link toWireKitError}. */
const ERRNO_CODES: Readonly<Record<string, WireKitErrorCode>> = {
  ECONNREFUSED: 'WK_ERR_CONNECTION_REFUSED',
  ECONNRESET: 'WK_ERR_CONNECTION_RESET',
  EPIPE: 'WK_ERR_CONNECTION_RESET',
  ECONNABORTED: 'WK_ERR_CONNECTION_RESET',
  EHOSTUNREACH: 'WK_ERR_HOST_UNREACHABLE',
  ENETUNREACH: 'WK_ERR_HOST_UNREACHABLE',
  EHOSTDOWN: 'WK_ERR_HOST_UNREACHABLE',
  ENETDOWN: 'WK_ERR_HOST_UNREACHABLE',
  ETIMEDOUT: 'WK_ERR_CONNECT_TIMEOUT',
  ENOTFOUND: 'WK_ERR_DNS',
  EAI_AGAIN: 'WK_ERR_DNS',
  EAI_FAIL: 'WK_ERR_DNS',
  EAI_NONAME: 'WK_ERR_DNS',
  EPROTO: 'WK_ERR_TLS',
  ABORT_ERR: 'WK_ERR_ABORTED',
  ECANCELED: 'WK_ERR_ABORTED',
  // node:http2 (RFC 8441 WebSockets on HTTP/2 streams).
  ERR_HTTP2_STREAM_ERROR: 'WK_ERR_HTTP2_STREAM_RESET',
  ERR_HTTP2_SESSION_ERROR: 'WK_ERR_HTTP2_SESSION',
  ERR_HTTP2_GOAWAY_SESSION: 'WK_ERR_HTTP2_SESSION',
  ERR_HTTP2_INVALID_SESSION: 'WK_ERR_HTTP2_SESSION',
  ERR_HTTP2_STREAM_CANCEL: 'WK_ERR_HTTP2_SESSION',
  ERR_HTTP2_ERROR: 'WK_ERR_HTTP2_SESSION',
};

/** OpenSSL and Node TLS codes: certificate verification and handshake failures. */
const TLS_CODE = /^(?:ERR_TLS_|ERR_SSL_|CERT_|UNABLE_TO_|DEPTH_ZERO_SELF_SIGNED_CERT$|SELF_SIGNED_CERT_IN_CHAIN$|HOSTNAME_MISMATCH$|ERR_OSSL_)/;

/**
 * Maps anything thrown or reported to a {@link WireKitError}, so that every error a WireKit API
 * reports has a stable code: a WireKitError is returned as is; a ProtocolError keeps its code,
 * close code and status (domain websocket); a WireKitUsageError keeps its code (domain usage);
 * a Node system error maps by its `code` (ECONNREFUSED → WK_ERR_CONNECTION_REFUSED with errno
 * 'ECONNREFUSED', ENOTFOUND → WK_ERR_DNS, TLS codes → WK_ERR_TLS, an AbortError →
 * WK_ERR_ABORTED); anything else becomes WK_ERR_TRANSPORT. The original is the `cause`.
 */
export function toWireKitError(error: unknown): WireKitError {
  // The class proper: the protocol's classes, which `instanceof` also accepts, are converted.
  if (Function.prototype[Symbol.hasInstance].call(WireKitError, error)) return error as WireKitError;
  if (error instanceof ProtocolError) {
    return new WireKitError(error.code, error.message, {
      domain: errorCodes[error.code].domain === 'usage' ? 'websocket' : errorCodes[error.code].domain,
      closeCode: error.closeCode,
      ...(error.status === undefined ? {} : { status: error.status }),
      cause: error,
    });
  }
  if (error instanceof WireKitUsageError) return new WireKitError(error.code, error.message, { domain: 'usage', closeCode: null, cause: error });
  const message = error instanceof Error ? error.message : String(error);
  const name = error instanceof Error ? error.name : '';
  const errno = typeof error === 'object' && error !== null && typeof (error as { code?: unknown }).code === 'string' ? (error as { code: string }).code : undefined;
  if (errno === undefined && name === 'AbortError') return new WireKitError('WK_ERR_ABORTED', message, { cause: error });
  if (errno === undefined) return new WireKitError('WK_ERR_TRANSPORT', message, { cause: error });
  const code = ERRNO_CODES[errno] ?? (TLS_CODE.test(errno) ? 'WK_ERR_TLS' : 'WK_ERR_TRANSPORT');
  return new WireKitError(code, message, { errno, cause: error });
}
