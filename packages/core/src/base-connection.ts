import { WireKitUsageError } from '@wirekit/protocol';
import type { CloseInfo, Connection, ConnectionEvents, ConnectionState, Message } from './connection.js';
import { Listeners } from './listeners.js';
import { MessageQueue, messageSize } from './message-queue.js';
import { WireKitError } from './wirekit-error.js';

function ignore(): void {}

/** Attaches a no-op handler so that a promise nobody awaits cannot become an unhandled rejection; awaiters still see it reject. */
export function quiet<T>(promise: Promise<T>): Promise<T> {
  promise.catch(ignore);
  return promise;
}

/** A rejected promise that cannot become an unhandled rejection. */
export function rejected<T>(error: WireKitError): Promise<T> {
  return quiet(Promise.reject(error));
}

/** What operations pending when a connection ends reject with, unless it was given another error: WK_ERR_CLOSED with how it closed. */
export function closedError(info: CloseInfo): WireKitError {
  return new WireKitError('WK_ERR_CLOSED', `the connection closed (${info.code}${info.reason === '' ? '' : ` ${info.reason}`})`, { closeCode: info.code });
}

/**
 * Bytes of received messages nobody has taken yet beyond which reading pauses: 1 MiB, room for
 * a burst of small messages, while a reader that stalls holds at most this plus what one read
 * of the transport completes (a message can be larger: it is never split or dropped).
 */
export const DEFAULT_RECEIVE_HIGH_WATER_MARK = 1024 * 1024;

/**
 * Bytes handed to send() and not yet written beyond which a send is refused: 100 MiB, the
 * default largest message a WireKit peer accepts, so that any such message can be queued while
 * a sender that outruns its peer cannot grow memory without bound.
 */
export const DEFAULT_MAX_BUFFERED_AMOUNT = 100 * 1024 * 1024;

/** Bits of BaseConnection's `flags`. */
const DRAIN_SCHEDULED = 1;
/** Held messages are being handed over (drainHeld runs). */
const DRAINING = 2;
/** The transport was asked to stop reading (receiveHighWaterMark). */
const READING_PAUSED = 4;
/** Reading never pauses any more (closing: the peer's Close must be seen). */
const NO_FLOW_CONTROL = 8;
/** Output the connection wrote on its own is not draining: reading pauses (see outputBlocked). */
const OUTPUT_BLOCKED = 16;
/** Asynchronous decoding (permessage-deflate) is held: decoded messages are over receiveHighWaterMark. */
const DECODING_HELD = 32;

/** The memory limits of a connection; see the README's *Limits*. */
export interface ConnectionLimits {
  /**
   * Bytes of received messages nobody has taken (no `message` listener, no receive() pending)
   * beyond which the connection stops reading its transport, so that TCP slows the sender down;
   * it reads again once they are down to half. Messages received and still waiting to be
   * decoded by an extension (permessage-deflate) count too, reading waits while any is, and no
   * further one is decoded while decoded messages alone are over it. Default 1 MiB.
   */
  readonly receiveHighWaterMark?: number;
  /**
   * Largest `bufferedAmount`: a send that would go beyond it rejects with WK_ERR_BUFFER_FULL
   * (nothing of it is sent), unless nothing is buffered, so that one message larger than the
   * limit can still go. Default 100 MiB.
   */
  readonly maxBufferedAmount?: number;
}

/**
 * What every core Connection shares: events (see {@link Listeners}), the state with its `state`/`open`
 * events, the pull queue behind receive() and `for await`, and the `closed` promise that
 * resolves once and never rejects. Subclasses drive it with setState/deliver/reportError/finish.
 *
 * Delivery waits for a consumer: a message that arrives while nobody listens to `message` and
 * nobody pulls (receive() or an iterator) is held, then handed to the first consumer, in order,
 * so that frames that came with the opening handshake reach listeners attached after connect()
 * resolved. Held and queued messages count towards `receiveHighWaterMark`: past it the
 * subclass is asked to stop reading its transport, and to start again once they are down to half.
 */
export abstract class BaseConnection implements Connection {
  abstract readonly url: string;
  abstract readonly protocol: string;
  abstract readonly extensions: string;
  abstract readonly bufferedAmount: number;
  protected readonly emitter = new Listeners<ConnectionEvents>();
  /**
   * The pull queue, created by the first receive(), iterator, or message that finds no
   * listener: a connection read through `message` events only never needs one.
   */
  private pullQueue: MessageQueue | null = null;
  private currentState: ConnectionState;
  /** `closed`, created when first asked for (a server holding thousands of connections rarely does). */
  private closedPromise: Promise<CloseInfo> | null = null;
  private resolveClosed: ((info: CloseInfo) => void) | null = null;
  private closeInfo: CloseInfo | null = null;
  /** What finish() was given for the pull queue to end with, if anything; the queue may be created after it. */
  private queueEnding: WireKitError | null = null;
  private readonly receiveHighWaterMark: number;
  private readonly maxBufferedAmount: number;
  /** Messages that arrived with no consumer, in order; null while there are none. */
  private held: Message[] | null = null;
  private heldBytes = 0;
  /** DRAIN_SCHEDULED | DRAINING | READING_PAUSED | NO_FLOW_CONTROL: one field instead of four per connection. */
  private flags = 0;

