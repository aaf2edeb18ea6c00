import { notAMessageError, toWireKitError, WireKitError, type CloseInfo, type EngineConnection, type Message, type TlsOptions } from '@wirekit/core';
import { encodeClosePayload, WireKitUsageError } from '@wirekit/protocol';
import { openStreamConnection, streamTarget, type StreamTarget } from './connect.js';
import type { StreamPairOptions } from './stream-constants.js';

/** `SRReadyState`, SocketRocket's values (the WHATWG readyState numbers). */
export const SRReadyState = {
  CONNECTING: 0,
  OPEN: 1,
  CLOSING: 2,
  CLOSED: 3,
} as const;

/** One {@link SRReadyState} value. */
export type SRReadyStateCode = (typeof SRReadyState)[keyof typeof SRReadyState];

/** The `NSURLRequest` SocketRocket is initialised with: a URL, extra headers, a timeout. */
export interface SRURLRequest {
  readonly url: string | URL;
  /** Extra request headers (`allHTTPHeaderFields`), e.g. Authorization or Cookie. */
  readonly headers?: Readonly<Record<string, string>>;
  /** Seconds, as NSURLRequest's `timeoutInterval`, for the connect and the opening handshake. Default 60, as NSURLRequest. */
  readonly timeoutInterval?: number;
}

/** Options beyond SocketRocket's initialiser, for what its `securityPolicy` and stream settings did. */
export interface SRWebSocketOptions extends StreamPairOptions {
  /** TLS for wss: (SRSecurityPolicy's role): extra CA certificates, servername, a verifyPeer pinning hook. */
  readonly tls?: TlsOptions;
  readonly origin?: string;
  /** Largest message received; default the engine's 100 MiB (SocketRocket caps frames at 256 MiB). */
  readonly maxMessageSize?: number;
  /** ms to wait for the server's Close; default core's 5 000. */
  readonly closeTimeout?: number;
}

/**
 * `SRWebSocketDelegate`: every method is optional, as in Objective-C. Calls arrive in order;
 * messages always before the final `didCloseWithCode` or `didFailWithError`.
 */
export interface SRWebSocketDelegate {
  webSocketDidOpen?(webSocket: SRWebSocket): void;
  /** Every message, text as a string and binary as bytes (`webSocket:didReceiveMessage:`). */
  didReceiveMessage?(webSocket: SRWebSocket, message: Message): void;
  didReceiveMessageWithString?(webSocket: SRWebSocket, string: string): void;
  didReceiveMessageWithData?(webSocket: SRWebSocket, data: Uint8Array): void;
  /** The connection failed (refused, TLS, a bad handshake, a protocol error, a drop): the error has a stable code. */
  didFailWithError?(webSocket: SRWebSocket, error: WireKitError): void;
  /** The closing handshake completed (`wasClean` is then true). */
  didCloseWithCode?(webSocket: SRWebSocket, code: number, reason: string, wasClean: boolean): void;
  /** A ping arrived; the pong is already sent. */
  didReceivePingWithData?(webSocket: SRWebSocket, data: Uint8Array): void;
  didReceivePong?(webSocket: SRWebSocket, pongPayload: Uint8Array): void;
}

/** NSURLRequest's default timeout: 60 s. */
const DEFAULT_TIMEOUT_SECONDS = 60;

/**
 * A SocketRocket-style WebSocket client (`SRWebSocket`) over this package's Stream pair, with
 * WireKit's engine doing the handshake and framing. One use only: `open()` once, then
 * `send`, `sendPing`, `close`; everything else arrives through `delegate`.
 *
 * @example
 * ```ts
 * const socket = new SRWebSocket('ws://127.0.0.1:8080/chat', ['chat.v1']);
 * socket.delegate = { webSocketDidOpen: (ws) => ws.send('hello'), didReceiveMessageWithString: (_ws, text) => console.log(text) };
 * socket.open();
 * ```
 */
