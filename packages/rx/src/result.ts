import { WireKitError, type CloseInfo, type Connection } from '@wirekit/core';

/**
 * Swift's `Result<Success, Error>` as a discriminated union: what the Combine pipes of the
 * iOS world carry (`PassthroughSubject<Result<Message, Error>, Never>`), for streams that must
 * not end on one failure.
 */
export type Result<T> = { readonly kind: 'success'; readonly value: T } | { readonly kind: 'failure'; readonly error: WireKitError };

/**
 * Why a connection ended uncleanly: the first `error` event seen while subscribed, else the
 * error the connection keeps (core's EngineConnection and the task's WebSocketConnection keep
 * one as `error`), else WK_ERR_CLOSED with the close code.
 */
export function failureOf(connection: Connection, seen: WireKitError | null, info: CloseInfo): WireKitError {
  if (seen !== null) return seen;
  const kept = (connection as { readonly error?: unknown }).error;
  if (kept instanceof WireKitError) return kept;
  return new WireKitError('WK_ERR_CLOSED', `the connection closed without a closing handshake (${info.code})`, { closeCode: info.code });
}
