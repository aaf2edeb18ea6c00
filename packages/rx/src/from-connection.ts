import type { Connection, ConnectionFactory, ConnectOptions } from '@wirekit/core';
import { Observable } from 'rxjs';

/**
 * Connects when subscribed, with any transport's `connect`, and emits the open connection;
 * unsubscribing aborts a connect in progress or closes the connection (1000), as rxjs's
 * `webSocket` opens on the first subscription and closes on the last. It completes when the
 * connection closes, and errors with the connect's WireKitError; `retry` reconnects.
 *
 * @example
 * ```ts
 * fromConnection(connect, 'wss://example.com/chat').pipe(switchMap((connection) => messages$(connection)), retry({ delay: 1000 }));
 * ```
 */
export function fromConnection(factory: ConnectionFactory, url: string | URL, options: ConnectOptions = {}): Observable<Connection> {
  return new Observable<Connection>((subscriber) => {
    const abort = new AbortController();
    const outer = options.signal;
    const onOuterAbort = (): void => abort.abort(outer?.reason);
    if (outer?.aborted === true) abort.abort(outer.reason);
    else outer?.addEventListener('abort', onOuterAbort, { once: true });
    let connection: Connection | null = null;
    let stopped = false;
    let pending: Promise<Connection>;
    try {
      pending = factory(url, { ...options, signal: abort.signal });
    } catch (error) {
      subscriber.error(error);
      return undefined;
    }
    pending.then(
      (opened) => {
        if (stopped) {
          void opened.close().catch(() => undefined);
          return;
        }
        connection = opened;
        subscriber.next(opened);
        void opened.closed.then(() => subscriber.complete());
      },
      (error: unknown) => subscriber.error(error),
    );
    return () => {
      stopped = true;
      outer?.removeEventListener('abort', onOuterAbort);
      if (connection === null) abort.abort();
      else if (connection.state === 'open') void connection.close().catch(() => undefined);
    };
  });
}
