import { concat } from '@wirekit/protocol';
import type { ContentContext } from './content-context.js';
import type { NWError } from './nw-error.js';

/** The completion of `receiveMessage` and `receive` (Swift's four-argument closure). */
export type NWReceiveCompletion = (content: Uint8Array | null, context: ContentContext | null, isComplete: boolean, error: NWError | null) => void;

/** A received unit: a message (data, ping, close) or the end of a byte stream (content null). */
interface Item {
  readonly data: Uint8Array | null;
  readonly context: ContentContext;
  offset: number;
}

type Waiter =
  | { readonly kind: 'message'; readonly completion: NWReceiveCompletion }
  | { readonly kind: 'range'; readonly min: number; readonly max: number; readonly completion: NWReceiveCompletion };

/**
 * Received messages waiting for one-shot `receiveMessage`/`receive` calls, and calls waiting for
 * messages. Each call gets exactly one completion, always on a microtask (never inside the call),
 * so a receive loop cannot grow the stack. Messages arrive whole from core; this only hands them
 * out, whole or as byte ranges.
 *
 * In `stream` mode (raw TCP, no framer) items are chunks of one byte stream: a range may span
 * chunks and `isComplete` is true only at the end of the stream, as Apple's for TCP.
 */
export class ReceiveQueue {
  private readonly items: Item[] = [];
  private readonly waiters: Waiter[] = [];
  /** Resolvers of demand() calls, woken when a receive call waits for more than is here. */
  private hungry: Array<() => void> = [];
  private terminal: NWError | null = null;
  private ended = false;

  constructor(private readonly stream: boolean) {}

  /** A received message with its context; `data` null marks the end of a byte stream. */
  push(data: Uint8Array | null, context: ContentContext): void {
    if (this.ended) return;
    this.items.push({ data, context, offset: 0 });
    this.pump();
  }

  /** No more items will come; receives past the buffered ones complete with `error`. */
  finish(error: NWError): void {
    if (this.ended) return;
    this.ended = true;
    this.terminal = error;
    this.pump();
  }

  /** Drops buffered items and fails every waiting and future call with `error` (cancel). */
  abort(error: NWError): void {
    this.items.length = 0;
    this.finish(error);
  }

  receiveMessage(completion: NWReceiveCompletion): void {
    this.waiters.push({ kind: 'message', completion });
    this.pump();
    this.wake();
  }

  receive(min: number, max: number, completion: NWReceiveCompletion): void {
    this.waiters.push({ kind: 'range', min, max, completion });
    this.pump();
    this.wake();
  }

  /**
   * Resolves once a receive call waits for more than is buffered here: the owner pulls the next
   * message from the connection only then, so that unread data stays in the socket (as
   * Network.framework reads on demand) and TCP slows the peer down.
   */
  demand(): Promise<void> {
    if (this.waiters.length > 0) return Promise.resolve();
    return new Promise((resolve) => this.hungry.push(resolve));
  }

  private wake(): void {
    if (this.waiters.length === 0 || this.hungry.length === 0) return;
    const hungry = this.hungry;
    this.hungry = [];
    for (const resolve of hungry) resolve();
  }

  private pump(): void {
    while (this.waiters.length > 0) {
      const waiter = this.waiters[0]!;
      const delivery = waiter.kind === 'message' ? this.takeMessage() : this.takeRange(waiter.min, waiter.max);
      if (delivery === null) return;
      this.waiters.shift();
      queueMicrotask(() => waiter.completion(...delivery));
    }
  }

  private takeMessage(): Parameters<NWReceiveCompletion> | null {
    const item = this.items.shift();
    if (item === undefined) return this.ended ? [null, null, true, this.terminal] : null;
    const data = item.data === null ? null : item.data.subarray(item.offset);
    return [data, item.context, true, null];
  }

  private takeRange(min: number, max: number): Parameters<NWReceiveCompletion> | null {
    const head = this.items[0];
    if (head === undefined) return this.ended ? [null, null, true, this.terminal] : null;
    if (head.data === null) {
      this.items.shift();
      return [null, head.context, true, null];
    }
    if (!this.stream) {
      const data = head.data.subarray(head.offset, head.offset + max);
      head.offset += data.length;
      if (head.offset >= head.data.length) this.items.shift();
      return [data, head.context, head.offset >= head.data.length, null];
    }
    // A byte stream: gather chunks up to `max`; wait for `min` bytes unless the stream has ended.
    let available = 0;
    for (const item of this.items) {
      if (item.data === null) break;
      available += item.data.length - item.offset;
    }
    const streamEnds = this.ended || this.items.some((item) => item.data === null);
    if (available < min && !streamEnds) return null;
    const parts: Uint8Array[] = [];
    const total = Math.min(max, available);
    let wanted = total;
    while (wanted > 0) {
      const item = this.items[0]!;
      const part = item.data!.subarray(item.offset, item.offset + wanted);
      parts.push(part);
      item.offset += part.length;
      wanted -= part.length;
      if (item.offset >= item.data!.length) this.items.shift();
    }
    return [concat(parts, total), head.context, false, null];
  }
}
