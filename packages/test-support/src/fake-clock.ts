/**
 * A clock driven by hand, for the timers of keep-alive, reconnect and connect timeouts. It has
 * the shape of @wirekit/core's `Clock` without importing core, so that core's own tests can use
 * it without a dependency cycle (TypeScript checks the shape where a `Clock` is expected).
 */
export class FakeClock {
  private time = 0;
  private nextId = 1;
  private readonly timers = new Map<number, { at: number; fn: () => void }>();

  now(): number {
    return this.time;
  }

  setTimeout(fn: () => void, ms: number): unknown {
    const id = this.nextId++;
    this.timers.set(id, { at: this.time + ms, fn });
    return id;
  }

  clearTimeout(handle: unknown): void {
    this.timers.delete(handle as number);
  }

  /** core's `Clock.nextTurn`: a 0 ms timer here, run by the next advance() (advance(0) included), in order with the others. */
  nextTurn(fn: () => void): unknown {
    return this.setTimeout(fn, 0);
  }

  cancelTurn(handle: unknown): void {
    this.clearTimeout(handle);
  }

  /** Timers not yet run or cleared. */
  get pending(): number {
    return this.timers.size;
  }

  /** Moves time forward by `ms`, running every timer that falls due (and timers they set), in order. */
  advance(ms: number): void {
    const target = this.time + ms;
    for (;;) {
      let due: [number, { at: number; fn: () => void }] | undefined;
      for (const entry of this.timers) if (entry[1].at <= target && (due === undefined || entry[1].at < due[1].at)) due = entry;
      if (due === undefined) break;
      this.timers.delete(due[0]);
      this.time = due[1].at;
      due[1].fn();
    }
    this.time = target;
  }
}
