import { bytesOfText, closeMisuse, MessageQueue, notAMessageError, pingMisuse, TextBytes, textOfBytes, notOpenError, peerCloseError, systemClock, WireKitError, type Clock, type CloseInfo, type Connection, type ConnectionEvents, type ConnectionState, type Message } from '@wirekit/core';
import { CloseCode } from '@wirekit/protocol';
import { EventEmitter } from 'eventemitter3';

/** The part of a WHATWG `WebSocket` this package uses; a browser's, undici's, Deno's, Bun's or `ws`'s fits. */
export interface WebSocketLike {
  readonly protocol: string;
  readonly extensions: string;
  readonly bufferedAmount: number;
  binaryType: string;
  send(data: string | ArrayBufferView): void;
  close(code?: number, reason?: string): void;
  addEventListener(type: string, listener: (event: never) => void): void;
  removeEventListener(type: string, listener: (event: never) => void): void;
  /** Not WHATWG: `ws`'s abort, used by terminate() where it exists. */
  terminate?(): void;
}

/** A WHATWG `WebSocket` constructor: `new WebSocket(url, protocols)`. */
export type WebSocketConstructor = new (url: string, protocols?: string | string[]) => WebSocketLike;

/** What {@link WebSocketConnection} is opened with, once the connect options are checked. */
export interface WebSocketConnectionOptions {
  readonly url: string;
  readonly protocols: readonly string[];
  readonly maxMessageSize: number;
  readonly connectTimeout: number;
  readonly closeTimeout: number;
  readonly clock?: Clock;
  readonly signal?: AbortSignal;
  /** Deliver Text messages as `TextBytes` (ConnectOptions.textAsBytes): encoded here, as the platform delivers strings. */
  readonly textAsBytes?: boolean;
}

type PendingSend = { readonly end: number; readonly resolve: () => void; readonly reject: (error: WireKitError) => void };
type CloseEventLike = { readonly code: number; readonly reason: string; readonly wasClean: boolean };

/** How often send() looks at bufferedAmount while sends wait: the WHATWG WebSocket has no drain event. */
const DRAIN_POLL_MS = 5;
const ABNORMAL: CloseInfo = { code: CloseCode.Abnormal, reason: '', wasClean: false };
const encoder = new TextEncoder();

/**
 * A {@link Connection} on a WHATWG `WebSocket`: what the browser entry's `connect` opens. The
 * platform does the protocol work; this class maps it onto the shared interface and reports,
 * as WK_ERR_UNSUPPORTED, what a browser cannot do (ping, custom headers).
 *
 * `send()` resolves once the socket's `bufferedAmount` shows this message's bytes have left
 * the browser's buffer (polled every 5 ms while sends wait), so `await send()` paces a writer
 * as it does on the Node transports. The browser reports failures without a reason, so an
 * `error` event becomes WK_ERR_TRANSPORT.
 */
export class WebSocketConnection implements Connection {
  readonly url: string;
  readonly closed: Promise<CloseInfo>;
  private readonly socket: WebSocketLike;
  private readonly options: WebSocketConnectionOptions;
  private readonly clock: Clock;
  private readonly emitter = new EventEmitter<ConnectionEvents>();
  private readonly queue = new MessageQueue();
  private readonly sends: PendingSend[] = [];
  private readonly detach: () => void;
  private resolveClosed!: (info: CloseInfo) => void;
  private current: ConnectionState = 'connecting';
  private queuedBytes = 0;
  private drainTimer: unknown = null;
  private closeTimer: unknown = null;
  private failure: WireKitError | null = null;
  private readonly emitHeld = (message: Message): void => void this.emitter.emit('message', message);

