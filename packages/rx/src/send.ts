import { toWireKitError, type Connection, type Message } from '@wirekit/core';
import { concatMap, defer, from, map, type Observable, of, catchError, type OperatorFunction } from 'rxjs';
import type { Result } from './result.js';

/**
 * Sends one message when subscribed (cold, as Combine's `Deferred { Future }`): emits once,
 * when the transport took the message, then completes; or errors with the WireKitError
 * (WK_ERR_NOT_OPEN after close, WK_ERR_CLOSED if the connection failed first). Unsubscribing
 * cannot recall a message already handed to the connection. A data argument that is not a
 * message errors with WK_ERR_INVALID_ARGUMENT.
 */
export function send$(connection: Connection, data: Message): Observable<void> {
  return defer(() => from(connection.send(data)));
}

/**
 * An operator sending each upstream message in order, one at a time (the next waits for the
 * previous one's send), and emitting the seed's `senderPipe` values: a {@link Result} with the
 * message sent, or the failure. Send failures do not end the stream; upstream errors do.
 *
 * @example
 * ```ts
 * outgoing$.pipe(sendTo(connection)).subscribe((result) => result.kind === 'failure' && log(result.error.code));
 * ```
 */
export function sendTo(connection: Connection): OperatorFunction<Message, Result<Message>> {
  return concatMap((data: Message) =>
    send$(connection, data).pipe(
      map((): Result<Message> => ({ kind: 'success', value: data })),
      catchError((error: unknown) => of<Result<Message>>({ kind: 'failure', error: toWireKitError(error) })),
    ),
  );
}
