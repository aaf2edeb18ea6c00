import type { Message } from './connection.js';
import { WireKitError } from './wirekit-error.js';

type Waiter = { readonly resolve: (message: Message) => void; readonly reject: (error: WireKitError) => void };

/**
 * The pull side of a connection: `receive()` and `for await`. A message that arrives with a
 * receive() pending goes to it; otherwise it is queued for the next one.
 *
 * The queue is unbounded (as URLSessionWebSocketTask's): a reader that stops pulling lets it
 * grow. So that event-only users never grow it, a message is queued only while pulling is in
 * use (receive() or an iterator was used at least once) or while nobody listens to `message`
 * events; once a connection is pulled from, every later message is queued until read.
 */
export class MessageQueue {
  private readonly items: Message[] = [];
  private readonly waiters: Waiter[] = [];
  private ended: WireKitError | null = null;
  private pulling = false;

  /** Messages waiting for a receive(). */
  get size(): number {
    return this.items.length;
  }

  /** Offers a message; `hasListeners` tells whether a `message` event listener will get it. */
  push(message: Message, hasListeners: boolean): void {
    if (this.ended !== null) return;
    const waiter = this.waiters.shift();
    if (waiter !== undefined) waiter.resolve(message);
    else if (this.pulling || !hasListeners) this.items.push(message);
  }

  /** The next message; queued messages are still delivered after the end, then `error` rejects. */
  receive(): Promise<Message> {
    this.pulling = true;
    if (this.items.length > 0) return Promise.resolve(this.items.shift()!);
    if (this.ended !== null) return Promise.reject(this.ended);
    return new Promise((resolve, reject) => this.waiters.push({ resolve, reject }));
  }

  /** No more messages will come: pending and later receive() calls reject with `error`. */
  end(error: WireKitError): void {
    if (this.ended !== null) return;
    this.ended = error;
    for (const waiter of this.waiters.splice(0)) waiter.reject(error);
  }

  /**
   * An iterator over the messages, ending (done) when the queue ends with WK_ERR_CLOSED and
   * throwing any other ending error. Breaking out of a `for await` stops this iterator only;
   * the connection stays open.
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
          if (error instanceof WireKitError && error.code === 'WK_ERR_CLOSED') return { done: true, value: undefined };
          throw error;
        }
      },
      return: (): Promise<IteratorResult<Message>> => {
        finished = true;
        return Promise.resolve({ done: true, value: undefined });
      },
    };
  }
}
