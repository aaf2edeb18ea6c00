import { defineConnect, WireKitError, type ConnectionFactory, type ConnectOptions } from '@wirekit/core';
import { errorEventError, usageError } from './adapter-errors.js';
import { checkProtocols, checkTimeout, webSocketHref } from './validate.js';
import { WebSocketConnection, type WebSocketLike } from './websocket-connection.js';

/** A WHATWG WebSocket constructor: `globalThis.WebSocket`, undici's, Deno's, Bun's, or ws's class. */
export type WebSocketConstructor = new (url: string, protocols?: string | string[]) => WebSocketLike;

/** Options of {@link connectWebSocket}. */
export interface ConnectWebSocketOptions {
  /**
   * Pass `{ protocols, headers }` as the constructor's second argument instead of the list of
   * subprotocols: the non-standard WebSocketInit that undici (Node ≥ 22's global), Deno and Bun
   * accept, which lets `headers` and `origin` through. Browsers and ws's class do not accept it.
   * Default false (the WHATWG signature).
   */
  readonly requestInit?: boolean;
}

/** The constructor form undici, Deno and Bun accept besides the standard one. */
type InitConstructor = new (url: string, init: { protocols: string[]; headers: Record<string, string> }) => WebSocketLike;

const DEFAULT_CONNECT_TIMEOUT = 30_000;

/**
 * The options a WHATWG WebSocket cannot honour, and why: the constructor takes a URL and
 * subprotocols only. Each is refused with WK_ERR_UNSUPPORTED rather than ignored.
 */
function refuseUnsupported(options: ConnectOptions, requestInit: boolean): void {
  const why = (what: string, reason: string): never => {
    throw usageError('WK_ERR_UNSUPPORTED', `${what} cannot be set on a WHATWG WebSocket: ${reason}; use connectWs in Node`);
  };
  if (!requestInit && options.headers !== undefined && Object.keys(options.headers).length > 0) why('headers', 'the constructor takes no request headers (undici, Deno and Bun do with requestInit: true)');
  if (!requestInit && options.origin !== undefined) why('origin', 'the platform sends the page\'s own Origin');
  if (options.tls !== undefined) why('tls', 'certificates are the platform\'s');
  if (options.extensions !== undefined && options.extensions.length > 0) why('extensions', 'the platform negotiates its own');
  if (options.autoPong === false) why('autoPong: false', 'the platform always answers pings');
}

/**
 * A WireKit factory on a WHATWG WebSocket constructor: a {@link WebSocketConnection} once the
 * socket opens. It honours protocols, connectTimeout, closeTimeout, signal and maxMessageSize
 * (checked after arrival, see {@link WebSocketConnection}); tls, extensions and autoPong: false
 * reject WK_ERR_UNSUPPORTED, and so do headers and origin unless `requestInit` is set. The
 * factory never throws: a bad URL (WK_ERR_INVALID_URL, core's one URL check) or option rejects.
 *
 * Errors: WHATWG reports a failed open as a bare `error` event, so a refused connection, a DNS
 * failure and a refused upgrade all reject with WK_ERR_TRANSPORT, unless the platform attaches
 * the cause to an ErrorEvent (ws's class does: then ECONNREFUSED → WK_ERR_CONNECTION_REFUSED,
 * ENOTFOUND → WK_ERR_DNS, "Unexpected server response: 403" → WK_ERR_HANDSHAKE_STATUS with
 * status 403). Browsers never expose the HTTP status of a refused upgrade.
 *
 * @param WebSocketCtor the constructor; defaults to `globalThis.WebSocket`, read at each connect.
 * @param settings see {@link ConnectWebSocketOptions}.
 * Rejects WK_ERR_UNSUPPORTED when no constructor is given and the platform has no global
 * WebSocket (Node 20).
 * @example
 * ```ts
 * import { connectWebSocket } from '@wirekit/adapter';
 * const connect = connectWebSocket(); // the browser's WebSocket
 * const connection = await connect('wss://example.com/chat', { protocols: ['chat.v1'] });
 * ```
 */
