// WebSockets over HTTP/2 (RFC 8441, extended CONNECT) on a node:http2 server. An extended CONNECT
// stream goes through WireKitServer.handleUpgrade, the one handshake path of HTTP/1.1 (validation,
// limits, verifyClient, routes, subprotocols, extensions): the request is presented to it in its
// HTTP/1.1 form, and the head it answers with is sent as the stream's HTTP/2 response.
import { randomBytes } from 'node:crypto';
import { constants, type Http2SecureServer, type Http2Server, type Http2Stream, type IncomingHttpHeaders, type ServerHttp2Session, type ServerHttp2Stream } from 'node:http2';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { http2StreamChannel, socketChannel, type ByteChannel, type EngineConnection } from '@wirekit/core';
import { HttpHeadReader, rejectUpgrade, type ProtocolErrorCode } from '@wirekit/protocol';
import type { WireKitServer } from './wirekit-server.js';

/**
 * The receive window of a whole session (RFC 9113 §6.9), 8 MiB: a WebSocket the application reads
 * slowly holds at most its stream window (64 KiB by default); with a session window that small
 * too, one slow WebSocket would stall every other one of its session (the client's pool does the same).
 */
const SESSION_WINDOW = 8 * 1024 * 1024;

/** The streams the server answers in HTTP/2 form (see {@link answerOverHttp2}). */
const HTTP2_STREAMS = new WeakSet<object>();

/**
 * Response fields that belong to HTTP/1.1's connection or to its upgrade and have no place in an
 * HTTP/2 response (RFC 9113 §8.2.2 connection-specific fields; RFC 8441 §5: no Sec-WebSocket-Accept).
 */
const DROPPED_RESPONSE_FIELDS: ReadonlySet<string> = new Set([
  'connection', 'upgrade', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'sec-websocket-accept',
]);

/** The request of an extended CONNECT in the HTTP/1.1 form `handleUpgrade` takes, with where it came from. */
export interface Http2UpgradeIncoming {
  readonly method: 'GET';
  /** `:path`. */
  readonly url: string;
  /** `1.1`: the form the request is presented in; `http2` says what it really was. */
  readonly httpVersion: '1.1';
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  /** The HTTP/2 stream and its original header block. */
  readonly http2: { readonly stream: ServerHttp2Stream; readonly headers: IncomingHttpHeaders };
}

/**
 * Checks the RFC 8441 §4 part of an extended CONNECT request (the WebSocket part is
 * `validateUpgradeRequest`'s, as for HTTP/1.1) and returns it in its HTTP/1.1 form: `:authority`
 * as Host, `:path` as the target, `Upgrade`/`Connection` as an HTTP/1.1 client sends them, and a
 * fresh Sec-WebSocket-Key, which RFC 8441 §5 leaves out (the 101's Sec-WebSocket-Accept computed
 * from it is dropped with the rest of the 101's own fields).
 *
 * - `:method` other than CONNECT, or no `:protocol`: not a WebSocket request (`ignore`);
 * - `:protocol` other than `websocket` → 501 (WK_ERR_HANDSHAKE_UPGRADE): RFC 8441 §4 lets a server
 *   refuse a protocol it does not speak;
 * - no `:scheme`, `:path` or `:authority` → 400 (WK_ERR_HANDSHAKE_MALFORMED, RFC 8441 §4).
 *
 * @param headers the stream's header block, as node:http2 reports it.
 */
export function extendedConnectRequest(
  headers: IncomingHttpHeaders,
): ExtendedConnectRequest {
  const protocol = headers[':protocol'];
  if (headers[':method'] !== 'CONNECT' || protocol === undefined) return { kind: 'ignore' };
  if (protocol !== 'websocket') return refusal('WK_ERR_HANDSHAKE_UPGRADE', 501, `Extended CONNECT for "${String(protocol)}" is not supported; only "websocket" (RFC 8441 §4)`);
  const path = headers[':path'];
  const authority = headers[':authority'];
  if (typeof path !== 'string' || path === '' || typeof headers[':scheme'] !== 'string' || typeof authority !== 'string' || authority === '') {
    return refusal('WK_ERR_HANDSHAKE_MALFORMED', 400, 'An extended CONNECT needs :scheme, :path and :authority (RFC 8441 §4)');
  }
  const form: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (name.startsWith(':') || value === undefined) continue;
    form[name] = value;
  }
  form.host = authority;
  form.upgrade = 'websocket';
  form.connection = 'Upgrade';
  form['sec-websocket-key'] = randomBytes(16).toString('base64');
  return { kind: 'upgrade', headers: form, path };
}

/** What {@link extendedConnectRequest} makes of a stream's header block. */
export type ExtendedConnectRequest =
  | { readonly kind: 'ignore' }
  | { readonly kind: 'upgrade'; readonly headers: Record<string, string | string[]>; readonly path: string }
  | { readonly kind: 'invalid'; readonly code: ProtocolErrorCode; readonly status: number; readonly response: Uint8Array };

/** A refusal with its code and its HTTP/1.1 response (the body says why, as for HTTP/1.1 refusals). */
function refusal(code: ProtocolErrorCode, status: number, message: string): ExtendedConnectRequest {
  return { kind: 'invalid', code, status, response: rejectUpgrade(status, { body: message }) };
}

/** Options of {@link attachHttp2}. */
export interface AttachHttp2Options {
  /**
   * What to do with a stream that is not an extended CONNECT for `websocket` when no other
   * `stream` or `request` listener will answer it: `'refuse'` (the default) answers 426, because a
   * request nobody answers would hang until its peer gives up; `'ignore'` leaves it.
   */
  readonly others?: 'refuse' | 'ignore';
}

