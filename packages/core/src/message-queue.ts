import type { Message } from './connection.js';
import type { WireKitError } from './wirekit-error.js';

type Waiter = { readonly resolve: (message: Message) => void; readonly reject: (error: WireKitError) => void };

/** What ends a queue: the error, or how to build it when first needed (an error's stack trace costs ~20 µs, wasted on a close nobody pulls after). */
export type Ending = WireKitError | (() => WireKitError);

/** What a queued message costs: its bytes, or its UTF-16 code units for text (what V8 keeps, at most). */
export function messageSize(message: Message): number {
  return message.length;
}

/**
 * The pull side of a connection: `receive()` and `for await`. A message that arrives with a
 * receive() pending goes to it; otherwise it is queued for the next one. One queue for every
 * Connection of WireKit: core's, the adapter's and the browser task's.
 *
 * Once pulling is in use (receive() or an iterator was used at least once), every message is
 * queued until read; before that, only while nobody listens to `message` events. The queue
 * counts its bytes ({@link bytes}) and calls `onTake` when a message leaves it, so that the
 * connection can pause reading while it is full (see BaseConnection).
 */
export class MessageQueue {
  /** Queued messages from `head` on; slots before it are cleared, so that read messages can be collected. */
  private items: Array<Message | undefined> = [];
  private head = 0;
  private queuedBytes = 0;
  private readonly waiters: Waiter[] = [];
  private ended: Ending | null = null;
  private pulling = false;
  private handingOver = false;

  constructor(private readonly onTake: () => void = () => undefined) {}

  /** Messages waiting for a receive(). */
  get size(): number {
    return this.items.length - this.head;
  }

  /** The size of the queued messages (see {@link messageSize}). */
  get bytes(): number {
    return this.queuedBytes;
  }

  /** Whether receive() or an iterator has been used. */
  get isPulling(): boolean {
    return this.pulling;
  }

  startPulling(): void {
    this.pulling = true;
  }

  /**
   * Offers a message; `hasListeners` tells whether a `message` event listener will get it.
   * After the end it is still queued: the connection hands over messages it held for a consumer.
   */
  push(message: Message, hasListeners: boolean): void {
    const waiter = this.waiters.shift();
    if (waiter !== undefined) waiter.resolve(message);
    else if (this.pulling || !hasListeners) {
      this.items.push(message);
      this.queuedBytes += messageSize(message);
    }
  }

  /**
   * Hands the queued messages to `deliver`, in order, while nobody pulls: what a connection
   * does when its first `message` listener arrives and messages were queued for lack of any
   * consumer, so that they go to that first consumer, as if it had been there (issue 17).
   */
  drainTo(deliver: (message: Message) => void): void {
    while (!this.pulling && this.size > 0) deliver(this.take());
  }

  /**
   * {@link drainTo} on a microtask, once however often it is asked before it runs: what a
   * connection calls when a `message` listener is added, so that on() returns (and its
   * remover exists) before the listener gets the held messages.
   */
  handOver(deliver: (message: Message) => void): void {
    if (this.pulling || this.size === 0 || this.handingOver) return;
    this.handingOver = true;
    queueMicrotask(() => {
      this.handingOver = false;
      this.drainTo(deliver);
    });
  }

  /** The next message; queued messages are still delivered after the end, then `error` rejects. */
  receive(): Promise<Message> {
    this.pulling = true;
    if (this.size > 0) return Promise.resolve(this.take());
    if (this.ended !== null) return Promise.reject(this.endError());
    return new Promise((resolve, reject) => this.waiters.push({ resolve, reject }));
  }

  /** No more messages will come: pending and later receive() calls reject with `error` (built once, when first needed). */
  end(error: Ending): void {
    if (this.ended !== null) return;
    this.ended = error;
    if (this.waiters.length === 0) return;
    const ending = this.endError();
    for (const waiter of this.waiters.splice(0)) waiter.reject(ending);
  }

  /** The ending error, built now if it was lazy; the same object every time. */
  private endError(): WireKitError {
    if (typeof this.ended === 'function') this.ended = this.ended();
    return this.ended!;
  }

  /**
   * An iterator over the messages, ending (done) when the queue has ended, whatever ended it
   * (WK_ERR_CLOSED, or the error a server shutdown gives). Breaking out of a `for await` stops
   * this iterator only; the connection stays open.
   */
  iterator(): AsyncIterator<Message> {
    this.pulling = true;
    let finished = false;
    return {
      next: async (): Promise<IteratorResult<Message>> => {
        if (finished) return { done: true, value: undefined };
        try {
          return { done: false, value: await this.receive() };
        } catch (error) {
          finished = true;
          if (error === this.ended) return { done: true, value: undefined };
          throw error;
        }
      },
      return: (): Promise<IteratorResult<Message>> => {
        finished = true;
        return Promise.resolve({ done: true, value: undefined });
      },
    };
  }

  /** Removes the first message (O(1); the array is compacted once half of it is spent). */
  private take(): Message {
    const message = this.items[this.head]!;
    this.items[this.head] = undefined;
    this.head++;
    if (this.head === this.items.length) {
      this.items = [];
      this.head = 0;
    } else if (this.head >= 1024 && this.head * 2 >= this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    this.queuedBytes -= messageSize(message);
    this.onTake();
    return message;
  }
}
