/**
 * The source of time and timers for everything in core that waits (close timeouts, connect
 * timeouts, keep-alive, ping round trips), injected so that tests can drive time by hand
 * (STYLE.md §10) and nothing reads `Date.now` or calls `setTimeout` directly.
 */
export interface Clock {
  /** Milliseconds from an arbitrary origin; only differences are meaningful. */
  now(): number;
  /** Runs `fn` once after `ms` milliseconds; returns a handle for {@link Clock.clearTimeout}. */
  setTimeout(fn: () => void, ms: number): unknown;
  /** Cancels a timer; a handle that already fired or was cleared is ignored. */
  clearTimeout(handle: unknown): void;
  /**
   * Runs `fn` once on the next turn of the event loop: after every microtask (and Node's
   * `process.nextTick`) queued before it, with no minimum delay; returns a handle for
   * {@link Clock.cancelTurn}. Optional, with `cancelTurn`: a clock without them gets
   * `setTimeout(fn, 0)`, which Node makes at least 1 ms (see {@link nextTurn}).
   */
  nextTurn?(fn: () => void): unknown;
  /** Cancels a {@link Clock.nextTurn}; a handle that already ran or was cancelled is ignored. */
  cancelTurn?(handle: unknown): void;
}

interface TimerHandle {
  unref?(): unknown;
}

type Immediate = (fn: () => void) => unknown;
const platform = globalThis as { setImmediate?: Immediate; clearImmediate?: (handle: unknown) => void };
// setImmediate (Node, Bun) runs in the turn's check phase, before any timer, where Node's
// setTimeout(fn, 0) waits at least 1 ms: what a client that echoes right after connect waits.
const immediate = typeof platform.setImmediate === 'function' && typeof platform.clearImmediate === 'function' ? { set: platform.setImmediate, clear: platform.clearImmediate } : null;

/**
 * The platform's clock: `performance.now()` (monotonic, sub-millisecond, so RTTs are not
 * skewed by wall-clock changes; `Date.now()` where it is missing) and `globalThis.setTimeout`.
 * Timers are `unref`'d where the platform supports it (Node), so that a pending close or
 * keep-alive timer never keeps a process alive on its own. Its next turn is `setImmediate`
 * where there is one (Node, Bun), else `setTimeout(fn, 0)` (browsers, Deno).
 */
export const systemClock: Clock = {
  now: () => (typeof globalThis.performance?.now === 'function' ? globalThis.performance.now() : Date.now()),
  setTimeout: (fn, ms) => {
    const handle = globalThis.setTimeout(fn, ms) as unknown as TimerHandle;
    if (typeof handle === 'object' && handle !== null && typeof handle.unref === 'function') handle.unref();
    return handle;
  },
  clearTimeout: (handle) => globalThis.clearTimeout(handle as Parameters<typeof globalThis.clearTimeout>[0]),
  ...(immediate === null ? {} : { nextTurn: (fn: () => void) => immediate.set(fn), cancelTurn: (handle: unknown) => immediate.clear(handle) }),
};

/**
 * Runs `fn` on `clock`'s next turn ({@link Clock.nextTurn}), or after a 0 ms timer of a clock
 * that has none; cancel it with {@link cancelTurn}.
 */
export function nextTurn(clock: Clock, fn: () => void): unknown {
  return clock.nextTurn !== undefined && clock.cancelTurn !== undefined ? clock.nextTurn(fn) : clock.setTimeout(fn, 0);
}

/** Cancels what {@link nextTurn} scheduled on the same `clock`. */
export function cancelTurn(clock: Clock, handle: unknown): void {
  if (clock.nextTurn !== undefined && clock.cancelTurn !== undefined) clock.cancelTurn(handle);
  else clock.clearTimeout(handle);
}
