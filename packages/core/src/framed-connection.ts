import { closeMisuse, pingMisuse } from './misuse.js';
import { notAMessage, notOpen } from './send-ticket.js';
import { BaseConnection, quiet, rejected, type ConnectionLimits } from './base-connection.js';
import type { ByteChannel } from './byte-channel.js';
import { systemClock, type Clock } from './clock.js';
import type { CloseInfo, Connection, Message } from './connection.js';
import type { MessageFramer } from './message-framer.js';
import { utf8Length } from './utf8.js';
import { toWireKitError, WireKitError } from './wirekit-error.js';

/** Options of {@link framedConnection}, with its memory limits ({@link ConnectionLimits}). */
export interface FramedConnectionOptions extends ConnectionLimits {
  /** What `connection.url` reports, e.g. `tcp://127.0.0.1:7000`. */
  readonly url: string;
  /**
   * How received messages are delivered: bytes (the default, as NWProtocolFramer delivers
   * content) or UTF-8 text, for line protocols.
   */
  readonly messages?: 'binary' | 'text';
  /** ms to wait for the peer to close its side after close(), before destroying; defaults to 5 000, as EngineConnection. */
  readonly closeTimeout?: number;
  readonly clock?: Clock;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

class FramedConnection extends BaseConnection {
  readonly url: string;
  readonly protocol = '';
  readonly extensions = '';
  private pendingBytes = 0;
  private info: CloseInfo | null = null;
  private timer: unknown = null;
  private readonly clock: Clock;
  private readonly closeTimeout: number;

  constructor(
    private readonly channel: ByteChannel,
    private readonly framer: MessageFramer,
    private readonly options: FramedConnectionOptions,
  ) {
    super('open', options);
    this.url = options.url;
    this.clock = options.clock ?? systemClock;
    this.closeTimeout = options.closeTimeout ?? 5_000;
    channel.bind({
      data: (chunk) => this.onData(chunk),
      end: () => this.onEnd(),
      error: (error) => this.onError(error),
      close: () => this.settle(),
      drain: () => undefined,
    });
  }

  get bufferedAmount(): number {
    return this.pendingBytes;
  }

  send(data: Message): Promise<void> {
    if (typeof data !== 'string' && !(data instanceof Uint8Array)) return rejected(notAMessage());
    if (this.state !== 'open') return rejected(notOpen(this.state));
    const size = typeof data === 'string' ? utf8Length(data) : data.length;
    const full = this.bufferFull(size);
    if (full !== null) return rejected(full);
    const chunks = this.framer.encode(typeof data === 'string' ? encoder.encode(data) : data);
    this.pendingBytes += size;
    return quiet(
      new Promise<void>((resolve, reject) => {
        this.channel.write(chunks, (error) => {
          this.pendingBytes -= size;
          if (error === undefined) resolve();
          else reject(toWireKitError(error));
        });
      }),
    );
  }

  ping(payload?: Uint8Array): Promise<number> {
    // The arguments are checked first, as on a WebSocket, so that swapping transports changes nothing.
    return rejected(pingMisuse(payload) ?? new WireKitError('WK_ERR_UNSUPPORTED', 'a framed TCP stream has no ping; use an application-level heartbeat'));
  }

  close(code?: number, reason?: string): Promise<CloseInfo> {
    // Validated as a WebSocket close would be, so that swapping transports changes nothing.
    const misuse = closeMisuse(code, reason);
    if (misuse !== null) return rejected(misuse);
    if (this.state === 'open') {
      this.info = { code: code ?? 1000, reason: reason ?? '', wasClean: true };
      this.setState('closing');
      this.channel.end();
      this.stopFlowControl();
      this.timer = this.clock.setTimeout(() => this.terminate(), this.closeTimeout);
    }
    return this.closed;
  }

  terminate(error?: WireKitError): void {
    if (this.state === 'closed') return;
    if (error !== undefined) this.reportError(error);
    this.info = { code: error?.closeCode ?? 1006, reason: '', wasClean: false };
    this.channel.destroy();
    this.settle();
  }

  private isClosed(): boolean {
    return this.state === 'closed';
  }

  private onData(chunk: Uint8Array): void {
    if (this.state === 'closed') return;
    const result = this.framer.push(chunk);
    if (result instanceof WireKitError) return this.terminate(result);
    if (result.length === 0 || !this.deliverAll(result)) return;
    // A failure after the messages returned comes with the next push (MessageFramer's contract).
    // Asked once: a framer that completes a message on every empty push must not loop forever.
    const after = this.framer.push(new Uint8Array(0));
    if (after instanceof WireKitError) this.terminate(after);
    else this.deliverAll(after);
  }

  /** Delivers messages in order; false once the connection closed (a listener may close it) or failed. */
  private deliverAll(messages: readonly Uint8Array[]): boolean {
    for (const message of messages) {
      if (this.isClosed()) return false;
      if (this.options.messages !== 'text') {
        this.deliver(message);
        continue;
      }
      let text: string;
      try {
        text = decoder.decode(message);
      } catch {
        this.terminate(new WireKitError('WK_ERR_INVALID_UTF8', 'a received line is not valid UTF-8'));
        return false;
      }
      this.deliver(text);
    }
    return !this.isClosed();
  }

  /** The peer ended its side: a clean end of the stream (1005, no status: TCP has none to give). */
  private onEnd(): void {
    if (this.state === 'closed') return;
    this.info ??= { code: 1005, reason: '', wasClean: true };
    if (this.state === 'open') this.setState('closing');
    this.channel.end();
  }

  private onError(cause: Error): void {
    if (this.state === 'closed') return;
    const error = toWireKitError(cause);
    this.reportError(error);
    this.info = { code: 1006, reason: '', wasClean: false };
  }

  protected pauseReading(): void {
    this.channel.pause();
  }

  protected resumeReading(): void {
    this.channel.resume();
  }

  private settle(): void {
    if (this.state === 'closed') return;
    if (this.timer !== null) this.clock.clearTimeout(this.timer);
    this.finish(this.info ?? { code: 1006, reason: '', wasClean: false });
  }
}

/**
 * A {@link Connection} over a framed byte stream that is not WebSocket (a length-prefixed or
 * line protocol on TCP), so that such a stream is used like any other WireKit connection.
 * Messages are sent through `framer.encode` and received through `framer.push`; strings are
 * sent as UTF-8. It is open at once; `close()` ends the channel (a FIN) and resolves when the
 * peer has closed too (code given, default 1000); the peer's FIN is reported as 1005; a
 * framing error (oversize) as the error's close code (1009), after an `error` event.
 * `ping()` rejects WK_ERR_UNSUPPORTED: the stream has no ping. The {@link ConnectionLimits}
 * apply: reading pauses past `receiveHighWaterMark`, a send past `maxBufferedAmount` rejects
 * with WK_ERR_BUFFER_FULL.
 */
export function framedConnection(channel: ByteChannel, framer: MessageFramer, options: FramedConnectionOptions): Connection & { readonly queuedAmount: number } {
  return new FramedConnection(channel, framer, options);
}
