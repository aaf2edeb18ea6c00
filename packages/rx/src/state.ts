import type { CloseInfo, Connection, ConnectionState, WireKitError } from '@wirekit/core';
import { Observable } from 'rxjs';
import { failureOf } from './result.js';

/**
 * The state of a connection: the current one at subscription (as a Combine
 * `CurrentValueSubject`), then every change; completes after `closed`. Never errors.
 */
export function state$(connection: Connection): Observable<ConnectionState> {
  return new Observable<ConnectionState>((subscriber) => {
    subscriber.next(connection.state);
    if (connection.state === 'closed') {
      subscriber.complete();
      return undefined;
    }
    const off = connection.on('state', (state) => {
      subscriber.next(state);
      if (state === 'closed') subscriber.complete();
    });
    return off;
  });
}

/** An event of {@link lifecycle$}: the seed's `ConnectionState` enum (`opened`, `closed`, `failed(Error)`). */
export type LifecycleEvent = { readonly kind: 'opened' } | { readonly kind: 'closed'; readonly info: CloseInfo } | { readonly kind: 'failed'; readonly error: WireKitError; readonly info: CloseInfo };

/**
 * The seed's `connectionPipe`: `opened` (at once when subscribed to an open connection, or when it
 * opens), then `closed` after a clean close or `failed` with the error otherwise; then completes.
 */
export function lifecycle$(connection: Connection): Observable<LifecycleEvent> {
  return new Observable<LifecycleEvent>((subscriber) => {
    let seen: WireKitError | null = null;
    const end = (info: CloseInfo): void => {
      subscriber.next(info.wasClean ? { kind: 'closed', info } : { kind: 'failed', error: failureOf(connection, seen, info), info });
      subscriber.complete();
    };
    if (connection.state === 'closed') {
      void connection.closed.then(end);
      return undefined;
    }
    if (connection.state === 'open' || connection.state === 'closing') subscriber.next({ kind: 'opened' });
    const offs = [
      connection.on('open', () => subscriber.next({ kind: 'opened' })),
      connection.on('error', (error) => (seen ??= error)),
      connection.on('close', end),
    ];
    return () => {
      for (const off of offs) off();
    };
  });
}

/** Every `error` event of a connection while subscribed; completes when it closes. */
export function errors$(connection: Connection): Observable<WireKitError> {
  return new Observable<WireKitError>((subscriber) => {
    if (connection.state === 'closed') {
      subscriber.complete();
      return undefined;
    }
    const offs = [connection.on('error', (error) => subscriber.next(error)), connection.on('close', () => subscriber.complete())];
    return () => {
      for (const off of offs) off();
    };
  });
}
