import { WireKitUsageError } from '@wirekit/protocol';
import { ByteList } from './byte-list.js';
import type { MessageFramer } from './message-framer.js';
import { WireKitError } from './wirekit-error.js';

/** Options of a {@link LengthPrefixFramer}. */
export interface LengthPrefixFramerOptions {
  /**
   * Largest message accepted, and sent. Defaults to 100 MiB, the same limit as a WebSocket
   * message in WireKit: room for file-sized messages, while a peer cannot make a connection
   * buffer the 4 GiB a 32-bit prefix could announce.
   */
  readonly maxMessageSize?: number;
}

const PREFIX = 4;

/**
 * Messages prefixed with their length as a 4-byte big-endian unsigned integer (network byte
 * order), the framing of many binary protocols. An oversize length fails the stream with
 * WK_ERR_MESSAGE_TOO_LARGE as soon as the prefix arrives, before any payload is buffered.
 */
export class LengthPrefixFramer implements MessageFramer {
  readonly maxMessageSize: number;
  private readonly buffer = new ByteList();
  private error: WireKitError | null = null;

  /** @throws {WireKitUsageError} WK_ERR_INVALID_ARGUMENT for a limit that is not an integer in 1…2³²−1. */
  constructor(options: LengthPrefixFramerOptions = {}) {
    const max = options.maxMessageSize ?? 100 * 1024 * 1024;
    if (!Number.isInteger(max) || max < 1 || max > 0xffffffff) {
      throw new WireKitUsageError('WK_ERR_INVALID_ARGUMENT', 'maxMessageSize must be an integer between 1 and 2^32 - 1');
    }
    this.maxMessageSize = max;
  }

  /** @throws {WireKitUsageError} WK_ERR_INVALID_ARGUMENT for a message over maxMessageSize. */
  encode(message: Uint8Array): Uint8Array[] {
    if (message.length > this.maxMessageSize) {
      throw new WireKitUsageError('WK_ERR_INVALID_ARGUMENT', `a message of ${message.length} bytes is over maxMessageSize (${this.maxMessageSize})`);
    }
    const prefix = new Uint8Array(PREFIX);
    new DataView(prefix.buffer).setUint32(0, message.length);
    return [prefix, message];
  }

  push(chunk: Uint8Array): Uint8Array[] | WireKitError {
    if (this.error !== null) return this.error;
    this.buffer.push(chunk);
    const messages: Uint8Array[] = [];
    while (this.buffer.length >= PREFIX) {
      const b = this.buffer;
      const length = (b.at(0) * 0x1000000) + ((b.at(1) << 16) | (b.at(2) << 8) | b.at(3));
      if (length > this.maxMessageSize) {
        this.error = new WireKitError('WK_ERR_MESSAGE_TOO_LARGE', `a message of ${length} bytes is over maxMessageSize (${this.maxMessageSize})`);
        this.buffer.clear();
        return messages.length > 0 ? messages : this.error;
      }
      if (b.length - PREFIX < length) break;
      b.skip(PREFIX);
      messages.push(b.take(length));
    }
    return messages;
  }
}
