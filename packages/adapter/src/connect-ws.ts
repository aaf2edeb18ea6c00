import { defineConnect, WireKitError, type ConnectionLimits, type ConnectOptions } from '@wirekit/core';
import { handshakeStatusError, libraryError, usageError } from './adapter-errors.js';
import { checkProtocols, checkTimeout } from './validate.js';
import { WsConnection, type WsSocketLike } from './ws-connection.js';

/** The `ws` WebSocket class, as far as connectWs uses it. */
export type WsConstructor = new (url: string, protocols: string[], options: Record<string, unknown>) => WsSocketLike;

/** The upgrade response ws hands to its `upgrade` and `unexpected-response` listeners. */
interface UpgradeResponse {
  readonly statusCode?: number;
  readonly headers: Record<string, string | string[] | undefined>;
}

/** A ws socket during the handshake: the events connectWs listens to besides WsSocketLike's. */
interface ConnectingWs extends WsSocketLike {
  on(event: 'upgrade', listener: (response: UpgradeResponse) => void): unknown;
  on(event: 'unexpected-response', listener: (request: unknown, response: UpgradeResponse) => void): unknown;
  on(event: string, listener: (...args: never[]) => void): unknown;
  removeListener(event: string, listener: (...args: never[]) => void): unknown;
}

/**
 * Options of {@link connectWs}: core's ConnectOptions and limits, plus what only ws can do.
 * The limits map onto ws's own options where ws has one, and are enforced by the adapter where
 * it has none, so that every transport bounds the same inputs: `maxMessageSize` → ws's
 * `maxPayload`; `maxFragments` → ws's `maxFragments`; `receiveHighWaterMark` → the adapter
 * pauses ws (`WebSocket#pause()`) while that many bytes of messages wait for a consumer;
 * `maxBufferedAmount` → the adapter refuses a send past it (ws has no such bound). ws's other
 * bounds keep ws's defaults, which are already finite: `maxPendingAutoPongs` (60: a peer that
 * pings and never reads is dropped) and `maxBufferedChunks` (262,144 chunks of a frame in progress).
 */
export interface WsConnectOptions extends ConnectOptions, ConnectionLimits {
  /**
   * The `ws` WebSocket class. By default the `ws` package (a peer dependency) is imported on the
   * first connect, so that importing @wirekit/adapter never loads it (browsers, Deno, Bun).
   */
  readonly WebSocket?: WsConstructor;
  /**
   * Offer permessage-deflate (RFC 7692, ws's implementation). Default false, as the other
   * WireKit transports: compression costs CPU and memory per connection, and it is opt-in.
   */
  readonly perMessageDeflate?: boolean;
  /**
   * Most fragments one message may have; more fail the connection with 1009 (ws's
   * WS_ERR_TOO_MANY_BUFFERED_PARTS, reported as WK_ERR_MESSAGE_TOO_LARGE). Default 65,536:
   * 64-byte fragments of a 4 MiB message (Autobahn 9.3.x/9.4.x, which ws's own 16,384 fails
   * with 1008) pass, while a flood of tiny fragments costs ws at most that many buffers.
   */
  readonly maxFragments?: number;
}

const DEFAULT_CONNECT_TIMEOUT = 30_000;
/** 100 MiB, core's engine default, so that every transport refuses the same messages. */
const DEFAULT_MAX_MESSAGE = 100 * 1024 * 1024;
/** See {@link WsConnectOptions.maxFragments}. */
const DEFAULT_MAX_FRAGMENTS = 65_536;
/** A variable specifier, so that bundlers leave `ws` out of browser, Deno and Bun bundles. */
const WS_MODULE = 'ws';

/**
 * The class once loaded: every connect after the first skips the dynamic import, which costs a
 * round trip through the module loader (through a loader thread under tsx): it was why this
 * row made half ws's handshakes per second in packages/bench.
 */
let loadedWs: WsConstructor | null = null;

async function loadWs(): Promise<WsConstructor> {
  if (loadedWs !== null) return loadedWs;
  loadedWs = await importWs();
  return loadedWs;
}

async function importWs(): Promise<WsConstructor> {
  try {
    const module = (await import(WS_MODULE)) as { WebSocket?: WsConstructor; default?: WsConstructor };
    const constructor = module.WebSocket ?? module.default;
    if (typeof constructor === 'function') return constructor;
  } catch (error) {
    throw usageError('WK_ERR_UNSUPPORTED', 'the ws package could not be loaded; install it, pass options.WebSocket, or use connectWebSocket()', error);
  }
  throw usageError('WK_ERR_UNSUPPORTED', 'the ws package exports no WebSocket class');
}

/** The TLS socket under ws's request, as far as the pinning hook reads it. */
interface PeerSocket {
  readonly encrypted?: boolean;
  getPeerCertificate?(detailed: boolean): { readonly fingerprint256: string; readonly subject: Readonly<Record<string, unknown>>; readonly raw: Uint8Array };
  once(event: 'secureConnect', listener: () => void): unknown;
}

