// A WebSocket on one stream of an HTTP/2 session (RFC 8441), as a core ByteChannel. Core's client
// handshake runs unchanged over it: the channel sends its HTTP/1.1 upgrade request as an extended
// CONNECT and hands back the HTTP/2 response in the 101 form core checks (subprotocol, extensions).
import { createHash } from 'node:crypto';
import type { ClientHttp2Session, ClientHttp2Stream, IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http2';
import { http2StreamChannel, type ByteChannel, type ByteChannelHandlers } from '@wirekit/core';
import { computeAcceptKey, HttpHeadReader } from '@wirekit/protocol';

/**
 * Request fields that do not go into an extended CONNECT: HTTP/1.1's connection-specific fields
 * (RFC 9113 §8.2.2), Host (it is `:authority`) and Sec-WebSocket-Key (RFC 8441 §5 leaves it out).
 */
const DROPPED_REQUEST_FIELDS: ReadonlySet<string> = new Set([
  'host', 'upgrade', 'connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'te', 'sec-websocket-key',
]);

/** What a channel needs of its session: the session, how to address it, and what to call when the stream ends. */
export interface Http2StreamTarget {
  readonly session: ClientHttp2Session;
  /** `http` (h2c) or `https`. */
  readonly scheme: 'http' | 'https';
  /** Called once, when the stream is closed (or was never opened and the channel is destroyed). */
  release(): void;
}

/**
 * Opens one WebSocket as an HTTP/2 stream of `target.session` when core writes its upgrade request.
 * Everything after the handshake is core's socket channel over the stream, so HTTP/2 flow control
 * is the backpressure the engine already obeys (a paused stream stops sending WINDOW_UPDATEs).
 */
export function http2Channel(target: Http2StreamTarget): ByteChannel {
  return new Http2Channel(target);
}

class Http2Channel implements ByteChannel {
  #handlers: ByteChannelHandlers | null = null;
  #inner: ByteChannel | null = null;
  #paused = false;
  #ended = false;
  #released = false;

  constructor(private readonly target: Http2StreamTarget) {}

  write(chunks: readonly Uint8Array[], done: (error?: Error) => void): boolean {
    if (this.#inner !== null) return this.#inner.write(chunks, done);
    if (this.#ended) {
      queueMicrotask(() => done(new Error('the channel has ended')));
      return false;
    }
    const parsed = new HttpHeadReader('request').push(chunks[0] ?? new Uint8Array(0));
    if (parsed?.kind !== 'complete') {
      queueMicrotask(() => done(new Error('the first write of an HTTP/2 WebSocket channel must be the upgrade request head')));
      return false;
    }
    const { head } = parsed;
    const headers: OutgoingHttpHeaders = {
      ':method': 'CONNECT',
      ':protocol': 'websocket',
      ':scheme': this.target.scheme,
      ':path': head.target,
      ':authority': head.headers.get('host') ?? '',
    };
    for (const [name, value] of head.headers) if (!DROPPED_REQUEST_FIELDS.has(name)) headers[name] = value;
    let stream: ClientHttp2Stream;
    try {
      stream = this.target.session.request(headers, { endStream: false });
    } catch (error) {
      queueMicrotask(() => done(error instanceof Error ? error : new Error(String(error))));
      this.#release();
      return false;
    }
    const accept = computeAcceptKey(head.headers.get('sec-websocket-key') ?? '', (data) => createHash('sha1').update(data).digest());
    stream.once('response', (response) => this.#handlers?.data(asUpgradeResponse(response, accept)));
    stream.once('close', () => this.#release());
    const inner = http2StreamChannel(stream);
    this.#inner = inner;
    if (this.#handlers !== null) inner.bind(this.#handlers);
    if (this.#paused) inner.pause();
    const rest = chunks.slice(1);
    if (rest.length === 0 && parsed.remainder.length === 0) {
      queueMicrotask(() => done());
      return true;
    }
    return inner.write(parsed.remainder.length === 0 ? rest : [parsed.remainder, ...rest], done);
  }

  get bufferedAmount(): number {
    return this.#inner?.bufferedAmount ?? 0;
  }

  end(): void {
    this.#ended = true;
    if (this.#inner !== null) this.#inner.end();
    else this.#closeUnopened();
  }

  destroy(error?: Error): void {
    this.#ended = true;
    if (this.#inner !== null) this.#inner.destroy(error);
    else this.#closeUnopened(error);
  }

  pause(): void {
    this.#paused = true;
    this.#inner?.pause();
  }

  resume(): void {
    this.#paused = false;
    this.#inner?.resume();
  }

  bind(handlers: ByteChannelHandlers): void {
    this.#handlers = handlers;
    this.#inner?.bind(handlers);
  }

  /** A channel that never opened its stream: it reports its end as a socket that closed would. */
  #closeUnopened(error?: Error): void {
    if (this.#released) return;
    this.#release();
    const handlers = this.#handlers;
    queueMicrotask(() => {
      if (error !== undefined) handlers?.error(error);
      handlers?.close();
    });
  }

  #release(): void {
    if (this.#released) return;
    this.#released = true;
    this.target.release();
  }
}

/**
 * An extended CONNECT's response in the HTTP/1.1 form core's handshake reads: 2xx is RFC 8441 §5's
 * success and becomes a 101 with the Sec-WebSocket-Accept of this request's own key (HTTP/2 has
 * none: the stream itself ties the answer to the request); any other status stays a refusal.
 */
function asUpgradeResponse(response: IncomingHttpHeaders, accept: string): Uint8Array {
  const status = Number(response[':status']);
  const ok = status >= 200 && status < 300;
  const lines = [ok ? 'HTTP/1.1 101 Switching Protocols' : `HTTP/1.1 ${String(status)} `];
  if (ok) lines.push('Upgrade: websocket', 'Connection: Upgrade', `Sec-WebSocket-Accept: ${accept}`);
  for (const [name, value] of Object.entries(response)) {
    if (name.startsWith(':') || value === undefined) continue;
    for (const item of Array.isArray(value) ? value : [String(value)]) lines.push(`${name}: ${String(item)}`);
  }
  return Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1');
}

