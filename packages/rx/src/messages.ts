import { jsonCodec, toWireKitError, WireKitError, type Codec, type CloseInfo, type Connection, type Message } from '@wirekit/core';
import { catchError, filter, map, Observable, of } from 'rxjs';
import { failureOf, type Result } from './result.js';

/**
 * The messages of a connection as they arrive, from subscription on (a hot stream, as a Combine
 * `PassthroughSubject`: messages before it are not replayed). Completes when the connection
 * closes cleanly; errors with the WireKitError that failed it otherwise (WK_ERR_MESSAGE_TOO_LARGE,
 * WK_ERR_CONNECTION_RESET…, or WK_ERR_CLOSED with the close code). Subscribed to a closed
 * connection, it ends at once the same way. Unsubscribing removes its listeners.
 *
 * @example
 * ```ts
 * messages$(connection).subscribe({ next: (message) => render(message), error: (error) => show(error.code) });
 * ```
 */
export function messages$(connection: Connection): Observable<Message> {
  return new Observable<Message>((subscriber) => {
    let seen: WireKitError | null = null;
    const end = (info: CloseInfo): void => {
      if (info.wasClean) subscriber.complete();
      else subscriber.error(failureOf(connection, seen, info));
    };
    if (connection.state === 'closed') {
      void connection.closed.then(end);
      return undefined;
    }
    const offs = [
      connection.on('message', (message) => subscriber.next(message)),
      connection.on('error', (error) => (seen ??= error)),
      connection.on('close', end),
    ];
    return () => {
      for (const off of offs) off();
    };
  });
}

/** The Text messages of {@link messages$}, as strings. */
export function textMessages$(connection: Connection): Observable<string> {
  return messages$(connection).pipe(filter((message): message is string => typeof message === 'string'));
}

/** The Binary messages of {@link messages$}, as Uint8Arrays. */
export function binaryMessages$(connection: Connection): Observable<Uint8Array> {
  return messages$(connection).pipe(filter((message): message is Uint8Array => message instanceof Uint8Array));
}

/**
 * {@link messages$} decoded with a core `Codec`. A message the codec cannot decode ends the
 * stream with WK_ERR_DECODE (the connection stays open; use `retry` or core's CodecService to
 * skip bad messages instead).
 */
export function decoded$<T>(connection: Connection, codec: Codec<T>): Observable<T> {
  return messages$(connection).pipe(
    map((message) => {
      try {
        return codec.decode(message);
      } catch (error) {
        throw new WireKitError('WK_ERR_DECODE', `a message could not be decoded: ${toWireKitError(error).message}`, { cause: error });
      }
    }),
  );
}

/** {@link decoded$} with core's JSON codec; the type is an unchecked cast, as `JSON.parse`'s. */
export function json$<T = unknown>(connection: Connection): Observable<T> {
  return decoded$(connection, jsonCodec as Codec<T>);
}

/**
 * The seed's `listenPipe`: every message as a success and the failure, if any, as a last
 * {@link Result} — a stream that never errors, completing when the connection closes.
 */
export function messageResults$(connection: Connection): Observable<Result<Message>> {
  return messages$(connection).pipe(
    map((value): Result<Message> => ({ kind: 'success', value })),
    catchError((error: unknown) => of<Result<Message>>({ kind: 'failure', error: toWireKitError(error) })),
  );
}
