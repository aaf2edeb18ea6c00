import type { CloseInfo, Connection, ConnectionEvents, Message } from './connection.js';
import type { ReconnectCause } from './reconnect-policy.js';
import type { WireKitError } from './wirekit-error.js';

/** The `reconnecting` event: a new attempt is scheduled after `delay` ms. */
export interface ReconnectAttempt {
  /** 1 for the first attempt since the link was lost (or since reconnect() was called). */
  readonly attempt: number;
  readonly delay: number;
  /** Why: the lost link or failed attempt, or null when reconnect() asked for it. */
  readonly cause: ReconnectCause | null;
}

/** The `give-up` event: the connection stopped trying and is closed until {@link ReconnectingConnection.reconnect}. */
export interface ReconnectGiveUp {
  /** Retries made since the last open link. */
  readonly attempts: number;
  /** `'not-retryable'` when shouldReconnect said no, `'max-retries'` when the retries ran out. */
  readonly reason: 'not-retryable' | 'max-retries';
  readonly cause: ReconnectCause;
  /** The last error (of the failed attempt, or of the lost link), or null after a close without one. */
  readonly error: WireKitError | null;
}

/** The events of a {@link ReconnectingConnection}: those of every Connection, plus its own. */
export interface ReconnectingConnectionEvents extends ConnectionEvents {
  /** Each new link, once open (for per-link setup; keep-alive is the `keepAlive` option). */
  connection: [connection: Connection];
  /** An open link ended; `reconnecting` or `give-up` follows. */
  disconnect: [info: CloseInfo, error: WireKitError | null];
  reconnecting: [attempt: ReconnectAttempt];
  /** A link opened again after one was lost (not for the first open). */
  reconnected: [event: { readonly attempt: number; readonly connection: Connection }];
  'give-up': [event: ReconnectGiveUp];
  /** A message dropped from the outbox by the `'drop-oldest'` policy; its send() rejected WK_ERR_OUTBOX_FULL. */
  dropped: [data: Message];
}