export class SRWebSocket {
  /** Receives this socket's events; set it before open(). */
  delegate: SRWebSocketDelegate | null = null;
  /** The server's URL. */
  readonly url: URL;
  private readonly target: StreamTarget;
  private readonly request: SRURLRequest;
  private readonly protocols: readonly string[];
  private readonly options: SRWebSocketOptions;
  private state: SRReadyStateCode = SRReadyState.CONNECTING;
  private started = false;
  private connection: EngineConnection | null = null;
  private readonly abort = new AbortController();

  /**
   * `initWithURL:protocols:` / `initWithURLRequest:protocols:`.
   * @throws {WireKitUsageError} WK_ERR_INVALID_URL for a URL that is not ws:, wss:, http: or https:.
   */
  constructor(urlOrRequest: string | URL | SRURLRequest, protocols: readonly string[] = [], options: SRWebSocketOptions = {}) {
    this.request = typeof urlOrRequest === 'string' || urlOrRequest instanceof URL ? { url: urlOrRequest } : urlOrRequest;
    this.target = streamTarget(this.request.url);
    this.url = this.target.url;
    this.protocols = protocols;
    this.options = options;
  }

  get readyState(): SRReadyStateCode {
    return this.state;
  }

  /** The subprotocol the server selected, or null before open and when none was. */
  get protocol(): string | null {
    const selected = this.connection?.protocol ?? '';
    return selected === '' ? null : selected;
  }

  /**
   * Connects and runs the opening handshake; `webSocketDidOpen` or `didFailWithError` follows.
   * @throws {WireKitUsageError} WK_ERR_INVALID_ARGUMENT when called twice (SocketRocket asserts);
   *   the option checks of the handshake (WK_ERR_INVALID_PROTOCOL, WK_ERR_INVALID_HEADER).
   */
  open(): void {
    if (this.started) throw new WireKitUsageError('WK_ERR_INVALID_ARGUMENT', 'an SRWebSocket opens once; make a new one to reconnect');
    this.started = true;
    const seconds = this.request.timeoutInterval ?? DEFAULT_TIMEOUT_SECONDS;
    let opening: Promise<EngineConnection>;
    try {
      opening = this.dial(seconds);
    } catch (error) {
      this.state = SRReadyState.CLOSED;
      throw error;
    }
    opening.then(
      (connection) => void this.run(connection),
      (error: unknown) => {
        this.state = SRReadyState.CLOSED;
        this.call((delegate) => delegate.didFailWithError?.(this, toWireKitError(error)));
      },
    );
  }

  private dial(seconds: number): Promise<EngineConnection> {
    const { options, request } = this;
    return openStreamConnection(
      this.target,
      {
        protocols: this.protocols,
        connectTimeout: seconds * 1000,
        signal: this.abort.signal,
        ...(request.headers === undefined ? {} : { headers: request.headers }),
        ...(options.tls === undefined ? {} : { tls: options.tls }),
        ...(options.origin === undefined ? {} : { origin: options.origin }),
        ...(options.maxMessageSize === undefined ? {} : { maxMessageSize: options.maxMessageSize }),
        ...(options.closeTimeout === undefined ? {} : { closeTimeout: options.closeTimeout }),
      },
      {
        ...(options.readHighWaterMark === undefined ? {} : { readHighWaterMark: options.readHighWaterMark }),
        ...(options.writeCapacity === undefined ? {} : { writeCapacity: options.writeCapacity }),
      },
    );
  }

  /**
   * `sendString:error:` / `sendData:error:` in one: a string goes as Text, bytes as Binary.
   * It is queued at once; a failure to deliver ends the connection and is reported by the delegate.
   * @throws {WireKitUsageError} WK_ERR_NOT_OPEN unless OPEN (SocketRocket raises while
   *   connecting); WK_ERR_INVALID_ARGUMENT for anything but a string or a Uint8Array.
   */
  send(message: Message): void {
    if (typeof message !== 'string' && !(message instanceof Uint8Array)) throw notAMessageError();
    // The delivery outcome is the connection's: a failed write ends it, reported to the delegate.
    this.openConnection().send(message).catch(() => undefined);
  }

