import { WireKitUsageError } from '@wirekit/protocol';

/**
 * Default number of zlib jobs (one message inflated or deflated) that may run at once across
 * every connection sharing a limiter. 10, as `ws`: zlib runs on libuv's thread pool, which has
 * 4 threads by default, so more concurrency buys no throughput, while each running inflate may
 * hold up to `maxMessageSize` of output. Ten jobs keep the pool busy and bound that memory.
 */
export const DEFAULT_ZLIB_CONCURRENCY = 10;

/**
 * Bounds how many zlib jobs run at once; the others wait, first come first served. One limiter
 * is shared by every connection by default ({@link sharedZlibLimiter}), so ten thousand
 * connections compressing at once cannot exhaust memory or starve the thread pool.
 */
export class ZlibLimiter {
  readonly concurrency: number;
  private active = 0;
  private readonly waiting: Array<() => void> = [];

  /**
   * @param concurrency jobs allowed at once; defaults to {@link DEFAULT_ZLIB_CONCURRENCY}.
   * @throws {WireKitUsageError} WK_ERR_INVALID_ARGUMENT unless a positive integer.
   */
  constructor(concurrency: number = DEFAULT_ZLIB_CONCURRENCY) {
    if (!Number.isInteger(concurrency) || concurrency < 1) {
      throw new WireKitUsageError('WK_ERR_INVALID_ARGUMENT', `concurrency must be a positive integer, got ${String(concurrency)}`);
    }
    this.concurrency = concurrency;
  }

  /** Jobs running now. */
  get running(): number {
    return this.active;
  }

  /** Jobs waiting for a slot. */
  get pending(): number {
    return this.waiting.length;
  }

  /** Runs `job` once a slot is free; the slot is released when its promise settles, whatever the outcome. */
  async run<T>(job: () => Promise<T>): Promise<T> {
    if (this.active >= this.concurrency) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.active++;
    try {
      return await job();
    } finally {
      // The slot passes straight to the next waiter, so `active` never dips below the bound.
      const next = this.waiting.shift();
      if (next !== undefined) next();
      else this.active--;
    }
  }
}

/** The limiter every permessage-deflate extension uses unless given its own. */
export const sharedZlibLimiter = new ZlibLimiter();
