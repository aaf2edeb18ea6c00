import { EventEmitter } from 'eventemitter3';
import { closeMisuse, DEFAULT_MAX_BUFFERED_AMOUNT, DEFAULT_RECEIVE_HIGH_WATER_MARK, isUtf8, MessageQueue, notAMessageError, peerCloseError, pingMisuse, TextBytes, toWireKitError, utf8Length, WireKitError, type CloseInfo, type Connection, type ConnectionEvents, type ConnectionLimits, type ConnectionState, type Message } from '@wirekit/core';
import { ABNORMAL_CLOSURE, closedError, notOpenError } from './adapter-errors.js';
import { isMessage } from './validate.js';

/** Attaches a no-op handler so that a promise nobody awaits cannot become an unhandled rejection; awaiters still see it reject. */
export function quiet<T>(promise: Promise<T>): Promise<T> {
  promise.catch(() => undefined);
  return promise;
}

/** A rejected promise that cannot become an unhandled rejection. */
export function rejected<T>(error: WireKitError): Promise<T> {
  return quiet(Promise.reject(error));
}

type Settle = { readonly resolve: () => void; readonly reject: (error: WireKitError) => void };
type PendingPing = { readonly payload: Uint8Array; readonly sentAt: number; readonly resolve: (rtt: number) => void; readonly reject: (error: WireKitError) => void };

/**
 * Options every adapter connection takes, with core's limits: `receiveHighWaterMark` pauses
 * the library's reading (where it can pause: ws) while received messages wait for a consumer,
 * and `maxBufferedAmount` refuses a send with WK_ERR_BUFFER_FULL, as on the engine transports.
 */
export interface AdapterConnectionOptions extends ConnectionLimits {
  /**
   * ms to wait, after close(), for the closing handshake to complete before giving up with
   * WK_ERR_CLOSE_TIMEOUT and 1006. Defaults to 5 000, as core's connections: a loaded server
   * answers a Close within a round trip, and a caller awaiting close() should not wait ws's 30 s.
   */
  readonly closeTimeout?: number;
  /** The clock for ping round trips, in ms; defaults to `performance.now()`. */
  readonly now?: () => number;
  /** Deliver Text messages as `TextBytes` (core's ConnectOptions.textAsBytes). Default false: strings. */
  readonly textAsBytes?: boolean;
}

const DEFAULT_CLOSE_TIMEOUT = 5_000;
/** Why the library's reading is paused: input held until the application can observe it, or messages past receiveHighWaterMark. */
const HOLD = 1;
const FULL = 2;

/**
 * What the ws and WHATWG connections share: events, the state, receive() and `for await`, the
 * `closed` promise (resolves once, never rejects), pending sends and pings rejected with
 * WK_ERR_CLOSED when the connection ends, the close timeout, and terminate() as 1006.
 * Subclasses hand bytes to their library and report what it tells them.
 */
export abstract class AdapterConnection implements Connection {
  abstract readonly url: string;
  abstract readonly protocol: string;
  abstract readonly extensions: string;
  abstract readonly bufferedAmount: number;
  readonly closed: Promise<CloseInfo>;
  /** The failure that ends the connection, when the adapter failed it itself: its close code is reported instead of the library's. */
  protected failure: WireKitError | null = null;
  private readonly emitter = new EventEmitter<ConnectionEvents>();
  private readonly inbox = new MessageQueue(() => this.updateFlow());
  private readonly receiveHighWaterMark: number;
  private readonly maxBufferedAmount: number;
  /** Payload bytes of sends whose write has not completed: what maxBufferedAmount bounds. */
  private pendingBytes = 0;
  /** HOLD | FULL: why reading is paused (0: reading). */
  private paused = 0;
  private holdTimer: ReturnType<typeof setTimeout> | null = null;
  private readonly emitHeld = (message: Message): void => void this.emitter.emit('message', message);
  private readonly sends = new Set<Settle>();
  private readonly pings: PendingPing[] = [];
  private readonly closeTimeout: number;
  private readonly now: () => number;
  private current: ConnectionState;
  private closeTimer: ReturnType<typeof setTimeout> | null = null;
  private info: CloseInfo | null = null;
  private resolveClosed!: (info: CloseInfo) => void;