  /** @throws {WireKitUsageError} WK_ERR_INVALID_ARGUMENT for a limit that is not a number > 0. */
  protected constructor(initial: ConnectionState, limits: ConnectionLimits = {}) {
    const receiveHighWaterMark = limits.receiveHighWaterMark ?? DEFAULT_RECEIVE_HIGH_WATER_MARK;
    const maxBufferedAmount = limits.maxBufferedAmount ?? DEFAULT_MAX_BUFFERED_AMOUNT;
    if (!(receiveHighWaterMark > 0)) throw new WireKitUsageError('WK_ERR_INVALID_ARGUMENT', 'receiveHighWaterMark must be a number of bytes > 0');
    if (!(maxBufferedAmount > 0)) throw new WireKitUsageError('WK_ERR_INVALID_ARGUMENT', 'maxBufferedAmount must be a number of bytes > 0');
    this.currentState = initial;
    this.receiveHighWaterMark = receiveHighWaterMark;
    this.maxBufferedAmount = maxBufferedAmount;
  }

  get state(): ConnectionState {
    return this.currentState;
  }

  /** Resolves once with how the connection closed; never rejects. The same promise every time. */
  get closed(): Promise<CloseInfo> {
    if (this.closedPromise === null) {
      const info = this.closeInfo;
      this.closedPromise = info !== null ? Promise.resolve(info) : new Promise((resolve) => (this.resolveClosed = resolve));
    }
    return this.closedPromise;
  }

  /** The pull queue, created on first use. */
  protected get queue(): MessageQueue {
    if (this.pullQueue === null) {
      this.pullQueue = new MessageQueue(() => this.updateFlow());
      // A queue first used after the close (receive() on a connection read through events) is over too.
      if (this.closeInfo !== null) this.pullQueue.end(this.queueEnding ?? closedError(this.closeInfo));
    }
    return this.pullQueue;
  }

  abstract send(data: Message): Promise<void>;
  abstract ping(payload?: Uint8Array): Promise<number>;
  abstract close(code?: number, reason?: string): Promise<CloseInfo>;
  abstract terminate(error?: WireKitError): void;
  /** Stop reading the transport (too many received messages are waiting for a consumer). */
  protected abstract pauseReading(): void;
  protected abstract resumeReading(): void;
  /** Hold (true) or release asynchronous decoding of received messages; nothing to do without any. */
  protected holdDecoding(_held: boolean): void {}

  /** Bytes received and not yet decoded into messages (an extension's backlog); 0 unless a subclass has one. */
  protected get inputBacklog(): number {
    return 0;
  }

  /**
   * Received messages not taken yet: held for a first consumer, queued for receive(), or still
   * to be decoded by an extension. Text counts its UTF-16 code units. Reading pauses above
   * `receiveHighWaterMark`.
   */
  get queuedAmount(): number {
    return this.heldBytes + (this.pullQueue?.bytes ?? 0) + this.inputBacklog;
  }

  /** One-shot pull of the next message; rejects WK_ERR_CLOSED once closed and nothing is queued. */
  receive(): Promise<Message> {
    this.startPulling();
    return quiet(this.queue.receive());
  }

  [Symbol.asyncIterator](): AsyncIterator<Message> {
    this.startPulling();
    return this.queue.iterator();
  }

  on<E extends keyof ConnectionEvents>(event: E, listener: (...args: ConnectionEvents[E]) => void): () => void {
    const fn = listener;
    this.emitter.on(event, fn);
    // On a microtask, so that on() returns (and its remover exists) before the listener runs.
    if (event === 'message' && this.held !== null && this.held.length > 0 && (this.flags & DRAIN_SCHEDULED) === 0) {
      this.flags |= DRAIN_SCHEDULED;
      queueMicrotask(() => {
        this.flags &= ~DRAIN_SCHEDULED;
        this.drainHeld();
      });
    }
    return () => {
      this.emitter.off(event, fn);
    };
  }

  protected setState(state: ConnectionState): void {
    if (state === this.currentState) return;
    this.currentState = state;
    this.emitter.emit('state', state);
    if (state === 'open') this.emitter.emit('open');
  }

  protected deliver(message: Message): void {
    if (this.held === null && (this.flags & DRAINING) === 0 && this.hasConsumer()) this.dispatch(message);
    else {
      (this.held ??= []).push(message);
      this.heldBytes += messageSize(message);
    }
    this.updateFlow();
  }

