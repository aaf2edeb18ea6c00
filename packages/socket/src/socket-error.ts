import { toWireKitError, WireKitError, type WireKitErrorCode } from '@wirekit/core';

/**
 * The POSIX errno names this package reports itself, on top of those Node reports from the OS
 * (ECONNREFUSED, ECONNRESET, EADDRINUSE…). Each becomes a {@link WireKitError} with domain
 * `posix`, the name in `errno` and a stable code of core's table:
 * - misuse of a descriptor (EBADF, EINVAL, ENOTCONN, EISCONN, EALREADY, EOPNOTSUPP,
 *   EAFNOSUPPORT, EDESTADDRREQ, ENOPROTOOPT, EPIPE after shutdown) is WK_ERR_INVALID_ARGUMENT;
 * - a resource or permission refusal (EMFILE, EACCES, EADDRINUSE) is WK_ERR_TRANSPORT;
 * - ETIMEDOUT is WK_ERR_CONNECT_TIMEOUT.
 */
export type SocketErrno =
  | 'EBADF'
  | 'EINVAL'
  | 'ENOTCONN'
  | 'EISCONN'
  | 'EALREADY'
  | 'EOPNOTSUPP'
  | 'EAFNOSUPPORT'
  | 'EDESTADDRREQ'
  | 'ENOPROTOOPT'
  | 'EPIPE'
  | 'EMFILE'
  | 'EACCES'
  | 'ETIMEDOUT';

const CODES: Readonly<Record<SocketErrno, WireKitErrorCode>> = {
  EBADF: 'WK_ERR_INVALID_ARGUMENT',
  EINVAL: 'WK_ERR_INVALID_ARGUMENT',
  ENOTCONN: 'WK_ERR_INVALID_ARGUMENT',
  EISCONN: 'WK_ERR_INVALID_ARGUMENT',
  EALREADY: 'WK_ERR_INVALID_ARGUMENT',
  EOPNOTSUPP: 'WK_ERR_INVALID_ARGUMENT',
  EAFNOSUPPORT: 'WK_ERR_INVALID_ARGUMENT',
  EDESTADDRREQ: 'WK_ERR_INVALID_ARGUMENT',
  ENOPROTOOPT: 'WK_ERR_INVALID_ARGUMENT',
  EPIPE: 'WK_ERR_INVALID_ARGUMENT',
  EMFILE: 'WK_ERR_TRANSPORT',
  EACCES: 'WK_ERR_TRANSPORT',
  ETIMEDOUT: 'WK_ERR_CONNECT_TIMEOUT',
};

/** A {@link WireKitError} for a POSIX condition detected by this package (see {@link SocketErrno}). */
export function posixError(errno: SocketErrno, message: string): WireKitError {
  return new WireKitError(CODES[errno], `${errno}: ${message}`, { domain: 'posix', errno });
}

/**
 * Maps an error Node reported (a system error with `code`) to a {@link WireKitError} that keeps
 * the errno; core's table decides the code (ECONNREFUSED → WK_ERR_CONNECTION_REFUSED, EACCES
 * and EADDRINUSE → WK_ERR_TRANSPORT, ETIMEDOUT → WK_ERR_CONNECT_TIMEOUT…).
 */
export function systemError(error: unknown): WireKitError {
  return toWireKitError(error);
}

/** A promise that rejects without becoming an unhandled rejection when nobody awaits it. */
export function quiet<T>(promise: Promise<T>): Promise<T> {
  promise.catch(() => undefined);
  return promise;
}

/** A malformed address or argument: WK_ERR_INVALID_ARGUMENT in domain `usage`, with the errno C would give (EINVAL, EAFNOSUPPORT). */
export function addressError(errno: 'EINVAL' | 'EAFNOSUPPORT', message: string): WireKitError {
  return new WireKitError('WK_ERR_INVALID_ARGUMENT', `${errno}: ${message}`, { domain: 'usage', errno });
}