/** ws's request during the handshake: its headers go out with end(). */
interface PendingRequest {
  on(event: 'socket', listener: (socket: PeerSocket) => void): unknown;
  end(): void;
  destroy(error: Error): void;
}

type VerifyPeer = NonNullable<NonNullable<ConnectOptions['tls']>['verifyPeer']>;

/**
 * ws's `finishRequest` hook running `verifyPeer` once TLS is up and before the request (and
 * any credentials in its headers) is sent; `refused` records why, for the error mapping.
 */
function pinningHook(verifyPeer: VerifyPeer, refused: (error: WireKitError) => void): (request: PendingRequest) => void {
  return (request) => {
    request.on('socket', (socket) => {
      socket.once('secureConnect', () => {
        const cert = socket.getPeerCertificate?.(true);
        let verdict: boolean | Error;
        try {
          verdict = cert === undefined ? new Error('no peer certificate') : verifyPeer({ fingerprint256: cert.fingerprint256, subject: { ...cert.subject }, raw: new Uint8Array(cert.raw) });
        } catch (error) {
          verdict = error instanceof Error ? error : new Error(String(error));
        }
        if (verdict === true) return request.end();
        const reason = verdict instanceof Error ? `: ${verdict.message}` : ' by the verifyPeer hook';
        const error = new WireKitError('WK_ERR_TLS', `the server certificate was refused${reason}`, { domain: 'tls', ...(verdict instanceof Error ? { cause: verdict } : {}) });
        refused(error);
        request.destroy(error);
      });
    });
  };
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join(', ') : value;
}

/**
 * WireKit's common factory on the `ws` client (Node): a {@link WsConnection} once the server
 * accepted the upgrade. It honours protocols, headers, origin, connectTimeout (connect + TLS +
 * handshake), closeTimeout, maxMessageSize (ws's maxPayload; default 100 MiB, as the engine),
 * autoPong, signal and tls (ca, servername, rejectUnauthorized, and verifyPeer, run when TLS is
 * up and before the upgrade request and its headers are sent). Failures reject with a
 * WireKitError: WK_ERR_CONNECTION_REFUSED (posix), WK_ERR_DNS (dns), WK_ERR_TLS (tls),
 * WK_ERR_CONNECT_TIMEOUT, WK_ERR_ABORTED, WK_ERR_HANDSHAKE_STATUS with `status` (from ws's
 * `unexpected-response`), WK_ERR_HANDSHAKE_PROTOCOL for a subprotocol that was not offered.
 *
 * Subprotocols are offered in the request header and checked here rather than by ws, because
 * the ws client fails a handshake in which the server selects none of them, which RFC 6455
 * §4.1 and WHATWG accept as protocol ''.
 *
 * Bad input rejects (never throws), with domain usage: WK_ERR_INVALID_URL (core's one URL
 * check), WK_ERR_INVALID_PROTOCOL, WK_ERR_INVALID_ARGUMENT; WK_ERR_UNSUPPORTED for WireKit
 * `extensions` (ws runs only its own permessage-deflate: use `perMessageDeflate`), and for
 * `tls.verifyPeer` on a ws: URL.
 * @example
 * ```ts
 * import { connectWs } from '@wirekit/adapter';
 * const connection = await connectWs('wss://example.com/chat', { protocols: ['chat.v1'] });
 * ```
 */
export function connectWs(url: string | URL, options: WsConnectOptions = {}): Promise<WsConnection> {
  return checkedConnectWs(url, options);
}

const checkedConnectWs = defineConnect((target: URL, options: WsConnectOptions, url: string | URL): Promise<WsConnection> => {
  const offered = checkProtocols(options.protocols);
  const connectTimeout = checkTimeout('connectTimeout', options.connectTimeout, DEFAULT_CONNECT_TIMEOUT);
  const closeTimeout = checkTimeout('closeTimeout', options.closeTimeout, 5_000);
  if (options.extensions !== undefined && options.extensions.length > 0) throw usageError('WK_ERR_UNSUPPORTED', 'ws runs its own permessage-deflate only: pass perMessageDeflate: true instead of WireKit extensions');
  if (options.tls?.verifyPeer !== undefined && (target.protocol === 'ws:' || target.protocol === 'http:')) throw usageError('WK_ERR_UNSUPPORTED', 'tls.verifyPeer needs a wss: or https: URL');
  if (options.signal?.aborted === true) return Promise.reject(new WireKitError('WK_ERR_ABORTED', 'the connect was aborted before it started', { cause: options.signal.reason }));
  return (options.WebSocket === undefined ? loadWs() : Promise.resolve(options.WebSocket)).then((constructor) => open(constructor, String(url), target, offered, options, connectTimeout, closeTimeout));
});

