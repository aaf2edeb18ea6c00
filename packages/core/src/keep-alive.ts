import { WireKitUsageError } from '@wirekit/protocol';
import { systemClock, type Clock } from './clock.js';
import type { Connection } from './connection.js';
import { WireKitError } from './wirekit-error.js';

/** Options of {@link keepAlive}. */
export interface KeepAliveOptions {
  /**
   * ms between pings. Defaults to 30 000: under the 60 s idle timeout common to NATs, load
   * balancers and proxies (nginx's `proxy_read_timeout`, AWS ALB), so an idle connection is
   * never dropped silently by the path.
   */
  readonly interval?: number;
  /**
   * ms a ping may wait for its pong before the peer is declared gone. Defaults to 10 000:
   * generous for a round trip, yet a dead peer is noticed within interval + 10 s.
   */
  readonly timeout?: number;
  /** Time and timers; defaults to {@link systemClock}. */
  readonly clock?: Clock;
  /**
   * Told when the connection stops or starts being viable, as NWConnection's
   * `viabilityUpdateHandler`: false when a ping is still unanswered at the next interval
   * (the path is stalled, though not yet given up), true when the late pong arrives.
   * Called on changes only; the connection starts viable.
   */
  readonly viability?: (viable: boolean) => void;
}

/**
 * Keeps a connection alive and checks that its peer is: pings every `interval`, and when a pong
 * takes longer than `timeout`, reports WK_ERR_PING_TIMEOUT through the connection's `error`
 * event and terminates it (closed with 1006). Stops by itself when the connection closes.
 *
 * @returns a function that stops the keep-alive.
 * @throws {WireKitUsageError} WK_ERR_INVALID_ARGUMENT for a non-positive interval or timeout.
 */
export function keepAlive(connection: Connection, options: KeepAliveOptions = {}): () => void {
  const interval = options.interval ?? 30_000;
  const timeout = options.timeout ?? 10_000;
  const clock = options.clock ?? systemClock;
  if (!(interval > 0) || !(timeout > 0)) throw new WireKitUsageError('WK_ERR_INVALID_ARGUMENT', 'keepAlive interval and timeout must be positive numbers of ms');
  let stopped = false;
  let viable = true;
  let outstanding = false;
  let tick: unknown = null;
  let deadline: unknown = null;

  const setViable = (value: boolean): void => {
    if (value === viable) return;
    viable = value;
    options.viability?.(value);
  };
  const stop = (): void => {
    if (stopped) return;
    stopped = true;
    offClose();
    if (tick !== null) clock.clearTimeout(tick);
    if (deadline !== null) clock.clearTimeout(deadline);
  };
  const schedule = (): void => {
    tick = clock.setTimeout(beat, interval);
  };
  const beat = (): void => {
    tick = null;
    if (stopped) return;
    if (connection.state !== 'open') return stop();
    if (outstanding) {
      setViable(false);
      return schedule();
    }
    outstanding = true;
    const answered = connection.ping();
    deadline = clock.setTimeout(() => {
      deadline = null;
      if (stopped || !outstanding) return;
      setViable(false);
      stop();
      connection.terminate(new WireKitError('WK_ERR_PING_TIMEOUT', `no pong within ${timeout} ms`));
    }, timeout);
    answered.then(
      () => {
        outstanding = false;
        if (deadline !== null) clock.clearTimeout(deadline);
        deadline = null;
        if (!stopped) setViable(true);
      },
      () => stop(),
    );
    schedule();
  };
  const offClose = connection.on('close', stop);
  schedule();
  return stop;
}
