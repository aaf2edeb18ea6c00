import { WireKitError, type Message } from '@wirekit/core';

type Waiter = { readonly resolve: (message: Message) => void; readonly reject: (error: WireKitError) => void };

/**
 * The pull side of the browser connection, with core's semantics (core keeps its own queue
 * private): a message goes to a pending receive(), otherwise it is kept for the next one while
 * pulling is in use or nobody listens to `message` events; after the end, what is kept is still
 * delivered, then receive() rejects with the end's error.
 */
export class PullQueue {
  private readonly items: Message[] = [];
  private readonly waiters: Waiter[] = [];
  private ended: WireKitError | null = null;
  private pulling = false;

  push(message: Message, hasListeners: boolean): void {
    if (this.ended !== null) return;
    const waiter = this.waiters.shift();
    if (waiter !== undefined) waiter.resolve(message);
    else if (this.pulling || !hasListeners) this.items.push(message);
  }

  receive(): Promise<Message> {
    this.pulling = true;
    if (this.items.length > 0) return Promise.resolve(this.items.shift()!);
    if (this.ended !== null) return Promise.reject(this.ended);
    return new Promise((resolve, reject) => this.waiters.push({ resolve, reject }));
  }

  end(error: WireKitError): void {
    if (this.ended !== null) return;
    this.ended = error;
    for (const waiter of this.waiters.splice(0)) waiter.reject(error);
  }

  /** Ends (done) at WK_ERR_CLOSED, throws any other error; `return()` stops this iterator only. */
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