export function connectWebSocket(WebSocketCtor?: WebSocketConstructor, settings: ConnectWebSocketOptions = {}): (url: string | URL, options?: ConnectOptions) => Promise<WebSocketConnection> {
  return defineConnect((target: URL, options: ConnectOptions, url: string | URL): Promise<WebSocketConnection> => {
    const constructor = WebSocketCtor ?? (globalThis as { WebSocket?: WebSocketConstructor }).WebSocket;
    if (constructor === undefined) throw usageError('WK_ERR_UNSUPPORTED', 'this platform has no global WebSocket (Node 20): pass a constructor, or use connectWs');
    const protocols = checkProtocols(options.protocols);
    const connectTimeout = checkTimeout('connectTimeout', options.connectTimeout, DEFAULT_CONNECT_TIMEOUT);
    checkTimeout('closeTimeout', options.closeTimeout, 1);
    if (options.maxMessageSize !== undefined) checkTimeout('maxMessageSize', options.maxMessageSize, 1);
    const requestInit = settings.requestInit === true;
    refuseUnsupported(options, requestInit);
    if (options.signal?.aborted === true) return Promise.reject(new WireKitError('WK_ERR_ABORTED', 'the connect was aborted before it started', { cause: options.signal.reason }));
    const create = requestInit
      ? (href: string) => new (constructor as unknown as InitConstructor)(href, { protocols: [...protocols], headers: { ...options.headers, ...(options.origin === undefined ? {} : { Origin: options.origin }) } })
      : (href: string) => new constructor(href, [...protocols]);
    return open(create, String(url), webSocketHref(target), options, connectTimeout);
  });
}

function open(create: (href: string) => WebSocketLike, given: string, href: string, options: ConnectOptions, connectTimeout: number): Promise<WebSocketConnection> {
  return new Promise((resolve, reject) => {
    let socket: WebSocketLike;
    try {
      socket = create(href);
    } catch (error) {
      reject(usageError('WK_ERR_INVALID_ARGUMENT', `the WebSocket constructor refused the URL or subprotocols: ${error instanceof Error ? error.message : String(error)}`, error));
      return;
    }
    // Created now, so that a message right after the open is not missed; it reports 'connecting' until then.
    const connection = new WebSocketConnection(socket, {
      url: given,
      ...(options.closeTimeout === undefined ? {} : { closeTimeout: options.closeTimeout }),
      ...(options.maxMessageSize === undefined ? {} : { maxMessageSize: options.maxMessageSize }),
      ...(options.textAsBytes === true ? { textAsBytes: true } : {}),
    });
    let settled = false;
    let cause: WireKitError | null = null;
    const offs: Array<() => void> = [];
    const settle = (): void => {
      settled = true;
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      for (const off of offs.splice(0)) off();
    };
    const fail = (error: WireKitError): void => {
      if (settled) return;
      settle();
      connection.terminate();
      reject(error);
    };
    const onAbort = (): void => fail(new WireKitError('WK_ERR_ABORTED', 'the connect was aborted', { cause: options.signal?.reason }));
    const timer = setTimeout(() => fail(new WireKitError('WK_ERR_CONNECT_TIMEOUT', `the WebSocket did not open within ${connectTimeout} ms`)), connectTimeout);
    options.signal?.addEventListener('abort', onAbort, { once: true });
    offs.push(connection.on('open', () => {
      if (settled) return;
      settle();
      resolve(connection);
    }));
    offs.push(connection.on('error', (error) => (cause ??= error)));
    // WHATWG fires `error`, then `close`, for a connection that never opened.
    const onFailedOpen = (event: unknown): void => fail(cause ?? errorEventError(event));
    socket.addEventListener('close', onFailedOpen);
    offs.push(() => socket.removeEventListener('close', onFailedOpen));
  });
}

/** connectWebSocket() on `globalThis.WebSocket`, as a {@link ConnectionFactory}. */
export const connectGlobalWebSocket: ConnectionFactory = (url, options) => connectWebSocket()(url, options);