  /** WK_ERR_BUFFER_FULL when a message of `size` bytes may not be queued now (see {@link ConnectionLimits.maxBufferedAmount}), else null. */
  protected bufferFull(size: number): WireKitError | null {
    const buffered = this.bufferedAmount;
    if (buffered === 0 || buffered + size <= this.maxBufferedAmount) return null;
    return new WireKitError('WK_ERR_BUFFER_FULL', `cannot queue ${size} bytes: ${buffered} are buffered and maxBufferedAmount is ${this.maxBufferedAmount}; wait for earlier sends`, { errno: 'ENOBUFS' });
  }

  /** From now on reading never pauses (the closing handshake must see the peer's Close); resumes it if paused. */
  protected stopFlowControl(): void {
    this.flags |= NO_FLOW_CONTROL;
    this.updateFlow();
  }

  /**
   * Output the connection wrote on its own (pongs) is (true) or is no longer (false) backed up:
   * reading pauses meanwhile, so that a peer that sends pings and does not read finds its own
   * TCP buffers full instead of growing ours.
   */
  protected outputBlocked(blocked: boolean): void {
    if (blocked === ((this.flags & OUTPUT_BLOCKED) !== 0)) return;
    if (blocked) this.flags |= OUTPUT_BLOCKED;
    else this.flags &= ~OUTPUT_BLOCKED;
    this.updateFlow();
  }

  protected reportError(error: WireKitError): void {
    this.emitter.emit('error', error);
  }

  /**
   * Ends the connection (once): state closed, pending receive() calls rejected, `close` emitted,
   * `closed` resolved. `ending` (or WK_ERR_CLOSED, see {@link closedError}) is built only if a
   * receive() needs it: most connections close with nothing pending.
   */
  protected finish(info: CloseInfo, ending?: WireKitError): void {
    if (this.closeInfo !== null) return;
    this.closeInfo = info;
    this.queueEnding = ending ?? null;
    // Messages held for a listener attached a moment ago go before the close.
    this.drainHeld();
    this.setState('closed');
    // No closure and no error per close unless a queue exists (and then the error only if a receive() waits).
    if (this.pullQueue !== null) this.pullQueue.end(ending ?? (() => closedError(info)));
    // Resolved before the event, so that a throwing `close` listener cannot leave `closed` pending.
    this.resolveClosed?.(info);
    this.resolveClosed = null;
    this.emitter.emit('close', info);
  }

  private hasConsumer(): boolean {
    return this.pullQueue?.isPulling === true || this.emitter.listenerCount('message') > 0;
  }

  private dispatch(message: Message): void {
    const listening = this.emitter.listenerCount('message') > 0;
    // With listeners and nobody pulling, the queue would not keep the message: do not create it.
    if (this.pullQueue !== null || !listening) this.queue.push(message, listening);
    this.emitter.emit('message', message);
  }

  private startPulling(): void {
    this.queue.startPulling();
    this.drainHeld();
  }

  /** Hands held messages to the consumers, in order, while there are any (a listener may remove itself). */
  private drainHeld(): void {
    const held = this.held;
    if ((this.flags & DRAINING) !== 0 || held === null) return;
    this.flags |= DRAINING;
    let index = 0;
    try {
      while (index < held.length && this.hasConsumer()) {
        const message = held[index++]!;
        this.heldBytes -= messageSize(message);
        this.dispatch(message);
      }
    } finally {
      held.splice(0, index);
      // Messages held meanwhile (a listener that removed itself) were pushed to `held`.
      if (this.held === held && held.length === 0) this.held = null;
      this.flags &= ~DRAINING;
    }
    this.updateFlow();
  }

  /** Pauses or resumes reading, and holds or releases decoding, after anything they depend on changed. */
  protected updateFlow(): void {
    const flags = this.flags;
    const messages = this.heldBytes + (this.pullQueue?.bytes ?? 0);
    const backlog = this.inputBacklog;
    const queued = messages + backlog;
    const paused = (flags & READING_PAUSED) !== 0;
    const flowControl = (flags & NO_FLOW_CONTROL) === 0;
    const mark = this.receiveHighWaterMark;
    // While an extension decodes (inflates), reading waits, as ws's receiver does: a compressed
    // byte can cost a thousand to inflate, so a backlog of them is work, and time before a peer
    // that left is noticed, out of proportion to its size.
    const hold = (flags & OUTPUT_BLOCKED) !== 0 || backlog > 0;
    if (!paused && flowControl && (queued > mark || hold)) {
      this.flags |= READING_PAUSED;
      this.pauseReading();
    } else if (paused && (!flowControl || (queued <= mark / 2 && !hold))) {
      this.flags &= ~READING_PAUSED;
      this.resumeReading();
    }
    // Decoding waits for the decoded messages to be taken, closing or not: what it would
    // produce is bounded by what was read, which can inflate a thousandfold.
    const held = (flags & DECODING_HELD) !== 0;
    if (!held && messages > mark) {
      this.flags |= DECODING_HELD;
      this.holdDecoding(true);
    } else if (held && messages <= mark / 2) {
      this.flags &= ~DECODING_HELD;
      this.holdDecoding(false);
    }
  }
}
