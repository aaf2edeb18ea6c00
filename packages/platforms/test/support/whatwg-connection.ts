/**
 * A small reference Connection over the runtime's native WHATWG WebSocket (browsers, Bun, Deno):
 * the baseline of what a plain WebSocket offers in each runtime, and the harness's first
 * browser-capable factory while @wirekit/task and @wirekit/adapter are written. Not a package.
 * What the WHATWG API cannot do (ping, headers, a receive limit, abort, close codes under 3000,
 * failure details) is rejected with WK_ERR_UNSUPPORTED or listed as skipped with its reason.
 */
import { closeMisuse, defineConnect, notAMessageError, pingMisuse, notOpenError, peerCloseError, WireKitError, type CloseInfo, type Connection, type ConnectionEvents, type ConnectionFactory, type ConnectionState, type ConnectOptions, type Message } from '@wirekit/core';

/** The parts of a WHATWG WebSocket used here. */
interface NativeSocket {
  readonly readyState: number;
  readonly url: string;
  readonly protocol: string;
  readonly extensions: string;
  readonly bufferedAmount: number;
  binaryType: string;
  send(data: string | Uint8Array): void;
  close(code?: number, reason?: string): void;
  addEventListener(type: string, listener: (event: { readonly data?: unknown; readonly code?: number; readonly reason?: string; readonly wasClean?: boolean }) => void): void;
}

type NativeSocketConstructor = new (url: string, protocols?: string[]) => NativeSocket;

const OPEN = 1;
const DRAIN_POLL_MS = 5;
const DEFAULT_CLOSE_TIMEOUT = 5_000;
const DEFAULT_CONNECT_TIMEOUT = 30_000;
type Listener = (...args: never[]) => void;

const closedError = (code: number): WireKitError => new WireKitError('WK_ERR_CLOSED', `the connection closed (${code})`, { closeCode: code });

function handled<T>(promise: Promise<T>): Promise<T> {
  promise.catch(() => undefined);
  return promise;
}

class NativeConnection implements Connection {
  readonly closed: Promise<CloseInfo>;
  private current: ConnectionState = 'open';
  private readonly listeners = new Map<string, Set<Listener>>();
  private readonly inbox: Message[] = [];
  private readonly pulls: Array<(result: IteratorResult<Message>) => void> = [];
  /** Sends waiting for bufferedAmount to drain past their last byte. */
  private readonly sends: Array<{ mark: number; resolve: () => void; reject: (error: Error) => void }> = [];
  private written = 0;
  private drained = 0;
  private drainTimer: ReturnType<typeof setInterval> | undefined;
  private closeTimer: ReturnType<typeof setTimeout> | undefined;
  private info: CloseInfo | undefined;
  private finish!: (info: CloseInfo) => void;

  constructor(private readonly socket: NativeSocket, private readonly closeTimeout: number) {
    this.closed = new Promise((resolve) => (this.finish = resolve));
    socket.addEventListener('message', (event) => {
      const data = event.data;
      this.deliver(typeof data === 'string' ? data : new Uint8Array(data as ArrayBuffer));
    });
    socket.addEventListener('error', () => this.emit('error', new WireKitError('WK_ERR_TRANSPORT', 'the WebSocket failed (WHATWG gives no details)')));
    socket.addEventListener('close', (event) => this.end({ code: event.code ?? 1006, reason: event.reason ?? '', wasClean: event.wasClean ?? false }));
  }

  get url(): string { return this.socket.url; }
  get state(): ConnectionState { return this.current; }
  get protocol(): string { return this.socket.protocol; }
  get extensions(): string { return this.socket.extensions; }
  get bufferedAmount(): number { return this.current === 'closed' ? 0 : this.socket.bufferedAmount; }

  send(data: Message): Promise<void> {
    if (typeof data !== 'string' && !(data instanceof Uint8Array)) return handled(Promise.reject(notAMessageError()));
    if (this.current !== 'open' || this.socket.readyState !== OPEN) return handled(Promise.reject(notOpenError(this.current)));
    const size = typeof data === 'string' ? new TextEncoder().encode(data).length : data.length;
    this.socket.send(data);
    this.written += size;
    if (this.socket.bufferedAmount === 0) return Promise.resolve();
    return handled(new Promise((resolve, reject) => {
      this.sends.push({ mark: this.written, resolve, reject });
      this.drainTimer ??= setInterval(() => this.drain(), DRAIN_POLL_MS);
    }));
  }

  receive(): Promise<Message> {
    const next = this.inbox.shift();
    if (next !== undefined) return Promise.resolve(next);
    if (this.info !== undefined) return handled(Promise.reject(closedError(this.info.code)));
    return handled(new Promise((resolve, reject) => this.pulls.push((result) => (result.done === true ? reject(closedError(this.info?.code ?? 1006)) : resolve(result.value)))));
  }

  ping(payload?: Uint8Array): Promise<number> {
    const misuse = pingMisuse(payload);
    if (misuse !== null) return handled(Promise.reject(misuse));
    if (this.current !== 'open') return handled(Promise.reject(notOpenError(this.current)));
    return handled(Promise.reject(new WireKitError('WK_ERR_UNSUPPORTED', 'a WHATWG WebSocket cannot send pings', { domain: 'usage' })));
  }

