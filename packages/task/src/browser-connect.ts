import { defineConnect, WireKitError, type Clock, type Connection, type ConnectionFactory, type ConnectOptions } from '@wirekit/core';
import { WireKitUsageError } from '@wirekit/protocol';
import { checkProtocols } from './validate.js';
import { WebSocketConnection, type WebSocketConstructor } from './web-socket-connection.js';

/** Options of {@link createConnect}: which WHATWG WebSocket to use. */
export interface BrowserConnectInit {
  /** The constructor; defaults to `globalThis.WebSocket`, looked up at each connect. */
  readonly WebSocket?: WebSocketConstructor;
  /** Time and timers (connect and close timeouts, the drain poll); defaults to core's systemClock. */
  readonly clock?: Clock;
}

/** ms for the connect and handshake, core's default: the order of a browser's own timeout. */
const DEFAULT_CONNECT_TIMEOUT = 30_000;
/** ms to wait for the close event after close(), core's default: a far peer under load, not minutes. */
const DEFAULT_CLOSE_TIMEOUT = 5_000;
/** Largest message received unless `maxMessageSize` says otherwise: the engine's 100 MiB, so limits match across transports. */
const DEFAULT_MAX_MESSAGE_SIZE = 100 * 1024 * 1024;

/**
 * A {@link ConnectionFactory} on a WHATWG `WebSocket` (browsers, and undici, Deno, Bun or `ws`
 * when passed as `WebSocket`). It honours protocols, connectTimeout, closeTimeout, signal and
 * maxMessageSize (checked here, since the platform has no limit). What a browser cannot do is
 * refused with WK_ERR_UNSUPPORTED rather than ignored: headers, origin (the browser sends its
 * own), tls, extensions, autoPong false.
 *
 * The factory never throws: misuse rejects with domain usage — WK_ERR_INVALID_URL (core's one
 * URL check), WK_ERR_INVALID_PROTOCOL, WK_ERR_INVALID_ARGUMENT, and WK_ERR_UNSUPPORTED for an
 * option the platform lacks, or when there is no WebSocket.
 */
export function createConnect(init: BrowserConnectInit = {}): ConnectionFactory {
  return defineConnect((url: URL, options: ConnectOptions): Promise<Connection> => {
    const href = url.href;
    checkSupported(options);
    const protocols = checkProtocols(options.protocols ?? []);
    const WebSocketClass = init.WebSocket ?? (globalThis as { WebSocket?: WebSocketConstructor }).WebSocket;
    if (typeof WebSocketClass !== 'function') throw unsupported('there is no global WebSocket here; pass one as createConnect({ WebSocket })');
    const connection = new WebSocketConnection(WebSocketClass, {
      url: href,
      protocols,
      maxMessageSize: positive(options.maxMessageSize ?? DEFAULT_MAX_MESSAGE_SIZE, 'maxMessageSize'),
      connectTimeout: positive(options.connectTimeout ?? DEFAULT_CONNECT_TIMEOUT, 'connectTimeout'),
      closeTimeout: positive(options.closeTimeout ?? DEFAULT_CLOSE_TIMEOUT, 'closeTimeout'),
      ...(init.clock === undefined ? {} : { clock: init.clock }),
      ...(options.signal === undefined ? {} : { signal: options.signal }),
      ...(options.textAsBytes === true ? { textAsBytes: true } : {}),
    });
    return connection.whenOpen();
  });
}

/**
 * WireKit's common factory on the platform's global `WebSocket`: see {@link createConnect}.
 * @example
 * ```ts
 * import { connect } from '@wirekit/task'; // the browser condition picks this entry
 * const connection = await connect('wss://example.com/chat', { protocols: ['chat.v1'] });
 * ```
 */
export const connect: ConnectionFactory = createConnect();

/** Throws WK_ERR_UNSUPPORTED for each option a WHATWG WebSocket cannot honour. */
export function checkSupported(options: ConnectOptions): void {
  if (options.headers !== undefined && Object.keys(options.headers).length > 0) throw unsupported('a browser WebSocket cannot send custom request headers (pass a token in the URL or a subprotocol)');
  if (options.origin !== undefined) throw unsupported('a browser WebSocket sends its own Origin');
  if (options.tls !== undefined) throw unsupported('a browser WebSocket uses the platform’s TLS settings');
  if (options.extensions !== undefined && options.extensions.length > 0) throw unsupported('a browser WebSocket negotiates its own extensions');
  if (options.autoPong === false) throw unsupported('a browser WebSocket always answers pings itself');
}

function unsupported(message: string): WireKitError {
  return new WireKitError('WK_ERR_UNSUPPORTED', message, { domain: 'usage' });
}

function positive(value: number, what: string): number {
  if (typeof value !== 'number' || !(value > 0)) throw new WireKitUsageError('WK_ERR_INVALID_ARGUMENT', `${what} must be a positive number`);
  return value;
}