  protected constructor(initial: ConnectionState, options: AdapterConnectionOptions) {
    this.current = initial;
    this.closeTimeout = options.closeTimeout ?? DEFAULT_CLOSE_TIMEOUT;
    this.now = options.now ?? (() => performance.now());
    this.receiveHighWaterMark = options.receiveHighWaterMark ?? DEFAULT_RECEIVE_HIGH_WATER_MARK;
    this.maxBufferedAmount = options.maxBufferedAmount ?? DEFAULT_MAX_BUFFERED_AMOUNT;
    this.closed = new Promise((resolve) => (this.resolveClosed = resolve));
  }

  get state(): ConnectionState {
    return this.current;
  }

  /** Hands `data` to the library; calls `done` when it is handed to the OS, or with the error. */
  protected abstract transmit(data: Message, done: (error?: WireKitError) => void): void;
  /** Sends a ping frame, or throws WK_ERR_UNSUPPORTED where the library has no ping. */
  protected abstract transmitPing(payload: Uint8Array): void;
  /** Starts the closing handshake; throws a WK_ERR_* usage error for a code or reason the library refuses. */
  protected abstract startClose(code: number | undefined, reason: string): void;
  /** Drops the connection now (terminate(), close timeout) and stops listening to the library. */
  protected abstract abort(): void;
  /** Stops the library reading its socket; a library that cannot (WHATWG) ignores it. */
  protected pauseInput(): void {}
  protected resumeInput(): void {}

  /**
   * Holds the library's input, from an open socket, until the application can observe what it
   * does: a microtask after its first consumer (a `message` listener, receive(), an iterator),
   * or the next macrotask (connectWs's awaiter has run by then). Core's EngineConnection does
   * the same (see its establish()): so that a message that came with the 101 is answered before
   * a violation behind it fails the connection, and the error reaches a listener.
   */
  protected holdInput(): void {
    this.setPaused(HOLD, true);
    this.holdTimer = setTimeout(() => this.releaseInput(), 0);
  }

  private releaseInput(): void {
    if (this.holdTimer !== null) clearTimeout(this.holdTimer);
    this.holdTimer = null;
    this.setPaused(HOLD, false);
  }

  private consumerArrived(): void {
    if ((this.paused & HOLD) !== 0) queueMicrotask(() => this.releaseInput());
  }

  private setPaused(reason: number, on: boolean): void {
    const before = this.paused;
    this.paused = on ? before | reason : before & ~reason;
    if (before === 0 && this.paused !== 0) this.pauseInput();
    else if (before !== 0 && this.paused === 0 && this.info === null) this.resumeInput();
  }

  /** receiveHighWaterMark: pause above it, read again once the messages waiting are down to half. */
  private updateFlow(): void {
    const queued = this.inbox.bytes;
    if ((this.paused & FULL) === 0 && queued > this.receiveHighWaterMark) this.setPaused(FULL, true);
    else if ((this.paused & FULL) !== 0 && queued <= this.receiveHighWaterMark / 2) this.setPaused(FULL, false);
  }

