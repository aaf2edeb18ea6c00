/**
 * A throwaway reference Connection on the `ws` client: it proves the contract suite against an
 * independent WebSocket implementation while the WireKit transports are being written.
 */
import type { ClientRequest, IncomingMessage } from 'node:http';
import { closeMisuse, defineConnect, notAMessageError, pingMisuse, notOpenError, peerCloseError, WireKitError, type CloseInfo, type Connection, type ConnectionEvents, type ConnectionFactory, type ConnectionState, type ConnectOptions, type Message } from '@wirekit/core';
import { WebSocket, type ClientOptions, type RawData } from 'ws';
import { adapterError, closedError } from './ws-errors.js';

const DEFAULT_CONNECT_TIMEOUT = 30_000;
const DEFAULT_CLOSE_TIMEOUT = 5_000;
const DEFAULT_MAX_MESSAGE = 100 * 1024 * 1024;

type Listener = (...args: never[]) => void;

/** Rejections nobody awaits must not crash the process; an awaiting caller still sees them. */
function handled<T>(promise: Promise<T>): Promise<T> {
  promise.catch(() => undefined);
  return promise;
}

class WsConnection implements Connection {
  private current: ConnectionState = 'open';
  private readonly listeners = new Map<keyof ConnectionEvents, Set<Listener>>();
  private readonly inbox: Message[] = [];
  private readonly pulls: Array<{ resolve: (m: IteratorResult<Message>) => void }> = [];
  private closeCode = 0;
  /** When close() started the closing handshake, to tell a close timeout from other 1006 ends. */
  private closeStartedAt: number | null = null;
  private readonly pings: Array<{ start: number; resolve: (rtt: number) => void; reject: (e: Error) => void }> = [];
  readonly closed: Promise<CloseInfo>;

  constructor(private readonly ws: WebSocket, private readonly closeTimeout: number) {
    let finish!: (info: CloseInfo) => void;
    this.closed = new Promise((resolve) => (finish = resolve));
    ws.on('message', (data: RawData, isBinary: boolean) => this.deliver(toMessage(data, isBinary)));
    ws.on('ping', (data: Buffer) => this.emit('ping', new Uint8Array(data)));
    ws.on('pong', (data: Buffer) => {
      const waiting = this.pings.shift();
      waiting?.resolve(performance.now() - waiting.start);
      this.emit('pong', new Uint8Array(data));
    });
    ws.on('error', (error: Error) => this.emit('error', adapterError(error)));
    ws.addEventListener('close', (event) => {
      const info: CloseInfo = { code: event.code, reason: event.reason, wasClean: event.wasClean };
      this.closeCode = event.code;
      if (event.code === 1006 && this.closeStartedAt !== null && performance.now() - this.closeStartedAt >= this.closeTimeout) {
        this.emit('error', new WireKitError('WK_ERR_CLOSE_TIMEOUT', 'the peer did not answer the Close in time'));
      }
      const refused = peerCloseError(info);
      if (refused !== null) this.emit('error', refused);
      this.setState('closed');
      for (const ping of this.pings.splice(0)) ping.reject(closedError(event.code));
      for (const pull of this.pulls.splice(0)) pull.resolve({ done: true, value: undefined });
      this.emit('close', info);
      finish(info);
    });
  }

  get url(): string { return this.ws.url; }
  get state(): ConnectionState { return this.current; }
  get protocol(): string { return this.ws.protocol; }
  get extensions(): string { return this.ws.extensions; }
  get bufferedAmount(): number { return this.ws.bufferedAmount; }

  send(data: Message): Promise<void> {
    if (typeof data !== 'string' && !(data instanceof Uint8Array)) return handled(Promise.reject(notAMessageError()));
    if (this.current !== 'open') return handled(Promise.reject(notOpenError(this.current)));
    return handled(new Promise<void>((resolve, reject) => {
      this.ws.send(data, { binary: typeof data !== 'string' }, (error) => {
        if (error == null) resolve();
        else reject(this.ws.readyState === WebSocket.OPEN ? adapterError(error) : closedError(this.closeCode || 1006));
      });
    }));
  }