/**
 * Serves RFC 8441 WebSockets (extended CONNECT) of a `node:http2` server through `wirekit`: turns
 * on SETTINGS_ENABLE_CONNECT_PROTOCOL for the sessions that open from now on (attach before
 * `listen()`), hands every `:protocol websocket` stream to the server's handshake path, and, on a
 * TLS server created with `allowHTTP1: true`, its HTTP/1.1 upgrades too, so both arrive on one port.
 * Each WebSocket runs on its own HTTP/2 stream (a `ByteChannel`), with HTTP/2 flow control under
 * the engine's own bounds; a stream reset ends only its WebSocket (1006).
 *
 * @param wirekit the server whose limits, hooks, routes and rooms apply.
 * @param server an `http2.createServer()` (h2c) or `http2.createSecureServer()` (h2 over TLS).
 * @param options see {@link AttachHttp2Options}.
 * @returns a function that detaches the listeners (done on its own when `wirekit` closes).
 * @see https://www.rfc-editor.org/rfc/rfc8441
 */
export function attachHttp2(wirekit: WireKitServer, server: Http2Server | Http2SecureServer, options: AttachHttp2Options = {}): () => void {
  server.updateSettings({ enableConnectProtocol: true });
  const refuseOthers = options.others !== 'ignore';
  const onStream = (stream: ServerHttp2Stream, headers: IncomingHttpHeaders): void => {
    const own = handleHttp2Stream(wirekit, stream, headers);
    if (own === 'ignored' && refuseOthers && server.listenerCount('stream') === 1 && server.listenerCount('request') === 0) {
      stream.respond({ ':status': 426, 'content-type': 'text/plain; charset=utf-8' });
      stream.end('This endpoint speaks WebSocket only');
    }
  };
  const onUpgrade = (request: IncomingMessage, socket: Duplex, head: Buffer): void => {
    void wirekit.handleUpgrade(request, socket, head);
  };
  const onSession = (session: ServerHttp2Session): void => {
    session.once('connect', () => session.setLocalWindowSize(SESSION_WINDOW));
  };
  server.on('session', onSession);
  server.on('stream', onStream);
  server.on('upgrade', onUpgrade);
  const detach = (): void => {
    server.off('session', onSession);
    server.off('stream', onStream);
    server.off('upgrade', onUpgrade);
    offClose();
  };
  const offClose = wirekit.on('close', detach);
  return detach;
}

/**
 * Runs the handshake of one HTTP/2 stream, for servers that route streams themselves.
 * @returns 'ignored' when the stream is not an extended CONNECT, else the handshake's outcome.
 */
export function handleHttp2Stream(wirekit: WireKitServer, stream: ServerHttp2Stream, headers: IncomingHttpHeaders): 'ignored' | Promise<EngineConnection | null> {
  const request = extendedConnectRequest(headers);
  if (request.kind === 'ignore') return 'ignored';
  HTTP2_STREAMS.add(stream);
  const session = stream.session;
  // What handleUpgrade reads from a socket (the URL's scheme, verifyClient's remoteAddress).
  Object.defineProperty(stream, 'encrypted', { value: session?.encrypted === true });
  Object.defineProperty(stream, 'remoteAddress', { value: session?.socket?.remoteAddress });
  if (request.kind === 'invalid') {
    answerOverHttp2(stream, request.response);
    return Promise.resolve(null);
  }
  const incoming: Http2UpgradeIncoming = { method: 'GET', url: request.path, httpVersion: '1.1', headers: request.headers, http2: { stream, headers } };
  return wirekit.handleUpgrade(incoming as unknown as IncomingMessage, stream);
}

/**
 * Sends the HTTP/1.1 head the handshake path answered with (`response`) as an HTTP/2 response on
 * `socket` when it is an extended CONNECT stream: a 101 becomes `:status 200` and leaves the
 * stream open for frames (RFC 8441 §5); a refusal keeps its status, headers and body, and the
 * stream is closed with NO_ERROR once the body is sent (RFC 9113 §8.1: the request need not end).
 *
 * @returns false when `socket` is not such a stream (the caller writes the bytes as they are).
 */
export function answerOverHttp2(socket: Duplex | Http2Stream, response: Uint8Array): boolean {
  if (!HTTP2_STREAMS.has(socket)) return false;
  const stream = socket as ServerHttp2Stream;
  const parsed = new HttpHeadReader('response').push(response);
  if (stream.destroyed || stream.headersSent || parsed?.kind !== 'complete') {
    stream.close(constants.NGHTTP2_INTERNAL_ERROR);
    return true;
  }
  const { head, remainder } = parsed;
  const fields: Record<string, string | number> = { ':status': head.status === 101 ? 200 : head.status };
  for (const [name, value] of head.headers) if (!DROPPED_RESPONSE_FIELDS.has(name)) fields[name] = value;
  if (head.status === 101) {
    stream.respond(fields);
    if (remainder.length > 0) stream.write(remainder);
    return true;
  }
  stream.respond(fields);
  stream.end(remainder, () => {
    if (!stream.destroyed) stream.close(constants.NGHTTP2_NO_ERROR);
  });
  return true;
}

/** The channel of an accepted socket: an extended CONNECT stream reports its resets with their codes. */
export function channelFor(socket: Duplex): ByteChannel {
  return HTTP2_STREAMS.has(socket) ? http2StreamChannel(socket as unknown as Http2Stream) : socketChannel(socket);
}