function open(constructor: WsConstructor, given: string, target: URL, offered: readonly string[], options: WsConnectOptions, connectTimeout: number, closeTimeout: number): Promise<WsConnection> {
  const headers: Record<string, string> = { ...options.headers };
  if (offered.length > 0) headers['Sec-WebSocket-Protocol'] = offered.join(', ');
  const wsOptions: Record<string, unknown> = {
    perMessageDeflate: options.perMessageDeflate ?? false,
    maxPayload: options.maxMessageSize ?? DEFAULT_MAX_MESSAGE,
    maxFragments: options.maxFragments ?? DEFAULT_MAX_FRAGMENTS,
    autoPong: options.autoPong ?? true,
    // ws's own close timer is a backstop: the connection's, which reports WK_ERR_CLOSE_TIMEOUT, fires first.
    closeTimeout: closeTimeout * 2,
    headers,
    ...(options.origin === undefined ? {} : { origin: options.origin }),
    ...(options.tls?.ca === undefined ? {} : { ca: options.tls.ca }),
    ...(options.tls?.servername === undefined ? {} : { servername: options.tls.servername }),
    ...(options.tls?.rejectUnauthorized === undefined ? {} : { rejectUnauthorized: options.tls.rejectUnauthorized }),
  };
  let refusedPeer: WireKitError | null = null;
  const verifyPeer = options.tls?.verifyPeer;
  if (verifyPeer !== undefined) wsOptions.finishRequest = pinningHook(verifyPeer, (error) => (refusedPeer = error));
  return new Promise<WsConnection>((resolve, reject) => {
    let socket: ConnectingWs;
    try {
      socket = new constructor(target.href, [], wsOptions) as ConnectingWs;
    } catch (error) {
      reject(usageError('WK_ERR_INVALID_ARGUMENT', `ws refused the connect options: ${error instanceof Error ? error.message : String(error)}`, error));
      return;
    }
    let settled = false;
    let selected = '';
    let refusedProtocol: string | undefined;
    let responseHeaders: Record<string, string> = {};
    const cleanup = (): void => {
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      socket.removeListener('upgrade', onUpgrade);
      socket.removeListener('unexpected-response', onUnexpected);
      socket.removeListener('open', onOpen);
      // The 'error' listener stays: ws reports the aborted handshake after we rejected, and an
      // EventEmitter 'error' without a listener would crash the process.
    };
    const fail = (error: WireKitError): void => {
      if (settled) return;
      settled = true;
      cleanup();
      socket.terminate();
      reject(error);
    };
    const onError = (error: Error): void => {
      if (refusedPeer !== null) fail(refusedPeer);
      else if (refusedProtocol !== undefined) fail(new WireKitError('WK_ERR_HANDSHAKE_PROTOCOL', `the server selected the subprotocol ${JSON.stringify(refusedProtocol)}, which was not offered`, { domain: 'websocket', cause: error }));
      else fail(libraryError(error));
    };
    const onUpgrade = (response: UpgradeResponse): void => {
      responseHeaders = Object.fromEntries(Object.entries(response.headers).flatMap(([name, value]) => (value === undefined ? [] : [[name, headerValue(value)!]])));
      const chosen = headerValue(response.headers['sec-websocket-protocol']);
      // RFC 6455 §4.1: the server may select one of the offered subprotocols, or none.
      if (chosen !== undefined && !offered.includes(chosen)) {
        refusedProtocol = chosen; // left in place: ws fails the handshake, as none was offered to it
        return;
      }
      selected = chosen ?? '';
      // ws was offered nothing itself, so it must not see the selection (it would refuse it).
      delete response.headers['sec-websocket-protocol'];
    };
    const onUnexpected = (_request: unknown, response: UpgradeResponse): void => fail(handshakeStatusError(response.statusCode ?? 0));
    const onOpen = (): void => {
      if (settled) return;
      settled = true;
      cleanup();
      resolve(new WsConnection(socket, {
        url: given,
        protocol: selected,
        extensions: responseHeaders['sec-websocket-extensions'] ?? '',
        responseHeaders,
        closeTimeout,
        ...(options.receiveHighWaterMark === undefined ? {} : { receiveHighWaterMark: options.receiveHighWaterMark }),
        ...(options.maxBufferedAmount === undefined ? {} : { maxBufferedAmount: options.maxBufferedAmount }),
        ...(options.textAsBytes === true ? { textAsBytes: true } : {}),
      }));
    };
    const onAbort = (): void => fail(new WireKitError('WK_ERR_ABORTED', 'the connect was aborted', { cause: options.signal?.reason }));
    const timer = setTimeout(() => fail(new WireKitError('WK_ERR_CONNECT_TIMEOUT', `the connect and opening handshake did not finish within ${connectTimeout} ms`)), connectTimeout);
    options.signal?.addEventListener('abort', onAbort, { once: true });
    socket.on('error', onError);
    socket.on('upgrade', onUpgrade);
    socket.on('unexpected-response', onUnexpected);
    socket.on('open', onOpen);
  });
}