  receive(): Promise<Message> {
    const next = this.inbox.shift();
    if (next !== undefined) return Promise.resolve(next);
    if (this.current === 'closed') return handled(Promise.reject(closedError(this.closeCode)));
    return handled(new Promise((resolve, reject) => {
      this.pulls.push({ resolve: (result) => (result.done === true ? reject(closedError(this.closeCode)) : resolve(result.value)) });
    }));
  }

  ping(payload: Uint8Array = new Uint8Array(0)): Promise<number> {
    const misuse = pingMisuse(payload);
    if (misuse !== null) return handled(Promise.reject(misuse));
    if (this.current !== 'open') return handled(Promise.reject(notOpenError(this.current)));
    return handled(new Promise((resolve, reject) => {
      this.pings.push({ start: performance.now(), resolve, reject });
      this.ws.ping(payload);
    }));
  }

  close(code?: number, reason = ''): Promise<CloseInfo> {
    const misuse = closeMisuse(code, reason);
    if (misuse !== null) return handled(Promise.reject(misuse));
    if (this.current === 'open') {
      this.setState('closing');
      this.closeStartedAt = performance.now();
      this.ws.close(code, reason);
    }
    return this.closed;
  }

  terminate(error?: WireKitError): void {
    if (error !== undefined && this.current !== 'closed') this.emit('error', error);
    this.ws.terminate();
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
        if (this.current === 'closed') return Promise.resolve({ done: true, value: undefined });
        return new Promise((resolve) => this.pulls.push({ resolve }));
      },
      return: () => Promise.resolve({ done: true, value: undefined }),
    };
  }

  private deliver(message: Message): void {
    const pull = this.pulls.shift();
    if (pull === undefined) this.inbox.push(message);
    else pull.resolve({ done: false, value: message });
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

function toMessage(data: RawData, isBinary: boolean): Message {
  const bytes = Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as ArrayBuffer);
  return isBinary ? new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength) : bytes.toString('utf8');
}

/** The ws reference adapter as a {@link ConnectionFactory}. */
export const wsFactory: ConnectionFactory = defineConnect((url: URL, options: ConnectOptions) => {
  if (options.extensions !== undefined && options.extensions.length > 0) {
    throw new WireKitError('WK_ERR_UNSUPPORTED', 'the ws adapter cannot run WireKit extensions', { domain: 'usage' });
  }
  const closeTimeout = options.closeTimeout ?? DEFAULT_CLOSE_TIMEOUT;
  return new Promise<Connection>((resolve, reject) => {
    // ws 8.23 takes closeTimeout; @types/ws 8.18 does not list it yet.
    const wsOptions: ClientOptions & { closeTimeout: number } = {
      perMessageDeflate: false,
      maxPayload: options.maxMessageSize ?? DEFAULT_MAX_MESSAGE,
      closeTimeout,
      autoPong: options.autoPong ?? true,
      ...(options.headers === undefined ? {} : { headers: { ...options.headers } }),
      ...(options.origin === undefined ? {} : { origin: options.origin }),
      ...(options.tls?.ca === undefined ? {} : { ca: options.tls.ca as string }),
      ...(options.tls?.servername === undefined ? {} : { servername: options.tls.servername }),
      ...(options.tls?.rejectUnauthorized === undefined ? {} : { rejectUnauthorized: options.tls.rejectUnauthorized }),
    };
    const ws = new WebSocket(url, [...(options.protocols ?? [])], wsOptions);
    let settled = false;
    const fail = (error: WireKitError): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      ws.terminate();
      reject(error);
    };
    const timer = setTimeout(() => fail(new WireKitError('WK_ERR_CONNECT_TIMEOUT', 'connect timed out')), options.connectTimeout ?? DEFAULT_CONNECT_TIMEOUT);
    const onAbort = (): void => fail(new WireKitError('WK_ERR_ABORTED', 'connect aborted', { cause: options.signal?.reason }));
    if (options.signal?.aborted === true) onAbort();
    options.signal?.addEventListener('abort', onAbort, { once: true });
    ws.on('error', (error) => fail(adapterError(error)));
    ws.on('unexpected-response', (_request: ClientRequest, response: IncomingMessage) => {
      const status = response.statusCode ?? 0;
      fail(new WireKitError('WK_ERR_HANDSHAKE_STATUS', `handshake refused with ${status}`, { domain: 'websocket', status }));
    });
    ws.once('open', () => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      resolve(new WsConnection(ws, closeTimeout));
    });
  });
});
