import { WireKitUsageError } from '@wirekit/protocol';
import type { Clock } from './clock.js';
import type { CloseInfo, ConnectOptions } from './connection.js';
import type { KeepAliveOptions } from './keep-alive.js';
import type { WireKitError } from './wirekit-error.js';

/**
 * Why a link of a {@link ReconnectingConnection} ended, as the `shouldReconnect` predicate sees
 * it: an open connection that closed, or a connect attempt that failed.
 */
export type ReconnectCause =
  | { readonly kind: 'closed'; readonly info: CloseInfo; readonly error: WireKitError | null }
  | { readonly kind: 'failed'; readonly error: WireKitError };

/**
 * What a {@link ReconnectingConnection} does with a message sent while it is not open:
 * - `'queue'`: keep it in the outbox until the bound is reached, then reject new sends with
 *   WK_ERR_OUTBOX_FULL;
 * - `'reject'`: reject at once with WK_ERR_NOT_OPEN (no outbox), as a plain connection does;
 * - `'drop-oldest'`: keep it, and when the bound is reached drop the oldest queued message,
 *   emitting `dropped` with it and rejecting its send with WK_ERR_OUTBOX_FULL.
 */
export type OutboxPolicy = 'queue' | 'reject' | 'drop-oldest';

/** The outbox of a {@link ReconnectingConnection}: messages sent while disconnected, flushed in order on reconnect. */
export interface OutboxOptions {
  /** Defaults to `'queue'`: nothing is lost unless the caller asks for it, and a full outbox is reported. */
  readonly policy?: OutboxPolicy;
  /**
   * Most messages held. Defaults to 1 000: enough for a chat or telemetry client to ride out a
   * server restart, small enough that a long outage cannot grow memory without bound.
   */
  readonly maxMessages?: number;
  /**
   * Most payload bytes held (UTF-8 bytes for text). Defaults to 1 MiB, for the same reason; a
   * single message larger than this is refused whatever the policy.
   */
  readonly maxBytes?: number;
}

/** Options of {@link reconnecting}. Every default says why. */
export interface ReconnectPolicy {
  /**
   * ms before the first retry. Defaults to 500: a restarting server is usually back within a
   * second, and with jitter even 10 000 clients spread their first retry over 250–500 ms.
   */
  readonly initialDelay?: number;
  /** ms the delay never exceeds. Defaults to 30 000, so a long outage is retried twice a minute. */
  readonly maxDelay?: number;
  /** Factor between successive delays. Defaults to 2 (exponential backoff). */
  readonly multiplier?: number;
  /**
   * Fraction of each delay that is random, in [0, 1]: the delay is `base × (1 − jitter × random())`.
   * Defaults to 0.5 ("equal jitter"), so that clients dropped together do not retry together
   * (a thundering herd on the server coming back) while each still waits at least half the base.
   * 1 is AWS's "full jitter".
   */
  readonly jitter?: number;
  /**
   * Attempts in a row (since the last open connection) before giving up. Defaults to Infinity:
   * a client meant to stay connected keeps trying, and the backoff bounds the cost. Set it for
   * batch jobs and tests.
   */
  readonly maxRetries?: number;
  /**
   * ms each connect attempt (connect + opening handshake) may take before it is abandoned as
   * WK_ERR_CONNECT_TIMEOUT. Defaults to 10 000, shorter than a single connect's 30 000: a
   * stalled attempt (a SYN into a failed-over address) should give way to a fresh one.
   */
  readonly connectTimeout?: number;
  /** Close codes to reconnect on beyond the defaults (e.g. an application's own `4000` "try again"). */
  readonly reconnectOnCodes?: readonly number[];
  /** Replaces the default decision (see {@link defaultShouldReconnect}). Not asked after close(). */
  readonly shouldReconnect?: (cause: ReconnectCause) => boolean;
  readonly outbox?: OutboxOptions;
  /** Keep-alive for each link (pings, and a dead link terminated with WK_ERR_PING_TIMEOUT then reconnected). Off by default. */
  readonly keepAlive?: KeepAliveOptions;
  /** Options passed to the factory for each attempt (`signal` and `connectTimeout` are the policy's own). */
  readonly connectOptions?: Omit<ConnectOptions, 'signal' | 'connectTimeout'>;
  /** Uniform random numbers in [0, 1) for the jitter; defaults to `Math.random` (jitter needs no cryptographic quality). */
  readonly random?: () => number;
  /** Time and timers; defaults to {@link systemClock}. */
  readonly clock?: Clock;
}

/**
 * Close codes after which the default policy reconnects: the server going away (1001), the
 * connection dropping without a Close frame (1006), and the server-side conditions that invite
 * a retry (1011 internal error, 1012 service restart, 1013 try again later, 1014 bad gateway).
 * Not 1000 (a deliberate normal close), 1002/1003/1007/1009/1010 (the peer refused what we
 * sent; retrying sends it again), 1008 (policy violation: retrying will not change the
 * verdict), nor 4000–4999 (the application's own, unknown to WireKit) unless listed in
 * `reconnectOnCodes`.
 */
export const RECONNECT_CLOSE_CODES: readonly number[] = [1001, 1006, 1011, 1012, 1013, 1014];

