import { EventEmitter } from 'eventemitter3';
import { WireKitUsageError } from '@wirekit/protocol';
import type { Connection, Message } from './connection.js';
import { rejected } from './base-connection.js';
import { toWireKitError, WireKitError } from './wirekit-error.js';

/** Turns values into messages and back. `decode` throws on data it cannot decode. */
export interface Codec<T> {
  encode(value: T): Message;
  decode(data: Message): T;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * JSON: values are sent as Text messages; Text and Binary (UTF-8) messages are parsed.
 * Decoding is an unchecked cast to `T`: pass a codec that validates when the peer is not trusted.
 */
export const jsonCodec: Codec<unknown> = {
  encode(value) {
    const text = JSON.stringify(value);
    if (text === undefined) throw new WireKitUsageError('WK_ERR_INVALID_ARGUMENT', 'the value has no JSON representation');
    return text;
  },
  decode(data) {
    return JSON.parse(typeof data === 'string' ? data : utf8.decode(data)) as unknown;
  },
};

/** Options of a {@link CodecService}. */
export interface CodecServiceOptions<T> {
  /** Defaults to {@link jsonCodec}, the format most WebSocket APIs speak. */
  readonly codec?: Codec<T>;
  /**
   * Close the connection with 1007 (RFC 6455 §7.4.1: data inconsistent with the message type)
   * when a message cannot be decoded. Defaults to false: one bad message is reported and
   * skipped, as a typed channel should survive a peer's occasional mistake.
   */
  readonly closeOnDecodeError?: boolean;
}

/** Events of a {@link CodecService}. */
export interface CodecServiceEvents {
  error: [error: WireKitError];
}

/**
 * A typed channel over a connection (a WebSocketService, in iOS terms): `send(value)` encodes,
 * `for await (const value of service)` decodes. A message that fails to decode is reported as
 * WK_ERR_DECODE on the service's `error` event and skipped, unless `closeOnDecodeError`, which
 * closes the connection with 1007 and ends the iteration.
 *
 * The service pulls from the connection's own iterator, so use one service (or one reader) per
 * connection.
 */
export class CodecService<T> implements AsyncIterable<T> {
  readonly connection: Connection;
  private readonly codec: Codec<T>;
  private readonly closeOnDecodeError: boolean;
  private readonly emitter = new EventEmitter<CodecServiceEvents>();

  constructor(connection: Connection, options: CodecServiceOptions<T> = {}) {
    this.connection = connection;
    this.codec = options.codec ?? (jsonCodec as Codec<T>);
    this.closeOnDecodeError = options.closeOnDecodeError ?? false;
  }

  /**
   * Encodes and sends a value; resolves and rejects as the connection's send(), and rejects
   * (never throws) WK_ERR_INVALID_ARGUMENT (domain usage) when the codec cannot encode the value.
   */
  send(value: T): Promise<void> {
    let message: Message;
    try {
      message = this.codec.encode(value);
    } catch (error) {
      const misuse = error instanceof WireKitUsageError ? error : new WireKitUsageError('WK_ERR_INVALID_ARGUMENT', `the codec could not encode the value: ${String(error)}`);
      return rejected(toWireKitError(misuse));
    }
    return this.connection.send(message);
  }

  /** Listens for decode failures; returns the function that removes the listener. */
  on(event: 'error', listener: (error: WireKitError) => void): () => void {
    this.emitter.on(event, listener);
    return () => {
      this.emitter.off(event, listener);
    };
  }

  async *[Symbol.asyncIterator](): AsyncIterator<T> {
    for await (const message of this.connection) {
      let value: T;
      try {
        value = this.codec.decode(message);
      } catch (cause) {
        const error = new WireKitError('WK_ERR_DECODE', `a message could not be decoded: ${toWireKitError(cause).message}`, { cause });
        this.emitter.emit('error', error);
        if (this.closeOnDecodeError) {
          // RFC 6455 §7.4.1: 1007, data inconsistent with the type of the message.
          await this.connection.close(1007, 'invalid message');
          return;
        }
        continue;
      }
      yield value;
    }
  }
}
