import { EventEmitter } from 'eventemitter3';
import { WireKitUsageError } from '@wirekit/protocol';
import { quiet, rejected } from './base-connection.js';
import { systemClock, type Clock } from './clock.js';
import type { CloseInfo, Connection, ConnectionFactory, ConnectionState, Message } from './connection.js';
import { keepAlive } from './keep-alive.js';
import { closeMisuse, pingMisuse } from './misuse.js';
import { MessageQueue } from './message-queue.js';
import type { ReconnectGiveUp, ReconnectingConnectionEvents } from './reconnect-events.js';
import { ReconnectOutbox } from './reconnect-outbox.js';
import { backoffDelay, resolvePolicy, type ReconnectCause, type ReconnectPolicy, type ResolvedPolicy } from './reconnect-policy.js';
import { notAMessage, notOpen } from './send-ticket.js';
import { toWireKitError, WireKitError } from './wirekit-error.js';

/** The internal phase; `waiting` is a backoff delay, `switching` the old link closing for reconnect(). */
type Phase = 'connecting' | 'open' | 'waiting' | 'switching' | 'closing' | 'closed';

const ABNORMAL: CloseInfo = { code: 1006, reason: '', wasClean: false };

/**
 * A {@link Connection} that survives its links: when one drops it connects again through the
 * factory with exponential backoff and jitter, as long as the policy allows, holding messages
 * sent meanwhile in a bounded outbox and sending them, in order, on the next link.
 *
 * Its state is `connecting` while (re)connecting or waiting to, `open` while a link is; it is
 * `closed` only after close() or terminate() (for good), or after giving up (until reconnect()).
 * `open` and `state` events fire on every link; `close` and `closed` only when it ends.
 * Messages of every link arrive in one stream (`message`, receive(), `for await`).
 *
 * A message already handed to a link that then drops is not resent (the peer may or may not
 * have received it): its send() settles as that link's did. Delivery is at most once, and a
 * message is never lost silently.
 */
export class ReconnectingConnection implements Connection {
  readonly url: string;
  readonly #factory: ConnectionFactory;
  readonly #policy: ResolvedPolicy;
  readonly #source: ReconnectPolicy;
  readonly #clock: Clock;
  readonly #emitter = new EventEmitter<ReconnectingConnectionEvents>();
  readonly #outbox: ReconnectOutbox;
  #queue = new MessageQueue();
  #closed!: Promise<CloseInfo>;
  #resolveClosed!: (info: CloseInfo) => void;
  #state: ConnectionState = 'connecting';
  #phase: Phase = 'connecting';
  #stopped = false;
  #opened = false;
  #attempt = 0;
  /** Bumped for every attempt and link, so that late results of abandoned ones are ignored. */
  #generation = 0;
  #timer: unknown = null;
  #abort: AbortController | null = null;
  #link: Connection | null = null;
  #linkError: WireKitError | null = null;
  #unlink: Array<() => void> = [];
  readonly #emitHeld = (message: Message): void => void this.#emitter.emit('message', message);

  constructor(factory: ConnectionFactory, url: string | URL, policy: ReconnectPolicy = {}) {
    this.#policy = resolvePolicy(policy);
    this.#source = policy;
    this.#factory = factory;
    this.url = String(url);
    this.#clock = policy.clock ?? systemClock;
    this.#outbox = new ReconnectOutbox(this.#policy.outbox, (data) => this.#emitter.emit('dropped', data));
    this.#newRun();
    this.#connect();
  }

  get state(): ConnectionState {
    return this.#state;
  }

  /** Resolves when this connection closes: for good, or by giving up (after which reconnect() starts a new `closed`). */
  get closed(): Promise<CloseInfo> {
    return this.#closed;
  }

  get protocol(): string {
    return this.#link?.protocol ?? '';
  }

  get extensions(): string {
    return this.#link?.extensions ?? '';
  }

