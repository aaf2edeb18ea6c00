import { toWireKitError, WireKitError } from '@wirekit/core';

/**
 * Network.framework's `NWError` is WireKit's `WireKitError`: its `domain` says which Swift case
 * it is (`posix`, `dns`, `tls`; also `websocket` and `usage`), `errno` holds the POSIX or DNS
 * name, and `code` the stable `WK_ERR_*` of core's table.
 */
export type NWError = WireKitError;

/** The Swift case of an {@link NWError}: its domain, with the errno name or else the `WK_ERR_*` code. */
export interface NWErrorCase {
  readonly kind: WireKitError['domain'];
  readonly code: string;
}

/** Builders and a case view of {@link NWError}, named as Swift's `NWError` cases. */
export const NWError = {
  /** A POSIX error by name, e.g. `NWError.posix('ECONNREFUSED')`, mapped by core's table. */
  posix(errno: string, message = errno): NWError {
    return toWireKitError(Object.assign(new Error(message), { code: errno }));
  },
  /** A name-resolution failure (WK_ERR_DNS), e.g. `NWError.dns('ENOTFOUND')`. */
  dns(errno = 'ENOTFOUND', message = errno): NWError {
    return new WireKitError('WK_ERR_DNS', message, { errno });
  },
  /** A TLS failure (WK_ERR_TLS), e.g. a certificate refused by a pinning check. */
  tls(message: string, cause?: unknown): NWError {
    return new WireKitError('WK_ERR_TLS', message, cause === undefined ? {} : { cause });
  },
  /** Any error as an NWError (core's `toWireKitError`). */
  from(error: unknown): NWError {
    return toWireKitError(error);
  },
  /** The Swift case of an error, e.g. `{ kind: 'posix', code: 'ECONNREFUSED' }`. */
  describe(error: NWError): NWErrorCase {
    return { kind: error.domain, code: error.errno ?? error.code };
  },
} as const;
