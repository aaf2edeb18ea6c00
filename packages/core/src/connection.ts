import type { ExtensionFactory } from '@wirekit/protocol';
import type { WireKitError } from './wirekit-error.js';

/**
 * A WebSocket message: a string is a Text message, bytes a Binary one, except a `TextBytes`
 * (protocol's Uint8Array subclass), which is a Text message kept as its validated UTF-8: what
 * a connection opened with `textAsBytes` delivers, and what send() sends as Text, not encoded.
 */
export type Message = string | Uint8Array;

/** The life of a connection, as the WHATWG WebSocket's readyState. */
export type ConnectionState = 'connecting' | 'open' | 'closing' | 'closed';

/** How a connection ended. `wasClean` is true only after a completed closing handshake. */
export interface CloseInfo {
  readonly code: number;
  readonly reason: string;
  readonly wasClean: boolean;
}

/** The events of a {@link Connection} and their listener arguments. */
export interface ConnectionEvents {
  open: [];
  message: [data: Message];
  ping: [data: Uint8Array];
  pong: [data: Uint8Array];
  state: [state: ConnectionState];
  error: [error: WireKitError];
  close: [info: CloseInfo];
}

/**
 * The one interface every WireKit transport implements, so that an app swaps transports by
 * changing an import.
 */
export interface Connection extends AsyncIterable<Message> {
  readonly url: string;
  readonly state: ConnectionState;
  /** The subprotocol the server selected, or ''. */
  readonly protocol: string;
  /** The Sec-WebSocket-Extensions the server accepted, or ''. */
  readonly extensions: string;
  /** Bytes handed to send() and not yet handed to the OS. */
  readonly bufferedAmount: number;
  /** Resolves once, when the connection is closed, however it closed. Never rejects. */
  readonly closed: Promise<CloseInfo>;
  /**
   * Resolves when the message's bytes are handed to the OS; rejects WK_ERR_NOT_OPEN after close,
   * and WK_ERR_BUFFER_FULL where the transport bounds its buffer (core's maxBufferedAmount). Never drops silently.
   */
  send(data: Message): Promise<void>;
  /** One-shot pull of the next message, like URLSessionWebSocketTask.receive(). */
  receive(): Promise<Message>;
  /** Sends a ping; resolves with the round-trip time in ms when its pong arrives. */
  ping(payload?: Uint8Array): Promise<number>;
  /** Starts the closing handshake; resolves when the connection is closed. */
  close(code?: number, reason?: string): Promise<CloseInfo>;
  /**
   * Aborts now, without a closing handshake; reported as 1006. An `error`, when given, is
   * reported through the `error` event first (keepAlive passes WK_ERR_PING_TIMEOUT); an
   * implementation that cannot report it ignores it.
   */
  terminate(error?: WireKitError): void;
  /** Adds a listener; returns the function that removes it. */
  on<E extends keyof ConnectionEvents>(event: E, listener: (...args: ConnectionEvents[E]) => void): () => void;
}

/** TLS settings for wss:// (Node transports; browsers use the platform's). */
export interface TlsOptions {
  /** Extra trusted CA certificates (PEM). */
  readonly ca?: string | Uint8Array | ReadonlyArray<string | Uint8Array>;
  /** SNI server name; defaults to the URL's host. */
  readonly servername?: string;
  /** Verify the server certificate; default true. */
  readonly rejectUnauthorized?: boolean;
  /** Pinning hook: return false (or an Error) to refuse the server's certificate after the TLS checks. */
  readonly verifyPeer?: (peer: { readonly fingerprint256: string; readonly subject: Readonly<Record<string, unknown>>; readonly raw: Uint8Array }) => boolean | Error;
}

/** Options every {@link ConnectionFactory} accepts; a transport may add its own. */
export interface ConnectOptions {
  readonly protocols?: readonly string[];
  readonly headers?: Readonly<Record<string, string>>;
  readonly origin?: string;
  /** ms before an unfinished connect + handshake fails with WK_ERR_CONNECT_TIMEOUT. Default 30 000. */
  readonly connectTimeout?: number;
  /** ms to wait for the peer's Close (and the server's TCP close) before giving up. Default 5 000. */
  readonly closeTimeout?: number;
  /** Largest message received; default as the engine (100 MiB). */
  readonly maxMessageSize?: number;
  /** Answer pings automatically; default true. */
  readonly autoPong?: boolean;
  readonly extensions?: readonly ExtensionFactory[];
  readonly tls?: TlsOptions;
  /**
   * Deliver Text messages as their validated UTF-8 bytes, a `TextBytes` (a Uint8Array; test with
   * `instanceof TextBytes`), instead of strings; send() of a TextBytes sends it as Text without
   * encoding. For relays and echoes: forwarding what was received costs neither a decode nor an
   * encode (ws users do the same with `send(data, { binary: false })`). Defaults to false:
   * strings, as the WHATWG WebSocket delivers, are what most applications want.
   */
  readonly textAsBytes?: boolean;
  /** Aborts the connect. */
  readonly signal?: AbortSignal;
  /**
   * Open the WebSocket as a stream of one HTTP/2 session shared per origin (RFC 8441), falling
   * back to HTTP/1.1 when the server does not offer it. Default false: HTTP/2 costs a probe per
   * origin and only pays when many WebSockets go to one server. Honoured by the engine transports
   * in Node (framed, task); see docs/http2.md.
   */
  readonly http2?: boolean;
}

/** What each transport package exports as `connect`. */
export type ConnectionFactory = (url: string | URL, options?: ConnectOptions) => Promise<Connection>;
