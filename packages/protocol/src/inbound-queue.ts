/**
 * A received message that an extension decodes asynchronously: `start` runs the decode and
 * returns (now or later) what delivers its result; `bytes` is its size before decoding.
 */
export interface PendingDecode {
  readonly bytes: number;
  start(): (() => void) | Promise<() => void>;
}

type Slot = { ready: boolean; run: (() => void) | null; job: PendingDecode | null };

/**
 * The engine's inbound events while an extension decodes asynchronously (permessage-deflate):
 * events keep the order the frames came in, one message decodes at a time, and the next one
 * starts only while decoding is not held. The engine's owner holds it when the application
 * does not take messages as fast as they come (`receiveHighWaterMark` in core), so inflated
 * output waits as compressed input instead of growing in memory, and bytes still to decode
 * are reported ({@link backlog}) so that reading the transport pauses too.
 */
export class InboundQueue {
  private readonly slots: Slot[] = [];
  private flushing = false;
  private decoding = false;
  private held = false;
  /** Decodes queued and not started. */
  private waiting = 0;
  private bytes = 0;
  /** Bumped by cancel(), so that a decode in flight then finishes unheard. */
  private generation = 0;

  /** Bytes of received messages not decoded yet (waiting or decoding). */
  get backlog(): number {
    return this.bytes;
  }

  /** Whether an event may go out at once: nothing waits before it, or the queue is being emptied in order. */
  get passThrough(): boolean {
    return this.slots.length === 0 || this.flushing;
  }

  /** Whether a decode is running or waiting to start. */
  get busy(): boolean {
    return this.decoding || this.waiting > 0;
  }

  /** Whether nothing is queued or decoding. */
  get idle(): boolean {
    return this.slots.length === 0 && !this.decoding;
  }

  /** Whether a decode asked for now would start at once: nothing queued, nothing decoding, not held. */
  get free(): boolean {
    return this.idle && !this.held;
  }

  /** Queues an event behind the decodes before it. */
  event(run: () => void): void {
    this.slots.push({ ready: true, run, job: null });
  }

  /** Decodes a message now, or once the decodes before it are done and decoding is not held. */
  decode(job: PendingDecode): void {
    const slot: Slot = { ready: false, run: null, job };
    this.slots.push(slot);
    this.waiting++;
    this.bytes += job.bytes;
    this.startNext();
  }

  /** Holds (or releases) decoding: no new decode starts while held. */
  hold(held: boolean): void {
    this.held = held;
    if (!held) this.startNext();
  }

  /**
   * Drops the decodes: those not started never start, the one in flight is ignored. With
   * `keepEvents`, the events already queued (pings, pongs) are delivered now, in order, unless
   * the queue is being emptied (then the caller is one of its events, and what follows it is
   * dropped with the rest); without, everything queued is dropped.
   */
  cancel(keepEvents: boolean): void {
    this.generation++;
    this.waiting = 0;
    this.bytes = 0;
    this.decoding = false;
    const slots = this.slots;
    if (!keepEvents || this.flushing) {
      slots.length = 0;
      return;
    }
    const events = slots.filter((slot) => slot.ready);
    slots.length = 0;
    this.flushing = true;
    try {
      for (const slot of events) slot.run?.();
    } finally {
      this.flushing = false;
    }
  }

  private startNext(): void {
    while (!this.decoding && !this.held && this.waiting > 0) {
      const slot = this.slots.find((candidate) => candidate.job !== null)!;
      const job = slot.job!;
      slot.job = null;
      this.waiting--;
      const outcome = job.start();
      if (typeof outcome === 'function') {
        this.bytes -= job.bytes;
        this.settle(slot, outcome);
        continue;
      }
      this.decoding = true;
      const generation = this.generation;
      void outcome.then((run) => {
        if (generation !== this.generation) return;
        this.decoding = false;
        this.bytes -= job.bytes;
        this.settle(slot, run);
        this.startNext();
      });
    }
  }

  private settle(slot: Slot, run: () => void): void {
    slot.run = run;
    slot.ready = true;
    if (this.flushing) return;
    this.flushing = true;
    try {
      const slots = this.slots;
      while (slots[0]?.ready === true) slots.shift()!.run?.();
    } finally {
      this.flushing = false;
    }
  }
}
