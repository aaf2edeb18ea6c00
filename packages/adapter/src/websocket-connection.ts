import { bytesOfText, errorCodes, TextBytes, textOfBytes, WireKitError, type Message } from '@wirekit/core';
import { AdapterConnection, type AdapterConnectionOptions } from './adapter-connection.js';
import { closeArgumentError, errorEventError, notOpenError, usageError } from './adapter-errors.js';
import { payloadSize } from './validate.js';

/** WHATWG readyState values. */
const CONNECTING = 0;
const OPEN = 1;
/** Drain polling: first after a task turn, then backing off to this bound while data stays buffered. */
const MAX_POLL_MS = 50;

/** A WHATWG CloseEvent, as far as the adapter reads it. */
interface CloseEventLike {
  readonly code: number;
  readonly reason: string;
  readonly wasClean: boolean;
}

/** The WHATWG WebSocket events the adapter listens to. */
type WebSocketEventType = 'open' | 'message' | 'error' | 'close';

/**
 * The WHATWG WebSocket surface the adapter uses: the browsers', undici's (Node ≥ 22's global),
 * Deno's and Bun's, and ws's class. Written out so that this file needs no DOM types.
 */
export interface WebSocketLike {
  readonly readyState: number;
  readonly url: string;
  readonly protocol: string;
  readonly extensions: string;
  readonly bufferedAmount: number;
  binaryType: string;
  send(data: string | Uint8Array): void;
  close(code?: number, reason?: string): void;
  addEventListener(type: WebSocketEventType, listener: (event: unknown) => void): void;
  removeEventListener(type: WebSocketEventType, listener: (event: unknown) => void): void;
}

/** Options of {@link fromWebSocket}. */
export interface WebSocketConnectionOptions extends AdapterConnectionOptions {
  /** The URL to report; defaults to the socket's. */
  readonly url?: string;
  /**
   * Largest message accepted, in bytes. WHATWG WebSockets have no such limit: the message is
   * checked when it has arrived whole, and a larger one fails the connection with
   * WK_ERR_MESSAGE_TOO_LARGE (1009 reported locally; a browser cannot send 1009, so the peer
   * then sees a Close without a status). Default: no limit, as the platform.
   */
  readonly maxMessageSize?: number;
}

const TOO_LARGE_CODE: number = errorCodes.WK_ERR_MESSAGE_TOO_LARGE.closeCode;

const ignore = (): void => undefined;

type PendingSend = { readonly size: number; readonly done: (error?: WireKitError) => void };

/**
 * The WireKit `Connection` over any WHATWG WebSocket. What the standard surface cannot do:
 * ping() rejects WK_ERR_UNSUPPORTED (no ping API; the platform answers the peer's pings
 * itself); terminate() cannot abort the TCP connection, so it starts a code-less close in the
 * background and reports 1006 at once; send() resolves when `bufferedAmount` shows the message
 * handed to the OS (there is no send callback: the amount is polled while sends are pending).
 */
export class WebSocketConnection extends AdapterConnection {
  readonly url: string;
  private readonly maxMessageSize: number;
  private readonly textAsBytes: boolean;
  private readonly pending: PendingSend[] = [];
  private queuedBytes = 0;
  private pollTimer: ReturnType<typeof setTimeout> | null = null;
  private pollDelay = 0;
  private readonly onOpen = (): void => this.setState('open');
  private readonly onMessage = (event: unknown): void => this.received((event as { readonly data: unknown }).data);
  private readonly onError = (event: unknown): void => this.reportError(errorEventError(event));
  private readonly onClose = (event: unknown): void => {
    const { code, reason, wasClean } = event as CloseEventLike;
    this.stopPolling();
    this.finish({ code, reason, wasClean });
  };

  constructor(private readonly socket: WebSocketLike, options: WebSocketConnectionOptions = {}) {
    super(socket.readyState === CONNECTING ? 'connecting' : 'open', options);
    if (socket.readyState !== CONNECTING && socket.readyState !== OPEN) throw usageError('WK_ERR_NOT_OPEN', 'fromWebSocket() needs a WebSocket that is connecting or open');
    this.url = options.url ?? socket.url;
    this.maxMessageSize = options.maxMessageSize ?? Number.POSITIVE_INFINITY;
    this.textAsBytes = options.textAsBytes === true;
    socket.binaryType = 'arraybuffer';
    this.listen(true);
  }

  get protocol(): string {
    return this.socket.protocol;
  }

  get extensions(): string {
    return this.socket.extensions;
  }

  get bufferedAmount(): number {
    return this.socket.bufferedAmount;
  }