  /** @internal Use the browser entry's `connect`. */
  constructor(WebSocketClass: WebSocketConstructor, options: WebSocketConnectionOptions) {
    this.url = options.url;
    this.options = options;
    this.clock = options.clock ?? systemClock;
    this.closed = new Promise((resolve) => (this.resolveClosed = resolve));
    this.socket = new WebSocketClass(options.url, [...options.protocols]);
    this.socket.binaryType = 'arraybuffer';
    const handlers = {
      open: () => this.setState('open'),
      message: (event: { readonly data: unknown }) => this.onMessage(event.data),
      error: () => this.fail(new WireKitError('WK_ERR_TRANSPORT', `the WebSocket ${this.current === 'connecting' ? 'could not connect' : 'failed'} (the platform does not say why)`)),
      close: (event: CloseEventLike) => this.onClose(event),
    };
    for (const [type, listener] of Object.entries(handlers)) this.socket.addEventListener(type, listener);
    // Stays after detach: an EventEmitter-based WebSocket (ws) throws an error event nobody listens to.
    this.socket.addEventListener('error', () => undefined);
    this.detach = () => {
      for (const [type, listener] of Object.entries(handlers)) this.socket.removeEventListener(type, listener);
    };
  }

  get state(): ConnectionState {
    return this.current;
  }

  get protocol(): string {
    return this.socket.protocol;
  }

  get extensions(): string {
    return this.socket.extensions;
  }

  /** The socket's own count: bytes given to send() that the browser has not transmitted yet. */
  get bufferedAmount(): number {
    return this.current === 'closed' ? 0 : this.socket.bufferedAmount;
  }

  /** The first error reported, or null. */
  get error(): WireKitError | null {
    return this.failure;
  }

