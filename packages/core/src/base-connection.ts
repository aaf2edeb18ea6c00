import { EventEmitter } from 'eventemitter3';
import type { CloseInfo, Connection, ConnectionEvents, ConnectionState, Message } from './connection.js';
import { MessageQueue } from './message-queue.js';
import { WireKitError } from './wirekit-error.js';

/** Attaches a no-op handler so that a promise nobody awaits cannot become an unhandled rejection; awaiters still see it reject. */
export function quiet<T>(promise: Promise<T>): Promise<T> {
  promise.catch(() => undefined);
  return promise;
}

/** A rejected promise that cannot become an unhandled rejection. */
export function rejected<T>(error: WireKitError): Promise<T> {
  return quiet(Promise.reject(error));
}

/**
 * What every core Connection shares: events (eventemitter3), the state with its `state`/`open`
 * events, the pull queue behind receive() and `for await`, and the `closed` promise that
 * resolves once and never rejects. Subclasses drive it with setState/deliver/reportError/finish.
 */
export abstract class BaseConnection implements Connection {
  abstract readonly url: string;
  abstract readonly protocol: string;
  abstract readonly extensions: string;
  abstract readonly bufferedAmount: number;
  readonly closed: Promise<CloseInfo>;
  protected readonly emitter = new EventEmitter<ConnectionEvents>();
  protected readonly queue = new MessageQueue();
  private currentState: ConnectionState;
  private resolveClosed!: (info: CloseInfo) => void;
  private closeInfo: CloseInfo | null = null;

  protected constructor(initial: ConnectionState) {
    this.currentState = initial;
    this.closed = new Promise((resolve) => (this.resolveClosed = resolve));
  }

  get state(): ConnectionState {
    return this.currentState;
  }

  abstract send(data: Message): Promise<void>;
  abstract ping(payload?: Uint8Array): Promise<number>;
  abstract close(code?: number, reason?: string): Promise<CloseInfo>;
  abstract terminate(error?: WireKitError): void;

  /** One-shot pull of the next message; rejects WK_ERR_CLOSED once closed and nothing is queued. */
  receive(): Promise<Message> {
    return quiet(this.queue.receive());
  }

  [Symbol.asyncIterator](): AsyncIterator<Message> {
    return this.queue.iterator();
  }

  on<E extends keyof ConnectionEvents>(event: E, listener: (...args: ConnectionEvents[E]) => void): () => void {
    // eventemitter3's listener type is computed from ConnectionEvents; the cast bridges the generic.
    const fn = listener as Parameters<typeof this.emitter.on<E>>[1];
    this.emitter.on(event, fn);
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
    this.queue.push(message, this.emitter.listenerCount('message') > 0);
    this.emitter.emit('message', message);
  }

  protected reportError(error: WireKitError): void {
    this.emitter.emit('error', error);
  }

  /** Ends the connection (once): state closed, pending receive() calls rejected, `close` emitted, `closed` resolved. */
  protected finish(info: CloseInfo): void {
    if (this.closeInfo !== null) return;
    this.closeInfo = info;
    this.setState('closed');
    this.queue.end(new WireKitError('WK_ERR_CLOSED', `the connection closed (${info.code}${info.reason === '' ? '' : ` ${info.reason}`})`, { closeCode: info.code }));
    // Resolved before the event, so that a throwing `close` listener cannot leave `closed` pending.
    this.resolveClosed(info);
    this.emitter.emit('close', info);
  }
}
