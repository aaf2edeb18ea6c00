import { quiet } from './base-connection.js';
import type { Connection, Message } from './connection.js';
import type { OutboxOptions } from './reconnect-policy.js';
import { utf8Length } from './utf8.js';
import { toWireKitError, WireKitError } from './wirekit-error.js';

type Entry = { readonly data: Message; readonly size: number; readonly resolve: () => void; readonly reject: (error: WireKitError) => void };

/**
 * The messages a {@link ReconnectingConnection} holds while it is not open, bounded in count
 * and bytes, with the policy of {@link OutboxOptions} for what happens at the bound. Every
 * message ends one way or another: sent (its promise resolves when the new link's send does),
 * refused (WK_ERR_OUTBOX_FULL), dropped (`onDrop`, then WK_ERR_OUTBOX_FULL) or failed when
 * the connection closes for good ({@link failAll}).
 */
export class ReconnectOutbox {
  private readonly entries: Entry[] = [];
  private bytes = 0;

  constructor(
    private readonly options: Required<OutboxOptions>,
    private readonly onDrop: (data: Message) => void,
  ) {}

  /** Messages held. */
  get size(): number {
    return this.entries.length;
  }

  /** Payload bytes held. */
  get bufferedAmount(): number {
    return this.bytes;
  }

  /**
   * Holds a message sent while disconnected; the promise settles when it is finally sent, or
   * refused as the policy says. Never call with policy 'reject' (the connection rejects itself).
   */
  add(data: Message): Promise<void> {
    const size = typeof data === 'string' ? utf8Length(data) : data.length;
    const { maxMessages, maxBytes, policy } = this.options;
    if (size > maxBytes || maxMessages === 0) {
      return quiet(Promise.reject(full(`a message of ${size} bytes cannot fit an outbox of ${maxMessages} messages and ${maxBytes} bytes`)));
    }
    if (policy === 'queue' && (this.entries.length + 1 > maxMessages || this.bytes + size > maxBytes)) {
      return quiet(Promise.reject(full(`the outbox is full (${this.entries.length} messages, ${this.bytes} bytes; bounds ${maxMessages} and ${maxBytes})`)));
    }
    let entry!: Entry;
    const done = quiet(new Promise<void>((resolve, reject) => (entry = { data, size, resolve, reject })));
    this.entries.push(entry);
    this.bytes += size;
    while (this.entries.length > maxMessages || this.bytes > maxBytes) {
      const oldest = this.entries.shift()!;
      this.bytes -= oldest.size;
      oldest.reject(full('dropped from the outbox (drop-oldest) to make room for a newer message'));
      this.onDrop(oldest.data);
    }
    return done;
  }

  /**
   * Hands every held message, in order, to `connection` (whose send() queues synchronously, so
   * that later sends follow them); each promise settles as that send does.
   */
  flush(connection: Connection): void {
    const entries = this.entries.splice(0);
    this.bytes = 0;
    for (const entry of entries) {
      let sent: Promise<void>;
      try {
        sent = connection.send(entry.data);
      } catch (error) {
        sent = Promise.reject(error);
      }
      sent.then(entry.resolve, (error: unknown) => entry.reject(toWireKitError(error)));
    }
  }

  /** Rejects every held message with `error` (the connection closed for good). */
  failAll(error: WireKitError): void {
    const entries = this.entries.splice(0);
    this.bytes = 0;
    for (const entry of entries) entry.reject(error);
  }
}

function full(message: string): WireKitError {
  return new WireKitError('WK_ERR_OUTBOX_FULL', message);
}