  protected transmit(data: Message, done: (error?: WireKitError) => void): void {
    // WHATWG send() on a closing socket only grows bufferedAmount: that would be a silent drop.
    if (this.socket.readyState !== OPEN) throw notOpenError();
    // A WHATWG WebSocket sends Text only from a string (send() checked the bytes are UTF-8).
    this.socket.send(data instanceof TextBytes ? textOfBytes(data)! : data);
    const size = payloadSize(data);
    this.pending.push({ size, done });
    this.queuedBytes += size;
    if (this.pollTimer === null) {
      this.pollDelay = 0;
      this.pollTimer = setTimeout(this.poll, 0);
    }
  }

  protected transmitPing(): void {
    throw usageError('WK_ERR_UNSUPPORTED', 'WHATWG WebSockets cannot send pings (the platform answers the peer\'s pings itself)');
  }

  protected startClose(code: number | undefined, reason: string): void {
    try {
      if (code === undefined) this.socket.close();
      else if (reason === '') this.socket.close(code);
      else this.socket.close(code, reason);
    } catch (error) {
      throw closeArgumentError(error, code);
    }
  }

  protected abort(): void {
    this.stopPolling();
    this.listen(false);
    // ws's class throws an 'error' event nobody listens to; the platform may report the close as one.
    this.socket.addEventListener('error', ignore);
    try {
      this.socket.close();
    } catch {
      // Already closing: the platform finishes it.
    }
  }

  /** A message is handed to the OS once the bytes still buffered fit in the messages sent after it. */
  private readonly poll = (): void => {
    this.pollTimer = null;
    const buffered = this.socket.bufferedAmount;
    while (this.pending.length > 0 && buffered <= this.queuedBytes - this.pending[0]!.size) {
      const sent = this.pending.shift()!;
      this.queuedBytes -= sent.size;
      sent.done();
    }
    if (this.pending.length === 0) return;
    this.pollDelay = Math.min(MAX_POLL_MS, Math.max(1, this.pollDelay * 2));
    this.pollTimer = setTimeout(this.poll, this.pollDelay);
  };

  private stopPolling(): void {
    if (this.pollTimer !== null) clearTimeout(this.pollTimer);
    this.pollTimer = null;
    this.pending.length = 0;
    this.queuedBytes = 0;
  }

  private received(data: unknown): void {
    if (this.failure !== null) return;
    let message: Message;
    if (typeof data === 'string') message = this.textAsBytes ? bytesOfText(data) : data;
    else if (data instanceof ArrayBuffer) message = new Uint8Array(data);
    else if (ArrayBuffer.isView(data)) message = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    else return this.fail(usageError('WK_ERR_UNSUPPORTED', 'the WebSocket delivered binary data that is not an ArrayBuffer (binaryType "arraybuffer" was not honoured)'));
    // Text is at least one byte per UTF-16 unit and at most three, so most texts need no count.
    const size = typeof message === 'string' && message.length * 3 <= this.maxMessageSize ? 0 : payloadSize(message);
    if (size > this.maxMessageSize) return this.fail(new WireKitError('WK_ERR_MESSAGE_TOO_LARGE', `a message of ${size} bytes is over maxMessageSize (${this.maxMessageSize})`, { domain: 'websocket' }));
    this.deliver(message);
  }

  /** Fails the connection (RFC 6455 §7.1.7) with the error's close code where the platform lets it be sent. */
  private fail(error: WireKitError): void {
    if (this.failure !== null || this.state === 'closed') return;
    this.failure = error;
    this.reportError(error);
    try {
      if (error.closeCode === TOO_LARGE_CODE) this.socket.close(TOO_LARGE_CODE);
      else this.socket.close();
    } catch {
      // Browsers send only 1000 and 3000–4999 (WHATWG close()): close without a status instead.
      this.socket.close();
    }
  }

  private listen(on: boolean): void {
    const listeners: ReadonlyArray<readonly [WebSocketEventType, (event: unknown) => void]> = [['open', this.onOpen], ['message', this.onMessage], ['error', this.onError], ['close', this.onClose]];
    for (const [type, listener] of listeners) {
      if (on) this.socket.addEventListener(type, listener);
      else this.socket.removeEventListener(type, listener);
    }
  }
}

/**
 * Wraps a WHATWG WebSocket (a browser's, undici's, Deno's, Bun's, or ws's class) as a WireKit
 * `Connection`. The connection takes the socket over and sets its binaryType to 'arraybuffer'.
 * A socket still connecting is reported as `connecting` until it opens.
 *
 * @param socket a WebSocket that is connecting or open.
 * @throws {WireKitError} WK_ERR_NOT_OPEN (domain usage) for a socket already closing or closed.
 * @example
 * ```ts
 * const connection = fromWebSocket(new WebSocket('wss://example.com/chat'));
 * ```
 */
export function fromWebSocket(socket: WebSocketLike, options: WebSocketConnectionOptions = {}): WebSocketConnection {
  return new WebSocketConnection(socket, options);
}
