import { keepAlive, WireKitError, type Connection, type ConnectionFactory, type ConnectOptions } from '@wirekit/core';
import { notOpenError, usageError } from './adapter-errors.js';
import { quiet } from './adapter-connection.js';
import { connect as platformConnect } from './connect.js';

/** Starscream's `WebSocketEvent` enum, as a discriminated union on `type`. */
export type WebSocketEvent =
  /** The handshake completed; the upgrade response's headers (lower-cased names; {} where the platform hides them). */
  | { readonly type: 'connected'; readonly headers: Readonly<Record<string, string>> }
  /** The closing handshake completed, started by either side. */
  | { readonly type: 'disconnected'; readonly reason: string; readonly code: number }
  | { readonly type: 'text'; readonly string: string }
  | { readonly type: 'binary'; readonly data: Uint8Array }
  | { readonly type: 'ping'; readonly data: Uint8Array }
  | { readonly type: 'pong'; readonly data: Uint8Array }
  /** The path stopped or started working: keepAlive pings late or answered again, or the platform went offline or online. */
  | { readonly type: 'viabilityChanged'; readonly isViable: boolean }
  /** The platform came back online after being offline: a new connection is likely to work. */
  | { readonly type: 'reconnectSuggested'; readonly shouldReconnect: boolean }
  /** forceDisconnect() ended the connection. */
  | { readonly type: 'cancelled' }
  /** The connect or the connection failed; the error has a stable WK_ERR_* code. */
  | { readonly type: 'error'; readonly error: WireKitError }
  /** The peer ended the connection without a closing handshake (1006). */
  | { readonly type: 'peerClosed' };

/** Starscream's `WebSocketDelegate`. */
export interface WebSocketDelegate {
  didReceive(event: WebSocketEvent, client: WebSocketClient): void;
}

/** What Starscream takes as a URLRequest. */
export interface WebSocketRequest {
  readonly url: string | URL;
  /**
   * Request headers (Node's ws only). A `Sec-WebSocket-Protocol` header is read as the list of
   * subprotocols to offer, which is how Starscream users set them.
   */
  readonly headers?: Readonly<Record<string, string>>;
  /** Seconds the connect may take, as URLRequest.timeoutInterval; 60 unless given, as URLRequest's default. */
  readonly timeoutInterval?: number;
}

/** Options of {@link WebSocketClient} that Starscream spreads over its initialisers. */
export interface WebSocketClientOptions {
  /** The factory to connect with; defaults to the adapter's `connect` (ws in Node, WHATWG elsewhere). */
  readonly connect?: ConnectionFactory;
  /** Further connect options (maxMessageSize, closeTimeout, tls…); the request's fields take precedence. */
  readonly connectOptions?: ConnectOptions;
  /**
   * ms between keep-alive pings (core's keepAlive), reported as viabilityChanged. Off unless
   * given, as Starscream, which sends no pings of its own. Needs a transport that can ping.
   */
  readonly pingInterval?: number;
  /** ms a keep-alive ping may wait for its pong before the connection is ended with WK_ERR_PING_TIMEOUT; keepAlive's 10 000 unless given. */
  readonly pingTimeout?: number;
}

/** Starscream's default close code, `CloseCode.normal`: the application is done (RFC 6455 §7.4.1). */
const NORMAL_CLOSURE = 1000; // arch-allow: frame-literal (a default argument of the public API, as Starscream's)
const PROTOCOL_HEADER = 'sec-websocket-protocol';

type Completion = (error: WireKitError | null) => void;

/**
 * A Starscream-style client over any WireKit Connection: `onEvent` (or a delegate) receives one
 * event enum, `connect()`/`disconnect()` drive it, `write()` sends text, binary or a ping with an
 * optional completion. Unlike Starscream, a completion always says whether the write failed
 * (STYLE.md §4), and a failed write without a completion is reported as an `error` event.
 */
export class WebSocketClient {
  /** Called with every event, as Starscream's `onEvent`. */
  onEvent: ((event: WebSocketEvent) => void) | null = null;
  /** Told every event, after onEvent. */
  delegate: WebSocketDelegate | null = null;
  /** Answer pings automatically (Starscream's respondToPingWithPong); read at connect(). WHATWG always answers. */
  respondToPingWithPong = true;
  readonly request: WebSocketRequest;
  private readonly options: WebSocketClientOptions;
  private current: Connection | null = null;
  private connecting = false;
  private generation = 0;
  /** forceDisconnect() was called on the current connection. */
  private cancelled = false;

  constructor(request: WebSocketRequest | string | URL, options: WebSocketClientOptions = {}) {
    this.request = typeof request === 'string' || request instanceof URL ? { url: request } : request;
    this.options = options;
  }

  /** The connection of the current session, or null before connect() and while connecting. */
  get connection(): Connection | null {
    return this.current;
  }

  /** Opens a connection; events report how it goes. Does nothing while connecting or connected. */
  connect(): void {
    if (this.connecting || (this.current !== null && this.current.state !== 'closed')) return;
    this.connecting = true;
    const session = ++this.generation;
    let opening: Promise<Connection>;
    try {
      opening = (this.options.connect ?? platformConnect)(this.request.url, this.connectOptions());
    } catch (error) {
      opening = Promise.reject(error);
    }
    opening.then(
      (connection) => {
        this.connecting = false;
        if (session !== this.generation) return void connection.terminate();
        this.attach(connection);
      },
      (error: unknown) => {
        this.connecting = false;
        if (session === this.generation) this.emit({ type: 'error', error: toError(error) });
      },
    );
  }