  /**
   * Sends one message: a string or a TextBytes as Text, other Uint8Arrays as Binary. Resolves when the library has
   * handed it to the OS; rejects WK_ERR_NOT_OPEN unless open, WK_ERR_CLOSED when the connection
   * ends first, WK_ERR_INVALID_ARGUMENT for anything but a string or Uint8Array (or a TextBytes that is not UTF-8). Never drops
   * silently; a rejection nobody awaits is not unhandled.
   */
  send(data: Message): Promise<void> {
    if (!isMessage(data) || (data instanceof TextBytes && !isUtf8(data))) return rejected(notAMessageError());
    if (this.current !== 'open') return rejected(notOpenError(this.current));
    // Payload bytes, as core counts them (the library's bufferedAmount adds frame headers).
    const buffered = this.pendingBytes;
    const size = typeof data === 'string' ? utf8Length(data) : data.length;
    if (buffered > 0) {
      if (buffered + size > this.maxBufferedAmount) {
        return rejected(new WireKitError('WK_ERR_BUFFER_FULL', `cannot queue ${size} bytes: ${buffered} are buffered and maxBufferedAmount is ${this.maxBufferedAmount}; wait for earlier sends`, { errno: 'ENOBUFS' }));
      }
    }
    return quiet(new Promise<void>((resolve, reject) => {
      const settle: Settle = { resolve, reject };
      this.sends.add(settle);
      this.pendingBytes += size;
      try {
        this.transmit(data, (error) => {
          this.pendingBytes -= size;
          if (!this.sends.delete(settle)) return;
          if (error === undefined) resolve();
          else reject(this.info === null ? error : closedError(this.info));
        });
      } catch (error) {
        this.sends.delete(settle);
        this.pendingBytes -= size;
        reject(error instanceof WireKitError ? error : notOpenError(this.current));
      }
    }));
  }

  /** One-shot pull of the next message; rejects WK_ERR_CLOSED once closed and nothing is queued. */
  receive(): Promise<Message> {
    const next = quiet(this.inbox.receive());
    this.consumerArrived();
    return next;
  }

  [Symbol.asyncIterator](): AsyncIterator<Message> {
    const iterator = this.inbox.iterator();
    this.consumerArrived();
    return iterator;
  }

  /**
   * Sends a ping; resolves with the round-trip time in ms when its pong arrives (a pong answers
   * the oldest ping with the same payload, RFC 6455 §5.5.3). Rejects WK_ERR_NOT_OPEN unless
   * open, WK_ERR_CLOSED when the connection ends first, WK_ERR_UNSUPPORTED where the library
   * cannot ping (WHATWG); first, as every transport (core's check), WK_ERR_INVALID_ARGUMENT or
   * WK_ERR_CONTROL_PAYLOAD_TOO_LONG (over 125 bytes) for a bad payload. Never throws.
   */
  ping(payload: Uint8Array = new Uint8Array(0)): Promise<number> {
    const misuse = pingMisuse(payload);
    if (misuse !== null) return rejected(misuse);
    if (this.current !== 'open') return rejected(notOpenError(this.current));
    try {
      this.transmitPing(payload);
    } catch (error) {
      return rejected(error instanceof WireKitError ? error : notOpenError(this.current));
    }
    return quiet(new Promise((resolve, reject) => this.pings.push({ payload: payload.slice(), sentAt: this.now(), resolve, reject })));
  }

  /**
   * Starts the closing handshake (RFC 6455 §7.1.2) and resolves with how the connection ended.
   * Without a code, a Close without a status is sent (the peer sees 1005, as WHATWG close()).
   * On a connection already closing or closed it only returns `closed`. If the peer does not
   * complete the handshake within closeTimeout, WK_ERR_CLOSE_TIMEOUT is reported and the
   * connection ends with 1006.
   *
   * Rejects (never throws, whatever the state) WK_ERR_INVALID_CLOSE_CODE, WK_ERR_CLOSE_REASON_TOO_LONG
   * (domain usage) for a code or reason no transport may send (core's check, so every transport
   * says the same), and for a valid code the library refuses (browsers: only 1000 and 3000–4999).
   */
  close(code?: number, reason = ''): Promise<CloseInfo> {
    const misuse = closeMisuse(code, reason);
    if (misuse !== null) return rejected(misuse);
    if (this.current !== 'open' && this.current !== 'connecting') return this.closed;
    try {
      this.startClose(code, reason);
    } catch (error) {
      return rejected(toWireKitError(error));
    }
    // The peer's answer to our Close is behind any input still held.
    this.releaseInput();
    this.setState('closing');
    this.closeTimer = setTimeout(() => {
      this.closeTimer = null;
      this.terminate(new WireKitError('WK_ERR_CLOSE_TIMEOUT', `the peer did not complete the closing handshake within ${this.closeTimeout} ms`));
    }, this.closeTimeout);
    return this.closed;
  }

