import { WireKitError, type Message } from '@wirekit/core';

type Waiter = { readonly resolve: (message: Message) => void; readonly reject: (error: WireKitError) => void };

/**
 * The pull side of an adapter connection: `receive()` and `for await`, with the semantics of
 * core's connections. A message that arrives while a receive() waits goes to it; otherwise it is
 * queued. So that event-only users never grow the queue, a message is queued only once pulling
 * has been used, or while nobody listens to `message` events.
 */
export class Inbox {
  private readonly items: Message[] = [];
  private readonly waiters: Waiter[] = [];
  private ended: WireKitError | null = null;
  private pulling = false;

  /** Messages waiting for a receive(). */
  get size(): number {
    return this.items.length;
  }

  /** Offers a message; `hasListeners` tells whether a `message` listener gets it anyway. */
  push(message: Message, hasListeners: boolean): void {
    if (this.ended !== null) return;
    const waiter = this.waiters.shift();
    if (waiter !== undefined) waiter.resolve(message);
    else if (this.pulling || !hasListeners) this.items.push(message);
  }

  /** The next message; queued messages are still delivered after the end, then it rejects with the end's error. */
  receive(): Promise<Message> {
    this.pulling = true;
    if (this.items.length > 0) return Promise.resolve(this.items.shift()!);
    if (this.ended !== null) return Promise.reject(this.ended);
    return new Promise((resolve, reject) => this.waiters.push({ resolve, reject }));
  }

  /** No more messages will come: waiting and later receive() calls reject with `error`. */
  end(error: WireKitError): void {
    if (this.ended !== null) return;
    this.ended = error;
    for (const waiter of this.waiters.splice(0)) waiter.reject(error);
  }

  /**
   * An iterator over the messages: done when the inbox ends with WK_ERR_CLOSED, throwing any
   * other ending error. Breaking out of a `for await` stops the iterator, not the connection.
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