  /** `sendString:error:`. @throws {WireKitUsageError} as {@link send}. */
  sendString(string: string): void {
    this.send(string);
  }

  /** `sendData:error:`. @throws {WireKitUsageError} as {@link send}. */
  sendData(data: Uint8Array): void {
    this.send(data);
  }

  /**
   * `sendPing:error:`; the answer arrives as `didReceivePong`.
   * @throws {WireKitUsageError} WK_ERR_NOT_OPEN unless OPEN; WK_ERR_CONTROL_PAYLOAD_TOO_LONG over 125 bytes.
   */
  sendPing(data: Uint8Array = new Uint8Array(0)): void {
    this.openConnection().ping(data).catch(() => undefined);
  }

  /**
   * `closeWithCode:reason:` (`close` without arguments sends no code). While connecting it
   * aborts, reported as `didFailWithError` with WK_ERR_ABORTED. Ignored once closing or closed.
   * @throws {WireKitUsageError} WK_ERR_INVALID_CLOSE_CODE, WK_ERR_CLOSE_REASON_TOO_LONG.
   */
  close(code?: number, reason?: string): void {
    encodeClosePayload(code, reason);
    if (this.state === SRReadyState.CONNECTING) {
      if (this.started) this.abort.abort(new WireKitError('WK_ERR_ABORTED', 'close() was called while connecting'));
      else this.state = SRReadyState.CLOSED;
      return;
    }
    if (this.state !== SRReadyState.OPEN || this.connection === null) return;
    void this.connection.close(code, reason);
    this.state = SRReadyState.CLOSING;
  }

  private openConnection(): EngineConnection {
    if (this.state !== SRReadyState.OPEN || this.connection === null) {
      throw new WireKitUsageError('WK_ERR_NOT_OPEN', `cannot send: the SRWebSocket is ${['CONNECTING', 'OPEN', 'CLOSING', 'CLOSED'][this.state]}`);
    }
    return this.connection;
  }

  /** Delivers messages pulled in order (so none is missed between the 101 and here), then the end. */
  private async run(connection: EngineConnection): Promise<void> {
    this.connection = connection;
    this.state = SRReadyState.OPEN;
    connection.on('ping', (data) => this.call((delegate) => delegate.didReceivePingWithData?.(this, data)));
    connection.on('pong', (data) => this.call((delegate) => delegate.didReceivePong?.(this, data)));
    connection.on('state', (state) => {
      if (state === 'closing') this.state = SRReadyState.CLOSING;
    });
    this.call((delegate) => delegate.webSocketDidOpen?.(this));
    try {
      for await (const message of connection) this.deliver(message);
    } catch {
      // The iterator throws only for an ending that is not a close; `closed` reports it below.
    }
    this.finish(await connection.closed, connection.error);
  }

  private deliver(message: Message): void {
    this.call((delegate) => {
      delegate.didReceiveMessage?.(this, message);
      if (typeof message === 'string') delegate.didReceiveMessageWithString?.(this, message);
      else delegate.didReceiveMessageWithData?.(this, message);
    });
  }

  private finish(info: CloseInfo, error: WireKitError | null): void {
    this.state = SRReadyState.CLOSED;
    if (info.wasClean) {
      this.call((delegate) => delegate.didCloseWithCode?.(this, info.code, info.reason, true));
      return;
    }
    const failure = error ?? new WireKitError('WK_ERR_CONNECTION_RESET', `the connection ended without a closing handshake (${info.code})`, { closeCode: info.code });
    this.call((delegate) => delegate.didFailWithError?.(this, failure));
  }

  /** Calls the delegate; a throwing delegate is the app's bug, surfaced as an uncaught error without stopping delivery. */
  private call(invoke: (delegate: SRWebSocketDelegate) => void): void {
    const delegate = this.delegate;
    if (delegate === null) return;
    try {
      invoke(delegate);
    } catch (error) {
      queueMicrotask(() => {
        throw error;
      });
    }
  }
}
