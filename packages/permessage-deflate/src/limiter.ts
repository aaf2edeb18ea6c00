import { WireKitUsageError } from '@wirekit/protocol';

/**
 * Default number of zlib jobs (one message inflated or deflated) that may run at once across
 * every connection sharing a limiter. 10, as `ws`: zlib runs on libuv's thread pool, which has
 * 4 threads by default, so more concurrency buys no throughput, while each running inflate may
 * hold up to `maxMessageSize` of output. Ten jobs keep the pool busy and bound that memory.
 */
export const DEFAULT_ZLIB_CONCURRENCY = 10;

/** The jobs of one owner (a connection) waiting for a slot, oldest first. */
interface OwnerQueue {
  readonly owner: object;
  readonly waiting: Array<() => void>;
}

/** The owner of jobs run without one. */
const ANONYMOUS = {};

/**
 * Bounds how many zlib jobs run at once; the others wait. One limiter is shared by every
 * connection by default ({@link sharedZlibLimiter}), so ten thousand connections compressing at
 * once cannot exhaust memory or starve the thread pool.
 *
 * Waiting jobs are served round-robin across their owners (one queue per connection, each
 * first come first served): a connection with a thousand messages to inflate takes one slot in
 * turn with every other connection, instead of making all of them wait behind its backlog.
 */
export class ZlibLimiter {
  readonly concurrency: number;
  private active = 0;
  private waitingCount = 0;
  /** Owners with waiting jobs, in the order they are served; `next` is the one whose turn it is. */
  private readonly owners: OwnerQueue[] = [];
  private readonly byOwner = new Map<object, OwnerQueue>();
  private next = 0;

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
    return this.waitingCount;
  }

  /**
   * Runs `job` once a slot is free and it is `owner`'s turn; the slot is released when its
   * promise settles, whatever the outcome.
   * @param owner whose job it is (a connection's codec): waiting jobs are served round-robin by owner.
   */
  async run<T>(job: () => Promise<T>, owner: object = ANONYMOUS): Promise<T> {
    if (this.active >= this.concurrency) await new Promise<void>((resolve) => this.enqueue(owner, resolve));
    else this.active++;
    try {
      return await job();
    } finally {
      // The slot passes straight to the next waiter, so `active` never dips below the bound.
      const next = this.dequeue();
      if (next !== undefined) next();
      else this.active--;
    }
  }

  private enqueue(owner: object, resume: () => void): void {
    let queue = this.byOwner.get(owner);
    if (queue === undefined) {
      queue = { owner, waiting: [] };
      this.byOwner.set(owner, queue);
      this.owners.push(queue);
    }
    queue.waiting.push(resume);
    this.waitingCount++;
  }

  private dequeue(): (() => void) | undefined {
    if (this.owners.length === 0) return undefined;
    if (this.next >= this.owners.length) this.next = 0;
    const queue = this.owners[this.next]!;
    const resume = queue.waiting.shift()!;
    this.waitingCount--;
    if (queue.waiting.length === 0) {
      this.owners.splice(this.next, 1);
      this.byOwner.delete(queue.owner);
    } else {
      this.next++;
    }
    return resume;
  }
}

/** The limiter every permessage-deflate extension uses unless given its own. */
export const sharedZlibLimiter = new ZlibLimiter();
