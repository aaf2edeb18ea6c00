import type { Observable, Subscription } from 'rxjs';
import { WireKitError, type CloseInfo, type Connection, type ConnectionEvents, type ConnectionState, type Message } from '@wirekit/core';

type Listener = (...args: never[]) => void;

/**
 * A Connection driven by the test, counting its listeners: `on` returns an unsubscribe that
 * really removes the listener, so `listenerCount()` shows what a subscription left behind.
 */
export class FakeConnection implements Connection {
  readonly url = 'ws://fake.test/';
  readonly protocol = '';
  readonly extensions = '';
  readonly bufferedAmount = 0;
  readonly closed: Promise<CloseInfo>;
  readonly sent: Message[] = [];
  /** What send() returns; by default it resolves at once while open. */
  sendImpl: (data: Message) => Promise<void> = () => Promise.resolve();
  /** The error the connection keeps, as EngineConnection's `error`. */
  error: WireKitError | null = null;
  private current: ConnectionState;
  private readonly listeners = new Map<keyof ConnectionEvents, Set<Listener>>();
  private resolveClosed!: (info: CloseInfo) => void;

  constructor(state: ConnectionState = 'open') {
    this.current = state;
    this.closed = new Promise((resolve) => (this.resolveClosed = resolve));
  }

  get state(): ConnectionState {
    return this.current;
  }

  listenerCount(): number {
    let count = 0;
    for (const set of this.listeners.values()) count += set.size;
    return count;
  }

  on<E extends keyof ConnectionEvents>(event: E, listener: (...args: ConnectionEvents[E]) => void): () => void {
    const set = this.listeners.get(event) ?? new Set<Listener>();
    this.listeners.set(event, set);
    set.add(listener as Listener);
    return () => {
      set.delete(listener as Listener);
    };
  }

  send(data: Message): Promise<void> {
    if (this.current !== 'open') return Promise.reject(new WireKitError('WK_ERR_NOT_OPEN', 'not open', { domain: 'usage' }));
    this.sent.push(data);
    return this.sendImpl(data);
  }

  receive(): Promise<Message> {
    return Promise.reject(new WireKitError('WK_ERR_UNSUPPORTED', 'the fake does not pull'));
  }

  ping(): Promise<number> {
    return Promise.resolve(0);
  }

  close(): Promise<CloseInfo> {
    this.end({ code: 1000, reason: '', wasClean: true });
    return this.closed;
  }

  terminate(): void {
    this.end({ code: 1006, reason: '', wasClean: false });
  }

  [Symbol.asyncIterator](): AsyncIterator<Message> {
    throw new Error('the fake does not iterate');
  }

  // The test's side.
  open(): void {
    this.setState('open');
    this.emit('open');
  }

  message(data: Message): void {
    this.emit('message', data);
  }

  fail(error: WireKitError): void {
    this.emit('error', error);
  }

  end(info: CloseInfo): void {
    if (this.current === 'closed') return;
    this.setState('closed');
    this.resolveClosed(info);
    this.emit('close', info);
  }

  setState(state: ConnectionState): void {
    this.current = state;
    this.emit('state', state);
  }

  private emit<E extends keyof ConnectionEvents>(event: E, ...args: ConnectionEvents[E]): void {
    for (const listener of [...(this.listeners.get(event) ?? [])]) (listener as (...a: ConnectionEvents[E]) => void)(...args);
  }
}

/** What a subscription saw: the values, the error (undefined if none) and whether it completed. */
export interface Recording<T> {
  readonly values: T[];
  error: unknown;
  completed: boolean;
  readonly subscription: Subscription;
}

/** Subscribes to `observable` and records everything it delivers. */
export function record<T>(observable: Observable<T>): Recording<T> {
  const values: T[] = [];
  const recording = { values, error: undefined as unknown, completed: false } as Recording<T>;
  const subscription = observable.subscribe({
    next: (value) => void values.push(value),
    error: (error: unknown) => void (recording.error = error),
    complete: () => void (recording.completed = true),
  });
  return Object.assign(recording, { subscription });
}

/** Lets pending promise callbacks run. */
export function flush(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}
