// One HTTP/2 session per origin for WebSockets over HTTP/2 (RFC 8441): every connect with the
// `http2` option of this process goes through the one pool below (framed's, which task uses in Node).
import { connect as http2Connect, type ClientHttp2Session } from 'node:http2';
import type { Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { systemClock, WireKitError, type ByteChannel, type Clock } from '@wirekit/core';
import { dialSocket, type DialOptions } from './dial-socket.js';
import { http2Channel } from './http2-channel.js';

/** Where a WebSocket goes: a stream of a shared session, or its own HTTP/1.1 connection (`socket` when the probe left one to reuse). */
export type Http2Route =
  | { readonly kind: 'h2'; readonly channel: ByteChannel; readonly socket: Socket }
  | { readonly kind: 'http/1.1'; readonly socket: Socket | null };

/** Options of an {@link Http2SessionPool}. */
export interface Http2SessionPoolOptions {
  /** Timers; defaults to core's `systemClock`. */
  readonly clock?: Clock;
  /**
   * ms a session stays open after its last WebSocket ended. 5 000 by default: long enough that a
   * reconnect or the next page's WebSocket reuses the session (no new TCP + TLS handshake), short
   * enough that an idle process does not hold connections a server would reap anyway.
   */
  readonly idleTimeout?: number;
  /**
   * ms an origin that does not speak RFC 8441 (no h2 by ALPN, no SETTINGS_ENABLE_CONNECT_PROTOCOL,
   * or an h2c probe refused) is dialled over HTTP/1.1 without probing again. 60 000 by default: a
   * probe costs a connection, and servers rarely change what they speak within a minute.
   */
  readonly fallbackTtl?: number;
}

interface Session {
  readonly session: ClientHttp2Session;
  readonly socket: Socket;
  streams: number;
  idle: unknown;
}

type Entry =
  | { readonly kind: 'probing'; readonly ready: Promise<Session | null> }
  | { readonly kind: 'h2'; readonly state: Session }
  | { readonly kind: 'http/1.1'; readonly until: number };

/**
 * The receive window of a whole session (RFC 9113 §6.9), 8 MiB. A WebSocket whose reader is slow
 * stops reading its stream, which holds at most its stream window (64 KiB, HTTP/2's default); with
 * a session window the same size, one slow WebSocket would stall every other one of its session.
 * 8 MiB lets 128 such streams stall before the others wait, and bounds what a session can hold.
 */
export const HTTP2_SESSION_WINDOW = 8 * 1024 * 1024;

/** Identities of TLS option objects (CA lists, pinning hooks), so that only equal settings share a session. */
const identities = new WeakMap<object, number>();
let nextIdentity = 1;
function identity(value: unknown): string {
  if (value === undefined) return '-';
  if (typeof value !== 'object' && typeof value !== 'function') return JSON.stringify(value);
  let id = identities.get(value as object);
  if (id === undefined) identities.set(value as object, (id = nextIdentity++));
  return `#${String(id)}`;
}

/**
 * A pool of client HTTP/2 sessions, one per origin and TLS settings, each carrying any number of
 * WebSockets as extended CONNECT streams. A session opens with the first WebSocket (h2 chosen by
 * ALPN over TLS, prior knowledge for h2c), is used only when the server's SETTINGS enable the
 * CONNECT protocol (RFC 8441 §3), and closes `idleTimeout` after its last WebSocket ended. When an
 * origin does not speak RFC 8441 the caller falls back to HTTP/1.1. A session's failure fails
 * its streams (WK_ERR_HTTP2_SESSION) and the pool forgets it.
 */
export class Http2SessionPool {
  readonly #clock: Clock;
  readonly #idleTimeout: number;
  readonly #fallbackTtl: number;
  readonly #entries = new Map<string, Entry>();

  constructor(options: Http2SessionPoolOptions = {}) {
    this.#clock = options.clock ?? systemClock;
    this.#idleTimeout = options.idleTimeout ?? 5_000;
    this.#fallbackTtl = options.fallbackTtl ?? 60_000;
  }

  /** Sessions open now (for tests and metrics). */
  get size(): number {
    let count = 0;
    for (const entry of this.#entries.values()) if (entry.kind === 'h2') count++;
    return count;
  }

  /**
   * Where a WebSocket to `dial.host:dial.port` goes: a new stream of the origin's session, or
   * HTTP/1.1. Rejects with the dial's WireKitError when the origin cannot be reached at all.
   */
  async route(dial: DialOptions): Promise<Http2Route> {
    const key = `${dial.tls === null ? 'http' : 'https'}://${dial.host}:${String(dial.port)} ${dial.tls === null ? '' : [dial.tls.servername, dial.tls.rejectUnauthorized, dial.tls.ca, dial.tls.verifyPeer].map(identity).join(' ')}`;
    const entry = this.#entries.get(key);
    if (entry?.kind === 'http/1.1' && entry.until > this.#clock.now()) return { kind: 'http/1.1', socket: null };
    if (entry?.kind === 'h2' && !entry.state.session.closed && !entry.state.session.destroyed) return this.#stream(key, entry.state, dial);
    if (entry?.kind === 'probing') {
      const state = await entry.ready;
      return state === null ? { kind: 'http/1.1', socket: null } : this.#stream(key, state, dial);
    }
    return this.#probe(key, dial);
  }

  async #probe(key: string, dial: DialOptions): Promise<Http2Route> {
    let spare: Socket | null = null;
    const ready = (async (): Promise<Session | null> => {
      const socket = await dialSocket({ ...dial, alpn: ['h2', 'http/1.1'] });
      if (dial.tls !== null && (socket as TLSSocket).alpnProtocol !== 'h2') {
        spare = socket;
        return null;
      }
      return this.#handshake(key, socket, dial);
    })();
    this.#entries.set(key, { kind: 'probing', ready });
    let state: Session | null;
    try {
      state = await ready;
    } catch (error) {
      this.#entries.delete(key);
      throw error;
    }
    if (state === null) {
      this.#entries.set(key, { kind: 'http/1.1', until: this.#clock.now() + this.#fallbackTtl });
      return { kind: 'http/1.1', socket: spare };
    }
    this.#entries.set(key, { kind: 'h2', state });
    return this.#stream(key, state, dial);
  }

  /** Starts HTTP/2 on `socket` and waits for the server's first SETTINGS; null when they do not enable RFC 8441. */
  #handshake(key: string, socket: Socket, dial: DialOptions): Promise<Session | null> {
    const scheme = dial.tls === null ? 'http' : 'https';
    const session = http2Connect(`${scheme}://${dial.host.includes(':') ? `[${dial.host}]` : dial.host}:${String(dial.port)}`, { createConnection: () => socket });
    const state: Session = { session, socket, streams: 0, idle: undefined };
    session.once('connect', () => session.setLocalWindowSize(HTTP2_SESSION_WINDOW));
    return new Promise<Session | null>((resolve) => {
      let settled = false;
      const finish = (result: Session | null): void => {
        if (settled) return;
        settled = true;
        this.#clock.clearTimeout(timer);
        if (result === null) session.destroy();
        resolve(result);
      };
      // An h2c probe of an HTTP/1.1 server ends in a parse error or a close before any SETTINGS.
      const timer = this.#clock.setTimeout(() => finish(null), dial.timeout);
      session.once('remoteSettings', (settings) => finish(settings.enableConnectProtocol === true ? state : null));
      session.on('error', () => finish(null));
      session.once('close', () => {
        finish(null);
        const current = this.#entries.get(key);
        if (current?.kind === 'h2' && current.state === state) this.#entries.delete(key);
        this.#clock.clearTimeout(state.idle);
      });
      // Its streams keep the process alive; an idle session must not.
      session.unref();
    });
  }

  #stream(key: string, state: Session, dial: DialOptions): Http2Route {
    this.#clock.clearTimeout(state.idle);
    state.idle = undefined;
    state.streams++;
    state.session.ref();
    let released = false;
    const release = (): void => {
      if (released) return;
      released = true;
      state.streams--;
      if (state.streams > 0) return;
      state.session.unref();
      state.idle = this.#clock.setTimeout(() => {
        const current = this.#entries.get(key);
        if (current?.kind === 'h2' && current.state === state) this.#entries.delete(key);
        state.session.close();
      }, this.#idleTimeout);
    };
    if (state.session.destroyed) {
      release();
      throw new WireKitError('WK_ERR_HTTP2_SESSION', 'the HTTP/2 session closed before the WebSocket stream could open');
    }
    return { kind: 'h2', channel: http2Channel({ session: state.session, scheme: dial.tls === null ? 'http' : 'https', release }), socket: state.socket };
  }

  /** Closes every session now (their WebSockets fail with WK_ERR_HTTP2_SESSION) and forgets every origin. */
  close(): void {
    for (const entry of this.#entries.values()) {
      if (entry.kind === 'h2') {
        this.#clock.clearTimeout(entry.state.idle);
        entry.state.session.destroy();
      }
    }
    this.#entries.clear();
  }
}

/** The pool every `http2: true` connect of this process shares. */
export const sharedHttp2Pool = new Http2SessionPool();