  /**
   * Starts the closing handshake; `disconnected` follows. While connecting, the connect is
   * abandoned instead.
   *
   * @param closeCode 1000 unless given, as Starscream.
   * @throws {WireKitError} WK_ERR_INVALID_CLOSE_CODE for a code the transport cannot send.
   */
  disconnect(closeCode: number = NORMAL_CLOSURE, reason = ''): void {
    if (this.current === null || this.current.state === 'closed') return this.abandon();
    void quiet(this.current.close(closeCode, reason));
  }

  /** Ends the connection now, without a closing handshake; `cancelled` follows. */
  forceDisconnect(): void {
    if (this.current === null || this.current.state === 'closed') return this.abandon();
    this.cancelled = true;
    this.current.terminate();
  }

  /**
   * Sends text (a string), binary (a Uint8Array), or a ping (`{ ping: bytes }`, Starscream's
   * `write(ping:)`). The completion runs with null when the data is handed to the OS, or with the
   * error: WK_ERR_NOT_OPEN when not connected, WK_ERR_UNSUPPORTED for a ping the transport cannot
   * send, or for `{ pong }` (WireKit connections answer pings themselves).
   */
  write(message: string | Uint8Array | { readonly ping: Uint8Array } | { readonly pong: Uint8Array }, completion?: Completion): void {
    const done = (error: unknown): void => {
      const mapped = error === null ? null : toError(error);
      if (completion !== undefined) completion(mapped);
      else if (mapped !== null) this.emit({ type: 'error', error: mapped });
    };
    const connection = this.current;
    try {
      if (typeof message !== 'string' && !(message instanceof Uint8Array) && 'pong' in message) throw usageError('WK_ERR_UNSUPPORTED', 'write(pong:) is not available: WireKit connections answer pings themselves');
      if (connection === null) throw notOpenError();
      const sent = typeof message === 'string' || message instanceof Uint8Array ? connection.send(message) : connection.ping(message.ping);
      sent.then(() => done(null), done);
    } catch (error) {
      queueMicrotask(() => done(error));
    }
  }

  private connectOptions(): ConnectOptions {
    const headers: Record<string, string> = {};
    let protocols: string[] | undefined;
    for (const [name, value] of Object.entries(this.request.headers ?? {})) {
      if (name.toLowerCase() === PROTOCOL_HEADER) protocols = value.split(',').map((protocol) => protocol.trim()).filter((protocol) => protocol !== '');
      else headers[name] = value;
    }
    const base = this.options.connectOptions ?? {};
    return {
      ...base,
      ...(Object.keys(headers).length > 0 ? { headers: { ...base.headers, ...headers } } : {}),
      ...(protocols === undefined ? {} : { protocols }),
      ...(this.respondToPingWithPong ? {} : { autoPong: false }),
      connectTimeout: (this.request.timeoutInterval ?? 60) * 1000,
    };
  }

  private abandon(): void {
    if (this.connecting) {
      this.generation += 1;
      this.connecting = false;
    }
  }

  private attach(connection: Connection): void {
    this.current = connection;
    let failed = false;
    this.cancelled = false;
    const offs = [
      connection.on('message', (data) => this.emit(typeof data === 'string' ? { type: 'text', string: data } : { type: 'binary', data })),
      connection.on('ping', (data) => this.emit({ type: 'ping', data })),
      connection.on('pong', (data) => this.emit({ type: 'pong', data })),
      connection.on('error', (error) => {
        failed = true;
        this.emit({ type: 'error', error });
      }),
    ];
    const stopKeepAlive = this.options.pingInterval === undefined ? () => undefined : keepAlive(connection, { interval: this.options.pingInterval, ...(this.options.pingTimeout === undefined ? {} : { timeout: this.options.pingTimeout }), viability: (isViable) => this.emit({ type: 'viabilityChanged', isViable }) });
    const stopWatching = watchNetwork((online) => {
      this.emit({ type: 'viabilityChanged', isViable: online });
      if (online) this.emit({ type: 'reconnectSuggested', shouldReconnect: true });
    });
    void connection.closed.then((info) => {
      for (const off of offs) off();
      stopKeepAlive();
      stopWatching();
      if (info.wasClean) this.emit({ type: 'disconnected', reason: info.reason, code: info.code });
      else if (this.cancelled && this.current === connection) this.emit({ type: 'cancelled' });
      else if (!failed) this.emit({ type: 'peerClosed' });
    });
    this.emit({ type: 'connected', headers: (connection as { responseHeaders?: Readonly<Record<string, string>> }).responseHeaders ?? {} });
  }

  private emit(event: WebSocketEvent): void {
    this.onEvent?.(event);
    this.delegate?.didReceive(event, this);
  }
}

function toError(error: unknown): WireKitError {
  return error instanceof WireKitError ? error : new WireKitError('WK_ERR_TRANSPORT', error instanceof Error ? error.message : String(error), { cause: error });
}

type NetworkTarget = { addEventListener?: (type: string, listener: () => void) => void; removeEventListener?: (type: string, listener: () => void) => void };

/** Browsers' `online`/`offline` events, where the platform has them; elsewhere nothing. */
function watchNetwork(changed: (online: boolean) => void): () => void {
  const target = globalThis as NetworkTarget;
  if (typeof target.addEventListener !== 'function' || !('onoffline' in globalThis)) return () => undefined;
  const online = (): void => changed(true);
  const offline = (): void => changed(false);
  target.addEventListener('online', online);
  target.addEventListener('offline', offline);
  return () => {
    target.removeEventListener?.('online', online);
    target.removeEventListener?.('offline', offline);
  };
}