/** Failed attempts worth retrying: the network or the server may come back. */
const RETRY_ERRORS: ReadonlySet<string> = new Set([
  'WK_ERR_CONNECTION_REFUSED',
  'WK_ERR_CONNECTION_RESET',
  'WK_ERR_HOST_UNREACHABLE',
  'WK_ERR_CONNECT_TIMEOUT',
  'WK_ERR_DNS',
  'WK_ERR_TRANSPORT',
  'WK_ERR_CLOSED',
]);

/**
 * The default `shouldReconnect`: after a close, whether its code is in
 * {@link RECONNECT_CLOSE_CODES} or `extraCodes`; after a failed attempt, whether the error is a
 * transport failure (refused, reset, unreachable, timeout, DNS) or a handshake refused with
 * 429 or 5xx (an overloaded or restarting server, a proxy whose upstream is down). Not after
 * TLS failures (a certificate does not fix itself), an abort, a usage error or any other
 * handshake failure (the same request would fail the same way).
 */
export function defaultShouldReconnect(cause: ReconnectCause, extraCodes: readonly number[] = []): boolean {
  if (cause.kind === 'closed') return RECONNECT_CLOSE_CODES.includes(cause.info.code) || extraCodes.includes(cause.info.code);
  const { error } = cause;
  if (error.code === 'WK_ERR_HANDSHAKE_STATUS') return error.status === 429 || (error.status !== undefined && error.status >= 500);
  return RETRY_ERRORS.has(error.code);
}

/** What {@link backoffDelay} needs: the policy's backoff fields, resolved. */
export interface BackoffOptions {
  readonly initialDelay: number;
  readonly maxDelay: number;
  readonly multiplier: number;
  readonly jitter: number;
  readonly random: () => number;
}

/** The policy with every default applied and checked. */
export interface ResolvedPolicy extends BackoffOptions {
  readonly maxRetries: number;
  readonly connectTimeout: number;
  readonly outbox: Required<OutboxOptions>;
  readonly shouldReconnect: (cause: ReconnectCause) => boolean;
}

/**
 * Applies the defaults of {@link ReconnectPolicy} and checks every number.
 * @throws {WireKitUsageError} WK_ERR_INVALID_ARGUMENT for a negative, non-numeric or out-of-range value or an unknown outbox policy.
 */
export function resolvePolicy(policy: ReconnectPolicy): ResolvedPolicy {
  const extraCodes = policy.reconnectOnCodes ?? [];
  const resolved: ResolvedPolicy = {
    initialDelay: policy.initialDelay ?? 500,
    maxDelay: policy.maxDelay ?? 30_000,
    multiplier: policy.multiplier ?? 2,
    jitter: policy.jitter ?? 0.5,
    maxRetries: policy.maxRetries ?? Number.POSITIVE_INFINITY,
    connectTimeout: policy.connectTimeout ?? 10_000,
    outbox: {
      policy: policy.outbox?.policy ?? 'queue',
      maxMessages: policy.outbox?.maxMessages ?? 1_000,
      maxBytes: policy.outbox?.maxBytes ?? 1024 * 1024,
    },
    shouldReconnect: policy.shouldReconnect ?? ((cause) => defaultShouldReconnect(cause, extraCodes)),
    random: policy.random ?? (() => Math.random()),
  };
  const checks: Array<[string, number, boolean]> = [
    ['initialDelay', resolved.initialDelay, resolved.initialDelay >= 0],
    ['maxDelay', resolved.maxDelay, resolved.maxDelay >= resolved.initialDelay],
    ['multiplier', resolved.multiplier, resolved.multiplier >= 1],
    ['jitter', resolved.jitter, resolved.jitter >= 0 && resolved.jitter <= 1],
    ['maxRetries', resolved.maxRetries, resolved.maxRetries >= 0],
    ['connectTimeout', resolved.connectTimeout, resolved.connectTimeout > 0],
    ['outbox.maxMessages', resolved.outbox.maxMessages, resolved.outbox.maxMessages >= 0],
    ['outbox.maxBytes', resolved.outbox.maxBytes, resolved.outbox.maxBytes >= 0],
  ];
  for (const [name, value, ok] of checks) {
    if (typeof value !== 'number' || Number.isNaN(value) || !ok) throw new WireKitUsageError('WK_ERR_INVALID_ARGUMENT', `reconnect policy: ${name} is out of range (${String(value)})`);
  }
  if (!['queue', 'reject', 'drop-oldest'].includes(resolved.outbox.policy)) {
    throw new WireKitUsageError('WK_ERR_INVALID_ARGUMENT', `reconnect policy: unknown outbox policy ${String(resolved.outbox.policy)}`);
  }
  return resolved;
}

/**
 * The delay before attempt `attempt` (1 for the first retry): `initialDelay × multiplier^(attempt−1)`,
 * capped at `maxDelay`, then reduced by up to `jitter` of itself at random.
 */
export function backoffDelay(attempt: number, policy: BackoffOptions): number {
  const base = Math.min(policy.maxDelay, policy.initialDelay * policy.multiplier ** Math.max(0, attempt - 1));
  const sample = Math.min(Math.max(policy.random(), 0), 1);
  return Math.round(base * (1 - policy.jitter * sample));
}