  /** @internal Resolves when the socket opens; rejects with the failure, WK_ERR_CONNECT_TIMEOUT or WK_ERR_ABORTED. */
  whenOpen(): Promise<this> {
    const { signal, connectTimeout } = this.options;
    return new Promise<this>((resolve, reject) => {
      const timer = this.clock.setTimeout(() => this.terminate(new WireKitError('WK_ERR_CONNECT_TIMEOUT', `the WebSocket was not open after ${connectTimeout} ms`)), connectTimeout);
      const onAbort = (): void => this.terminate(new WireKitError('WK_ERR_ABORTED', 'the connect was aborted', { errno: 'ECANCELED', cause: signal?.reason }));
      const offOpen = this.on('open', () => done(() => resolve(this)));
      const offClose = this.on('close', () => done(() => reject(this.failure ?? new WireKitError('WK_ERR_CONNECTION_RESET', 'the WebSocket closed before it opened'))));
      const done = (settle: () => void): void => {
        this.clock.clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        offOpen();
        offClose();
        settle();
      };
      if (signal?.aborted === true) onAbort();
      else signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  /**
   * Sends a string as Text, bytes as Binary; resolves when the bytes left the browser's
   * buffer. Rejects WK_ERR_NOT_OPEN unless open, WK_ERR_CLOSED if the connection fails first,
   * WK_ERR_INVALID_ARGUMENT for data that is not a string or Uint8Array; never throws.
   */
  send(data: Message): Promise<void> {
    if (typeof data !== 'string' && !(data instanceof Uint8Array)) return quiet(Promise.reject(notAMessageError()));
    // The platform sends Text only from a string: a TextBytes is decoded here (null: not UTF-8).
    const text = data instanceof TextBytes ? textOfBytes(data) : undefined;
    if (text === null) return quiet(Promise.reject(notAMessageError()));
    if (this.current !== 'open') return quiet(Promise.reject(notOpenError(this.current)));
    try {
      this.socket.send(text ?? data);
    } catch (error) {
      return quiet(Promise.reject(new WireKitError('WK_ERR_TRANSPORT', 'the WebSocket refused the message', { cause: error })));
    }
    this.queuedBytes += typeof data === 'string' ? encoder.encode(data).length : data.length;
    const end = this.queuedBytes;
    const done = new Promise<void>((resolve, reject) => this.sends.push({ end, resolve, reject }));
    this.scheduleDrainCheck();
    return quiet(done);
  }

  receive(): Promise<Message> {
    return quiet(this.queue.receive());
  }

  [Symbol.asyncIterator](): AsyncIterator<Message> {
    return this.queue.iterator();
  }

  /**
   * Rejects WK_ERR_UNSUPPORTED: a WHATWG WebSocket cannot send a Ping (the browser may ping by
   * itself); WK_ERR_NOT_OPEN unless open; first, as every transport, WK_ERR_INVALID_ARGUMENT or
   * WK_ERR_CONTROL_PAYLOAD_TOO_LONG (over 125 bytes) for a bad payload. Never throws.
   */
  ping(payload: Uint8Array = new Uint8Array(0)): Promise<number> {
    const misuse = pingMisuse(payload);
    if (misuse !== null) return quiet(Promise.reject(misuse));
    if (this.current !== 'open') return quiet(Promise.reject(notOpenError(this.current)));
    return quiet(Promise.reject(new WireKitError('WK_ERR_UNSUPPORTED', 'a browser WebSocket cannot send a Ping; use an application-level heartbeat', { domain: 'usage' })));
  }

  /**
   * Starts the closing handshake; resolves with how the connection closed. While connecting
   * it aborts (1006). If the close event does not come within `closeTimeout`, WK_ERR_CLOSE_TIMEOUT
   * is reported and the connection is reported closed with 1006.
   * Rejects (never throws) WK_ERR_INVALID_CLOSE_CODE, WK_ERR_CLOSE_REASON_TOO_LONG as every transport,
   * and WK_ERR_UNSUPPORTED for a valid code the platform refuses (browsers send only 1000 and 3000–4999).
   */
  close(code?: number, reason?: string): Promise<CloseInfo> {
    const misuse = closeMisuse(code, reason);
    if (misuse !== null) return quiet(Promise.reject(misuse));
    if (this.current === 'connecting') this.terminate();
    else if (this.current === 'open') {
      try {
        this.socket.close(code, reason);
      } catch (error) {
        return quiet(Promise.reject(new WireKitError('WK_ERR_UNSUPPORTED', `this WebSocket cannot send close code ${String(code)} (browsers send only 1000 and 3000–4999)`, { domain: 'usage', cause: error })));
      }
      this.setState('closing');
      this.armCloseTimer();
    }
    return this.closed;
  }

  /**
   * Ends now and reports 1006. A WHATWG WebSocket cannot be aborted: the socket is asked to
   * close (the server sees a Close without a code) and then ignored. Where the implementation
   * has a `terminate()` (ws), it is used, and the server sees the connection drop.
   */
  terminate(error?: WireKitError): void {
    if (this.current === 'closed') return;
    if (error !== undefined) this.fail(error);
    if (typeof this.socket.terminate === 'function') this.socket.terminate();
    else this.closeSocket();
    this.finish(ABNORMAL);
  }

  on<E extends keyof ConnectionEvents>(event: E, listener: (...args: ConnectionEvents[E]) => void): () => void {
    const fn = listener as Parameters<typeof this.emitter.on<E>>[1];
    this.emitter.on(event, fn);
    // Messages that came before any consumer go to the first one (core's contract).
    if (event === 'message') this.queue.handOver(this.emitHeld);
    return () => {
      this.emitter.off(event, fn);
    };
  }

  private onMessage(data: unknown): void {
    if (this.current !== 'open' && this.current !== 'closing') return;
    const received = toMessage(data);
    const message = typeof received === 'string' && this.options.textAsBytes === true ? bytesOfText(received) : received;
    if (message === null) return this.failWith(new WireKitError('WK_ERR_UNSUPPORTED', 'the WebSocket delivered a message that is neither text nor an ArrayBuffer', { domain: 'websocket' }), CloseCode.UnsupportedData);
    const size = typeof message === 'string' ? encoder.encode(message).length : message.length;
    if (size > this.options.maxMessageSize) {
      const error = new WireKitError('WK_ERR_MESSAGE_TOO_LARGE', `a message of ${size} bytes is larger than maxMessageSize (${this.options.maxMessageSize})`, { domain: 'websocket' });
      return this.failWith(error, CloseCode.MessageTooBig);
    }
    this.queue.push(message, this.emitter.listenerCount('message') > 0);
    this.emitter.emit('message', message);
  }

  private onClose(event: CloseEventLike): void {
    if (this.current === 'closed') return;
    // A connection this side failed is reported with the failure's code, not clean, whatever the peer answered.
    const failedCode = this.failure?.closeCode ?? null;
    const refused = this.failure === null ? peerCloseError(event) : null;
    if (refused !== null) this.emitter.emit('error', refused);
    this.finish(failedCode !== null ? { code: failedCode, reason: event.reason, wasClean: false } : { code: event.code, reason: event.reason, wasClean: event.wasClean });
  }

  /** Fails the connection from this side: the error is reported and the socket closed with `code` where the platform allows it. */
  private failWith(error: WireKitError, code: number): void {
    this.fail(error);
    if (this.current === 'closing') return;
    this.setState('closing');
    this.closeSocket(code);
    this.armCloseTimer();
  }

  /** Closes with `code`, or without one where the platform refuses it (the WHATWG close() takes only 1000 and 3000–4999). */
  private closeSocket(code?: number): void {
    try {
      this.socket.close(code);
    } catch {
      this.socket.close();
    }
  }

  private fail(error: WireKitError): void {
    if (this.current === 'closed') return;
    this.failure ??= error;
    this.emitter.emit('error', error);
  }

  private scheduleDrainCheck(): void {
    if (this.drainTimer !== null) return;
    this.drainTimer = this.clock.setTimeout(() => {
      this.drainTimer = null;
      this.checkDrained();
    }, 0);
  }

  private checkDrained(): void {
    if (this.current === 'closed') return;
    const transmitted = this.queuedBytes - this.socket.bufferedAmount;
    while (this.sends.length > 0 && this.sends[0]!.end <= transmitted) this.sends.shift()!.resolve();
    if (this.sends.length > 0) {
      this.drainTimer = this.clock.setTimeout(() => {
        this.drainTimer = null;
        this.checkDrained();
      }, DRAIN_POLL_MS);
    }
  }

  private armCloseTimer(): void {
    if (this.closeTimer !== null) return;
    this.closeTimer = this.clock.setTimeout(() => {
      this.closeTimer = null;
      if (this.current === 'closed') return;
      this.fail(new WireKitError('WK_ERR_CLOSE_TIMEOUT', `no close from the WebSocket within ${this.options.closeTimeout} ms`));
      this.finish(ABNORMAL);
    }, this.options.closeTimeout);
  }

  private setState(state: ConnectionState): void {
    if (state === this.current) return;
    this.current = state;
    this.emitter.emit('state', state);
    if (state === 'open') this.emitter.emit('open');
  }

  /** The connection is over (once): sends settle (sent after a clean close, WK_ERR_CLOSED otherwise), receive() ends, `close` is emitted. */
  private finish(info: CloseInfo): void {
    if (this.current === 'closed') return;
    this.detach();
    for (const timer of [this.drainTimer, this.closeTimer]) if (timer !== null) this.clock.clearTimeout(timer);
    this.drainTimer = this.closeTimer = null;
    const closed = new WireKitError('WK_ERR_CLOSED', `the connection closed (${info.code}${info.reason === '' ? '' : ` ${info.reason}`})`, { closeCode: info.code });
    // RFC 6455 §7.1.1: a clean close means the peer read everything sent before the Close.
    for (const pending of this.sends.splice(0)) {
      if (info.wasClean) pending.resolve();
      else pending.reject(closed);
    }
    this.setState('closed');
    this.queue.end(closed);
    this.resolveClosed(info);
    this.emitter.emit('close', info);
  }
}

/** A text message as a string, a binary one as a plain Uint8Array; null for anything else (a Blob). */
function toMessage(data: unknown): Message | null {
  if (typeof data === 'string') return data;
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength));
  return null;
}


function quiet<T>(promise: Promise<T>): Promise<T> {
  promise.catch(() => undefined);
  return promise;
}
