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
}

interface TimerHandle {
  unref?(): unknown;
}

/**
 * The platform's clock: `performance.now()` (monotonic, sub-millisecond, so RTTs are not
 * skewed by wall-clock changes; `Date.now()` where it is missing) and `globalThis.setTimeout`.
 * Timers are `unref`'d where the platform supports it (Node), so that a pending close or
 * keep-alive timer never keeps a process alive on its own.
 */
export const systemClock: Clock = {
  now: () => (typeof globalThis.performance?.now === 'function' ? globalThis.performance.now() : Date.now()),
  setTimeout: (fn, ms) => {
    const handle = globalThis.setTimeout(fn, ms) as unknown as TimerHandle;
    if (typeof handle === 'object' && handle !== null && typeof handle.unref === 'function') handle.unref();
    return handle;
  },
  clearTimeout: (handle) => globalThis.clearTimeout(handle as Parameters<typeof globalThis.clearTimeout>[0]),
};