  /** The current link's buffered bytes plus the outbox's. */
  get bufferedAmount(): number {
    return (this.#link?.bufferedAmount ?? 0) + this.#outbox.bufferedAmount;
  }

  /** Messages waiting in the outbox for the next link. */
  get outboxSize(): number {
    return this.#outbox.size;
  }

  /** The open link, or null while disconnected. Its messages are pulled by this connection: read them here, not from the link. */
  get current(): Connection | null {
    return this.#phase === 'open' ? this.#link : null;
  }

  /**
   * Sends on the open link; while disconnected, applies the outbox policy: held and sent on the
   * next link (resolving then), refused WK_ERR_OUTBOX_FULL at the bound, or rejected
   * WK_ERR_NOT_OPEN under `'reject'`. Rejects WK_ERR_NOT_OPEN once closed or closing, and
   * WK_ERR_INVALID_ARGUMENT for data that is not a string or Uint8Array.
   */
  send(data: Message): Promise<void> {
    if (typeof data !== 'string' && !(data instanceof Uint8Array)) return rejected(notAMessage());
    // A link that is already closing (its loss not yet handled) counts as disconnected: the message is held.
    if (this.#phase === 'open' && this.#link !== null && this.#link.state === 'open') return this.#link.send(data);
    if (this.#stopped || this.#phase === 'closed' || this.#phase === 'closing' || this.#policy.outbox.policy === 'reject') {
      return rejected(notOpen(this.#phase === 'switching' || this.#phase === 'waiting' ? 'disconnected' : this.#state));
    }
    return this.#outbox.add(data);
  }

  /** One-shot pull of the next message from any link; rejects WK_ERR_CLOSED once closed and nothing is queued. */
  receive(): Promise<Message> {
    return quiet(this.#queue.receive());
  }

  [Symbol.asyncIterator](): AsyncIterator<Message> {
    return this.#queue.iterator();
  }

  /** Pings over the open link; rejects WK_ERR_NOT_OPEN while disconnected, and a bad payload as every Connection. */
  ping(payload?: Uint8Array): Promise<number> {
    const misuse = pingMisuse(payload);
    if (misuse !== null) return rejected(misuse);
    if (this.#phase === 'open' && this.#link !== null) return this.#link.ping(payload);
    return rejected(notOpen(this.#state));
  }

  /**
   * Stops for good: closes the open link with `code`/`reason` and resolves with how it closed;
   * while disconnected, abandons the attempt or the wait and resolves with 1006 (no closing
   * handshake took place). Held messages are rejected with WK_ERR_CLOSED.
   * Rejects (never throws) WK_ERR_INVALID_CLOSE_CODE, WK_ERR_CLOSE_REASON_TOO_LONG, as every Connection.
   */
  close(code?: number, reason?: string): Promise<CloseInfo> {
    const misuse = closeMisuse(code, reason);
    if (misuse !== null) return rejected(misuse);
    if (this.#stopped) return this.#closed;
    this.#stopped = true;
    switch (this.#phase) {
      case 'open':
        this.#phase = 'closing';
        this.#setState('closing');
        void this.#link!.close(code, reason);
        break;
      case 'switching':
        this.#phase = 'closing';
        this.#setState('closing');
        break;
      case 'connecting':
      case 'waiting':
        this.#cancelPending();
        this.#end(ABNORMAL);
        break;
      case 'closing':
      case 'closed':
        break;
    }
    return this.#closed;
  }

  /** Stops for good at once: the link (if any) is terminated and the connection closes with 1006, after reporting `error` if given. */
  terminate(error?: WireKitError): void {
    if (this.#stopped && this.#phase === 'closed') return;
    this.#stopped = true;
    if (this.#phase === 'closed') return;
    if (error !== undefined) this.#emitter.emit('error', error);
    this.#cancelPending();
    const link = this.#detach();
    link?.terminate();
    this.#end(ABNORMAL);
  }

  /**
   * Reconnects now: skips a backoff wait, replaces the open link (closed with 1000 'reconnect'),
   * or resumes after giving up (a fresh count of retries and a new `closed`). No-op while an
   * attempt is in flight.
   * @throws {WireKitUsageError} WK_ERR_NOT_OPEN after close() or terminate().
   */
  reconnect(): void {
    if (this.#stopped) throw new WireKitUsageError('WK_ERR_NOT_OPEN', 'reconnect(): the connection was closed for good');
    switch (this.#phase) {
      case 'waiting':
        this.#cancelPending();
        this.#connect();
        return;
      case 'open':
        this.#phase = 'switching';
        this.#setState('connecting');
        void this.#link!.close(1000, 'reconnect');
        return;
      case 'closed':
        this.#newRun();
        this.#attempt = 1;
        this.#emitter.emit('reconnecting', { attempt: 1, delay: 0, cause: null });
        this.#connect();
        return;
      case 'connecting':
      case 'switching':
      case 'closing':
        return;
    }
  }

  /** Adds a listener; returns the function that removes it. */
  on<E extends keyof ReconnectingConnectionEvents>(event: E, listener: (...args: ReconnectingConnectionEvents[E]) => void): () => void {
    // eventemitter3's listener type is computed from the event map; the cast bridges the generic.
    this.#emitter.on(event, listener as never);
    // Messages pulled from the link before anyone listened go to the first listener (core's contract).
    if (event === 'message') this.#queue.handOver(this.#emitHeld);
    return () => {
      this.#emitter.off(event, listener as never);
    };
  }

  #newRun(): void {
    this.#queue = new MessageQueue();
    this.#closed = new Promise((resolve) => (this.#resolveClosed = resolve));
  }

  #setState(state: ConnectionState): void {
    if (state === this.#state) return;
    this.#state = state;
    this.#emitter.emit('state', state);
    if (state === 'open') this.#emitter.emit('open');
  }

  #connect(): void {
    const generation = ++this.#generation;
    this.#phase = 'connecting';
    this.#setState('connecting');
    const abort = new AbortController();
    this.#abort = abort;
    const { connectTimeout } = this.#policy;
    this.#timer = this.#clock.setTimeout(() => {
      if (generation !== this.#generation) return;
      this.#timer = null;
      this.#cancelPending();
      this.#decide({ kind: 'failed', error: new WireKitError('WK_ERR_CONNECT_TIMEOUT', `the connect attempt did not open within ${connectTimeout} ms`) });
    }, connectTimeout);
    let attempt: Promise<Connection>;
    try {
      attempt = this.#factory(this.url, { ...this.#source.connectOptions, connectTimeout, signal: abort.signal });
    } catch (error) {
      attempt = Promise.reject(error);
    }
    attempt.then(
      (link) => {
        if (generation !== this.#generation || this.#phase !== 'connecting') return link.terminate();
        this.#cancelPending();
        this.#adopt(link);
      },
      (error: unknown) => {
        if (generation !== this.#generation || this.#phase !== 'connecting') return;
        this.#cancelPending();
        this.#decide({ kind: 'failed', error: toWireKitError(error) });
      },
    );
  }

  #adopt(link: Connection): void {
    const generation = ++this.#generation;
    this.#link = link;
    this.#linkError = null;
    this.#unlink = [
      link.on('error', (error) => {
        this.#linkError ??= error;
        this.#emitter.emit('error', error);
      }),
      link.on('ping', (data) => this.#emitter.emit('ping', data)),
      link.on('pong', (data) => this.#emitter.emit('pong', data)),
    ];
    if (this.#source.keepAlive !== undefined && link.state === 'open') this.#unlink.push(keepAlive(link, { clock: this.#clock, ...this.#source.keepAlive }));
    // Pulled, not listened to: messages the link received before it was handed over (right
    // after the 101) wait in its own queue. The link counts as lost once both its `closed` has
    // resolved and its last message has been taken, so none is cut off by the end.
    const pumped = this.#pump(link);
    void Promise.all([link.closed, pumped]).then(([info]) => {
      if (generation === this.#generation && this.#link === link) this.#lost(info);
    });
    if (link.state !== 'open') return;
    const attempt = this.#attempt;
    this.#attempt = 0;
    this.#phase = 'open';
    // Held messages go first, so that sends made by `open` listeners follow them.
    this.#outbox.flush(link);
    this.#setState('open');
    this.#emitter.emit('connection', link);
    if (this.#opened) this.#emitter.emit('reconnected', { attempt, connection: link });
    this.#opened = true;
  }

  async #pump(link: Connection): Promise<void> {
    try {
      for await (const data of link) {
        if (this.#link !== link) break;
        this.#queue.push(data, this.#emitter.listenerCount('message') > 0);
        try {
          this.#emitter.emit('message', data);
        } catch (error) {
          // A throwing listener must not stop delivery; its exception surfaces as an uncaught one, as from any event callback.
          queueMicrotask(() => {
            throw error;
          });
        }
      }
    } catch {
      // The link's queue only ends with WK_ERR_CLOSED, which ends the loop; nothing else to report.
    }
  }

  #detach(): Connection | null {
    const link = this.#link;
    for (const off of this.#unlink.splice(0)) off();
    this.#link = null;
    this.#generation++;
    return link;
  }

  /** The link closed: finish (close() asked for it), reconnect at once (reconnect() did), or ask the policy. */
  #lost(info: CloseInfo): void {
    const error = this.#linkError;
    const phase = this.#phase;
    this.#detach();
    if (phase === 'closing') return this.#end(info);
    this.#emitter.emit('disconnect', info, error);
    if (phase === 'switching') {
      this.#attempt = 1;
      this.#emitter.emit('reconnecting', { attempt: 1, delay: 0, cause: null });
      return this.#connect();
    }
    this.#decide({ kind: 'closed', info, error });
  }

  #decide(cause: ReconnectCause): void {
    let retry: boolean;
    try {
      retry = this.#policy.shouldReconnect(cause);
    } catch {
      retry = false;
    }
    if (!retry || this.#attempt >= this.#policy.maxRetries) {
      const error = cause.error;
      const event: ReconnectGiveUp = { attempts: this.#attempt, reason: retry ? 'max-retries' : 'not-retryable', cause, error };
      this.#phase = 'closed';
      if (error !== null && cause.kind === 'failed') this.#emitter.emit('error', error);
      this.#emitter.emit('give-up', event);
      return this.#end(cause.kind === 'closed' ? cause.info : ABNORMAL, cause.kind === 'closed' ? cause.error : null);
    }
    const attempt = ++this.#attempt;
    const delay = backoffDelay(attempt, this.#policy);
    this.#phase = 'waiting';
    this.#setState('connecting');
    this.#emitter.emit('reconnecting', { attempt, delay, cause });
    const generation = this.#generation;
    this.#timer = this.#clock.setTimeout(() => {
      if (generation !== this.#generation || this.#phase !== 'waiting') return;
      this.#timer = null;
      this.#connect();
    }, delay);
  }

  #cancelPending(): void {
    if (this.#timer !== null) this.#clock.clearTimeout(this.#timer);
    this.#timer = null;
    this.#abort?.abort();
    this.#abort = null;
    this.#generation++;
  }

  /**
   * This run is over: held messages and pending receives fail — with the error that failed the
   * last link when one did (a violation's WK_ERR_* rather than WK_ERR_CLOSED), `close` is
   * emitted and `closed` resolves.
   */
  #end(info: CloseInfo, failure: WireKitError | null = null): void {
    this.#phase = 'closed';
    const closed = failure ?? new WireKitError('WK_ERR_CLOSED', `the connection closed (${info.code}${info.reason === '' ? '' : ` ${info.reason}`})`, { closeCode: info.code });
    this.#outbox.failAll(closed);
    this.#queue.end(closed);
    this.#setState('closed');
    this.#resolveClosed(info);
    this.#emitter.emit('close', info);
  }
}

/**
 * Wraps any {@link ConnectionFactory} into a {@link ReconnectingConnection} to `url`, which
 * starts connecting at once. See {@link ReconnectPolicy} for the backoff, retry, predicate,
 * connect timeout and outbox settings and the reason for each default.
 *
 * @example
 * const connection = reconnecting(connect, 'wss://example.com/feed', { maxRetries: 10, outbox: { policy: 'drop-oldest', maxMessages: 100 } });
 * connection.on('reconnecting', ({ attempt, delay }) => console.log(`retry ${attempt} in ${delay} ms`));
 * @throws {WireKitUsageError} WK_ERR_INVALID_ARGUMENT for an out-of-range policy value.
 */
export function reconnecting(factory: ConnectionFactory, url: string | URL, policy: ReconnectPolicy = {}): ReconnectingConnection {
  return new ReconnectingConnection(factory, url, policy);
}
