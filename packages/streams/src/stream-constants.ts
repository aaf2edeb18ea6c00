/**
 * The constants of Foundation's `Stream`: its events (`Stream.Event`, a bit set), its statuses
 * (`Stream.Status`) and the property keys and values this package understands. The numbers are
 * Apple's, so that code ported from Swift or Objective-C compares the same values.
 */

/** `Stream.Event`: what a {@link StreamDelegate} is told. Apple's values, one bit each. */
export const StreamEvent = {
  openCompleted: 1,
  hasBytesAvailable: 2,
  hasSpaceAvailable: 4,
  errorOccurred: 8,
  endEncountered: 16,
} as const;

/** One {@link StreamEvent} value. */
export type StreamEventCode = (typeof StreamEvent)[keyof typeof StreamEvent];

/**
 * `Stream.Status`, Apple's values. `reading` and `writing` exist for parity only: `read()` and
 * `write()` are synchronous here, so no caller can observe a stream in the middle of one.
 */
export const StreamStatus = {
  notOpen: 0,
  opening: 1,
  open: 2,
  reading: 3,
  writing: 4,
  atEnd: 5,
  closed: 6,
  error: 7,
} as const;

/** One {@link StreamStatus} value. */
export type StreamStatusCode = (typeof StreamStatus)[keyof typeof StreamStatus];

/**
 * `Stream.PropertyKey`: the keys `setProperty(_:forKey:)` accepts. `socketSecurityLevelKey`
 * takes a {@link StreamSocketSecurityLevel}; `sslSettings` (CFNetwork's
 * `kCFStreamPropertySSLSettings`) takes core's `TlsOptions` (ca, servername,
 * rejectUnauthorized, verifyPeer). Both must be set before the pair is opened.
 */
export const StreamPropertyKey = {
  socketSecurityLevelKey: 'kCFStreamPropertySocketSecurityLevel',
  sslSettings: 'kCFStreamPropertySSLSettings',
} as const;

/** One {@link StreamPropertyKey} value. */
export type StreamPropertyKeyName = (typeof StreamPropertyKey)[keyof typeof StreamPropertyKey];

/**
 * `StreamSocketSecurityLevel`. Every level but `none` runs TLS through `node:tls`, which
 * negotiates the version itself (TLS 1.2 or 1.3): SSLv2, SSLv3 and TLS 1.0 are refused by
 * OpenSSL today, so the legacy names select the same negotiated TLS as `negotiatedSSL`.
 */
export const StreamSocketSecurityLevel = {
  none: 'kCFStreamSocketSecurityLevelNone',
  ssLv2: 'kCFStreamSocketSecurityLevelSSLv2',
  ssLv3: 'kCFStreamSocketSecurityLevelSSLv3',
  tlSv1: 'kCFStreamSocketSecurityLevelTLSv1',
  negotiatedSSL: 'kCFStreamSocketSecurityLevelNegotiatedSSL',
} as const;

/** One {@link StreamSocketSecurityLevel} value. */
export type StreamSocketSecurityLevelName = (typeof StreamSocketSecurityLevel)[keyof typeof StreamSocketSecurityLevel];

/** Options of `Stream.getStreamsToHost`, beyond Apple's host and port. */
export interface StreamPairOptions {
  /**
   * Bytes the input stream holds before it stops reading the socket (TCP then pushes back on
   * the peer). Default 64 KiB: one libuv read, so a reader that keeps up never pauses.
   */
  readonly readHighWaterMark?: number;
  /**
   * Bytes the output stream accepts before `write()` returns 0. Default 64 KiB: enough to keep
   * a loopback or LAN link busy between two `hasSpaceAvailable` events, small enough that a
   * stalled peer pins little memory.
   */
  readonly writeCapacity?: number;
}
