import { WireKitUsageError } from '@wirekit/protocol';
import { ByteList } from './byte-list.js';
import type { MessageFramer } from './message-framer.js';
import { WireKitError } from './wirekit-error.js';

/** Options of a {@link LineFramer}. */
export interface LineFramerOptions {
  /**
   * Longest line accepted, in bytes without its terminator. Defaults to 64 KiB: far above
   * what line protocols carry (SMTP allows 1 000, IRC 512), while a peer that never sends a
   * newline cannot make the connection buffer without bound.
   */
  readonly maxLineLength?: number;
}

const LF = 0x0a;
const CR = 0x0d;

/**
 * Newline-delimited messages: each message is followed by `\n`; a `\r` before the `\n` is
 * stripped, so CRLF peers work too. A partial line longer than `maxLineLength` fails the
 * stream with WK_ERR_MESSAGE_TOO_LARGE without waiting for its end.
 */
export class LineFramer implements MessageFramer {
  readonly maxLineLength: number;
  private readonly buffer = new ByteList();
  private error: WireKitError | null = null;

  /** @throws {WireKitUsageError} WK_ERR_INVALID_ARGUMENT for a limit that is not a positive integer. */
  constructor(options: LineFramerOptions = {}) {
    const max = options.maxLineLength ?? 64 * 1024;
    if (!Number.isInteger(max) || max < 1) throw new WireKitUsageError('WK_ERR_INVALID_ARGUMENT', 'maxLineLength must be a positive integer');
    this.maxLineLength = max;
  }

  /** @throws {WireKitUsageError} WK_ERR_INVALID_ARGUMENT for a message containing `\n` or over maxLineLength. */
  encode(message: Uint8Array): Uint8Array[] {
    if (message.includes(LF)) throw new WireKitUsageError('WK_ERR_INVALID_ARGUMENT', 'a line message cannot contain a newline');
    if (message.length > this.maxLineLength) {
      throw new WireKitUsageError('WK_ERR_INVALID_ARGUMENT', `a line of ${message.length} bytes is over maxLineLength (${this.maxLineLength})`);
    }
    return [message, Uint8Array.of(LF)];
  }

  push(chunk: Uint8Array): Uint8Array[] | WireKitError {
    if (this.error !== null) return this.error;
    const messages: Uint8Array[] = [];
    let start = 0;
    for (let newline = chunk.indexOf(LF); newline !== -1; newline = chunk.indexOf(LF, start)) {
      this.buffer.push(chunk.subarray(start, newline));
      start = newline + 1;
      const line = this.buffer.take(this.buffer.length);
      const end = line.length > 0 && line[line.length - 1] === CR ? line.length - 1 : line.length;
      if (end > this.maxLineLength) return this.failWith(messages, end);
      messages.push(line.subarray(0, end));
    }
    this.buffer.push(chunk.subarray(start).slice());
    // One byte of slack: a trailing '\r' may belong to a CRLF terminator.
    if (this.buffer.length > this.maxLineLength + 1) return this.failWith(messages, this.buffer.length);
    return messages;
  }

  private failWith(messages: Uint8Array[], length: number): Uint8Array[] | WireKitError {
    this.error = new WireKitError('WK_ERR_MESSAGE_TOO_LARGE', `a line of ${length}+ bytes is over maxLineLength (${this.maxLineLength})`);
    this.buffer.clear();
    return messages.length > 0 ? messages : this.error;
  }
}