  /**
   * Ends the connection now, without a closing handshake, reported as 1006 (not clean); pending
   * sends, pings and receives reject with WK_ERR_CLOSED. `error`, when given, is reported through
   * the `error` event first.
   */
  terminate(error?: WireKitError): void {
    if (this.info !== null) return;
    if (error !== undefined) this.reportError(error);
    this.abort();
    this.finish({ code: ABNORMAL_CLOSURE, reason: '', wasClean: false });
  }

  on<E extends keyof ConnectionEvents>(event: E, listener: (...args: ConnectionEvents[E]) => void): () => void {
    // eventemitter3's listener type is computed from ConnectionEvents; the cast bridges the generic.
    const fn = listener as Parameters<typeof this.emitter.on<E>>[1];
    this.emitter.on(event, fn);
    if (event === 'message') {
      // Messages that came before any consumer go to the first one (core's contract, issue 17).
      this.inbox.handOver(this.emitHeld);
      this.consumerArrived();
    }
    return () => {
      this.emitter.off(event, fn);
    };
  }

  protected setState(state: ConnectionState): void {
    if (state === this.current || this.info !== null) return;
    this.current = state;
    this.emitter.emit('state', state);
    if (state === 'open') this.emitter.emit('open');
  }

  protected deliver(message: Message): void {
    if (this.info !== null) return;
    this.inbox.push(message, this.emitter.listenerCount('message') > 0);
    this.updateFlow();
    this.emitter.emit('message', message);
  }

  protected reportError(error: WireKitError): void {
    this.emitter.emit('error', error);
  }

  protected pingReceived(data: Uint8Array): void {
    this.emitter.emit('ping', data);
  }

  protected pongReceived(data: Uint8Array): void {
    if (this.pings.length > 0) {
      let index = this.pings.findIndex((ping) => sameBytes(ping.payload, data));
      if (index === -1) index = 0;
      const [ping] = this.pings.splice(index, 1);
      ping!.resolve(Math.max(0, this.now() - ping!.sentAt));
    }
    this.emitter.emit('pong', data);
  }

  /**
   * Ends the connection, once: state closed, pending calls rejected with WK_ERR_CLOSED, `closed`
   * resolved, then the `close` event. When the adapter failed the connection itself, its
   * failure's close code is reported, not clean (RFC 6455 §7.1.7).
   */
  protected finish(reported: CloseInfo): void {
    if (this.info !== null) return;
    const refused = this.failure === null ? peerCloseError(reported) : null;
    if (refused !== null) this.reportError(refused);
    const closeCode = this.failure?.closeCode;
    const info = closeCode === null || closeCode === undefined ? reported : { code: closeCode, reason: reported.reason, wasClean: false };
    this.setState('closed');
    this.info = info;
    if (this.closeTimer !== null) clearTimeout(this.closeTimer);
    if (this.holdTimer !== null) clearTimeout(this.holdTimer);
    // A violation the library failed the connection for is what pending calls see, not WK_ERR_CLOSED.
    const error = this.failure ?? closedError(info);
    this.inbox.end(error);
    for (const ping of this.pings.splice(0)) ping.reject(error);
    const sends = [...this.sends];
    this.sends.clear();
    for (const send of sends) send.reject(error);
    // Resolved before the event, so that a throwing `close` listener cannot leave `closed` pending.
    this.resolveClosed(info);
    this.emitter.emit('close', info);
  }
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