  close(code?: number, reason = ''): Promise<CloseInfo> {
    const misuse = closeMisuse(code, reason);
    if (misuse !== null) return handled(Promise.reject(misuse));
    if (this.current === 'open') {
      this.setState('closing');
      // Browsers read close(undefined, '') as code 0 and throw: pass only what was given.
      if (code === undefined) this.socket.close();
      else this.socket.close(code, reason);
      this.closeTimer = setTimeout(() => {
        this.emit('error', new WireKitError('WK_ERR_CLOSE_TIMEOUT', 'the peer did not answer the Close in time'));
        this.end({ code: 1006, reason: '', wasClean: false });
      }, this.closeTimeout);
    }
    return this.closed;
  }

  /** WHATWG has no abort: closes the native socket and reports 1006 at once; the peer sees a Close. */
  terminate(error?: WireKitError): void {
    if (this.info !== undefined) return;
    if (error !== undefined) this.emit('error', error);
    if (this.socket.readyState <= OPEN) this.socket.close();
    this.end({ code: 1006, reason: '', wasClean: false });
  }

  on<E extends keyof ConnectionEvents>(event: E, listener: (...args: ConnectionEvents[E]) => void): () => void {
    const set = this.listeners.get(event) ?? new Set<Listener>();
    this.listeners.set(event, set);
    set.add(listener as Listener);
    return () => set.delete(listener as Listener);
  }

  [Symbol.asyncIterator](): AsyncIterator<Message> {
    return {
      next: () => {
        const value = this.inbox.shift();
        if (value !== undefined) return Promise.resolve({ done: false, value });
        if (this.info !== undefined) return Promise.resolve({ done: true, value: undefined });
        return new Promise((resolve) => this.pulls.push(resolve));
      },
      return: () => Promise.resolve({ done: true, value: undefined }),
    };
  }

  private drain(): void {
    this.drained = this.written - this.socket.bufferedAmount;
    while (this.sends[0] !== undefined && this.sends[0].mark <= this.drained) this.sends.shift()!.resolve();
    if (this.sends.length === 0) this.stopDrain();
  }

  private stopDrain(): void {
    if (this.drainTimer !== undefined) clearInterval(this.drainTimer);
    this.drainTimer = undefined;
  }

  private end(info: CloseInfo): void {
    if (this.info !== undefined) return;
    this.info = info;
    clearTimeout(this.closeTimer);
    this.stopDrain();
    for (const send of this.sends.splice(0)) send.reject(closedError(info.code));
    const refused = peerCloseError(info);
    if (refused !== null) this.emit('error', refused);
    this.setState('closed');
    for (const pull of this.pulls.splice(0)) pull({ done: true, value: undefined });
    this.emit('close', info);
    this.finish(info);
  }

  private deliver(message: Message): void {
    const pull = this.pulls.shift();
    if (pull === undefined) this.inbox.push(message);
    else pull({ done: false, value: message });
    this.emit('message', message);
  }

  private setState(state: ConnectionState): void {
    if (this.current === state) return;
    this.current = state;
    this.emit('state', state);
  }

  private emit<E extends keyof ConnectionEvents>(event: E, ...args: ConnectionEvents[E]): void {
    for (const listener of [...(this.listeners.get(event) ?? [])]) (listener as (...a: ConnectionEvents[E]) => void)(...args);
  }
}

/** The reference factory on `globalThis.WebSocket`, or on the constructor given. */
export function whatwgFactory(Ctor?: unknown): ConnectionFactory {
  return defineConnect((url: URL, options: ConnectOptions) => {
    const Native = (Ctor ?? (globalThis as { WebSocket?: unknown }).WebSocket) as NativeSocketConstructor | undefined;
    if (Native === undefined) return Promise.reject(new WireKitError('WK_ERR_UNSUPPORTED', 'this runtime has no WebSocket', { domain: 'usage' }));
    return new Promise<Connection>((resolve, reject) => {
      const socket = new Native(String(url), [...(options.protocols ?? [])]);
      socket.binaryType = 'arraybuffer';
      let settled = false;
      const fail = (error: WireKitError): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        if (socket.readyState <= OPEN) socket.close();
        reject(error);
      };
      const timer = setTimeout(() => fail(new WireKitError('WK_ERR_CONNECT_TIMEOUT', 'connect timed out')), options.connectTimeout ?? DEFAULT_CONNECT_TIMEOUT);
      const onAbort = (): void => fail(new WireKitError('WK_ERR_ABORTED', 'connect aborted', { cause: options.signal?.reason }));
      if (options.signal?.aborted === true) onAbort();
      options.signal?.addEventListener('abort', onAbort, { once: true });
      socket.addEventListener('error', () => fail(new WireKitError('WK_ERR_TRANSPORT', 'the WebSocket failed to open (WHATWG gives no details)')));
      socket.addEventListener('open', () => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        options.signal?.removeEventListener('abort', onAbort);
        resolve(new NativeConnection(socket, options.closeTimeout ?? DEFAULT_CLOSE_TIMEOUT));
      });
    });
  });
}
