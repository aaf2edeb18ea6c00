import { createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { AddressInfo, Server, Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { EventEmitter } from 'eventemitter3';
import {
  acceptServerConnection,
  systemClock,
  toWireKitError,
  WireKitError,
  type Clock,
  type EngineConnection,
  type Message,
  RESUME_PROTOCOL,
} from '@wirekit/core';
import {
  acceptUpgrade,
  CloseCode,
  rejectUpgrade,
  validateUpgradeRequest,
  WEBSOCKET_GUID,
  WireKitUsageError,
  type RejectUpgradeOptions,
  type UpgradeRequest,
} from '@wirekit/protocol';
import type { BroadcastOptions, BroadcastResult } from './broadcast.js';
import { BROADCAST_ROOM, type Broker, type PresenceEntry } from './broker.js';
import { answerAndClose } from './answer-and-close.js';
import { answerOverHttp2, channelFor } from './http2-upgrade.js';
import { InProcessBroker } from './in-process-broker.js';
import { PerfectWebSocket } from './perfect-web-socket.js';
import { rawUpgradeServer, upgradeInputOf } from './raw-upgrade-server.js';
import { RoomRegistry } from './room.js';
import { RoomBus } from './room-bus.js';
import { SessionResume } from './session-resume.js';
import { pathOf, Routes, type WebSocketSessionHandler } from './routes.js';
import { connectionDefaults, type ConnectionDefaults, type ListeningAddress, type VerifyClientResult, type WireKitServerEvents, type WireKitServerOptions } from './server-options.js';

/**
 * RFC 6455 §4.2.2 item 5.4: Sec-WebSocket-Accept is base64(SHA-1(key + GUID)), in one node:crypto
 * call (crypto.hash, Node 20.12+, measured no faster than createHash on Node 20).
 */
const acceptKey = (key: string): string => createHash('sha1').update(key + WEBSOCKET_GUID, 'latin1').digest('base64');

/** Why each default: see {@link WireKitServerOptions}. */
const DEFAULT_HANDSHAKE_TIMEOUT = 10_000;
const DEFAULT_HOST = '127.0.0.1';

/** What the handshake decided, once a request is valid. */
type Admission =
  | { readonly kind: 'refuse'; readonly status: number; readonly options: RejectUpgradeOptions }
  | { readonly kind: 'accept'; readonly protocol: string; readonly session: WebSocketSessionHandler | null };

/**
 * A WebSocket server on the WireKit engine. Standalone (`listen()`), attached to an existing
 * `node:http` server (`server` option), or fed by hand with {@link handleUpgrade}. Every
 * connection is a core `EngineConnection`, so the server side speaks the same `Connection`
 * interface as every client transport.
 *
 * @example
 * const server = new WireKitServer({ port: 8080, handleProtocols: (offered) => offered.find((p) => p === 'chat.v1') });
 * server.on('connection', (connection) => { server.rooms.get('lobby').join(connection); });
 * const { url } = await server.listen();
 * @see https://www.rfc-editor.org/rfc/rfc6455#section-4.2
 */
export class WireKitServer {
  /** The rooms of this server, by name; their broadcasts go through the broker to every node. */
  readonly rooms: RoomRegistry;
  /** Perfect-style routes: a path matching one is handled by its WebSocketHandler. */
  readonly routes: Routes;
  readonly #options: WireKitServerOptions;
  readonly #clock: Clock;
  readonly #handshakeTimeout: number;
  readonly #maxConnections: number;
  readonly #events = new EventEmitter<WireKitServerEvents>();
  readonly #bus: RoomBus;
  readonly #sessions: SessionResume | null;
  readonly #connections = new Set<EngineConnection>();
  /** Sockets that have not finished a handshake, with their timeout timer. */
  readonly #pending = new Map<Duplex, unknown>();
  /** Every socket of an own server, so that shutdown can end the stragglers. */
  readonly #sockets = new Set<Socket>();
  #admitting = 0;
  #http: Server | undefined;
  #ownsHttp = false;
  #closing: Promise<void> | undefined;
  readonly #onUpgrade = (request: IncomingMessage, socket: Duplex, head: Uint8Array): void => {
    void this.handleUpgrade(request, socket, head);
  };
  /**
   * Socket and connection listeners shared by every socket (Node calls a listener with `this`
   * set to its emitter), so that holding a connection costs no closure of the server's.
   */
  readonly #onPendingClose: (this: Duplex) => void;
  readonly #onOwnSocketClose: (this: Socket) => void;
  readonly #onConnectionClose = (connection: EngineConnection): void => {
    this.#connections.delete(connection);
  };
  /** What every connection's options share, built once rather than spread per handshake. */
  readonly #connectionDefaults: ConnectionDefaults;

  /**
   * @param options see {@link WireKitServerOptions}.
   * @throws {WireKitUsageError} WK_ERR_INVALID_ARGUMENT for a negative or non-numeric limit.
   */
  constructor(options: WireKitServerOptions = {}) {
    for (const name of ['port', 'maxConnections', 'handshakeTimeout', 'closeTimeout', 'maxMessageSize', 'maxFragments'] as const) {
      const value = options[name];
      if (value !== undefined && (typeof value !== 'number' || Number.isNaN(value) || value < 0)) {
        throw new WireKitUsageError('WK_ERR_INVALID_ARGUMENT', `${name} must be a non-negative number`);
      }
    }
    for (const name of ['maxBufferedAmount', 'receiveHighWaterMark', 'outputStallTimeout', 'maxControlBacklog'] as const) {
      const value = options[name];
      if (value !== undefined && !(typeof value === 'number' && value > 0)) {
        throw new WireKitUsageError('WK_ERR_INVALID_ARGUMENT', `${name} must be a number > 0`);
      }
    }
    this.#options = options;
    this.#clock = options.clock ?? systemClock;
    this.#handshakeTimeout = options.handshakeTimeout ?? DEFAULT_HANDSHAKE_TIMEOUT;
    this.#maxConnections = options.maxConnections ?? Number.POSITIVE_INFINITY;
    this.routes = options.routes ?? new Routes();
    this.#connectionDefaults = connectionDefaults(options, this.#clock, this.#onConnectionClose);
    const sockets = this.#sockets;
    const untrack = (socket: Duplex): void => this.#untrack(socket);
    this.#onPendingClose = function (this: Duplex) {
      untrack(this);
    };
    this.#onOwnSocketClose = function (this: Socket) {
      sockets.delete(this);
    };
    this.#bus = new RoomBus(options.broker ?? new InProcessBroker(), (room) => this.rooms.find(room), () => this.#connections, (error) => this.#report(error));
    this.rooms = new RoomRegistry(this.#bus.hooks);
    this.#sessions = options.resume === false ? null : new SessionResume(this.#bus, this.rooms, this.#clock, (error) => this.#report(error), options.resume);
    if (options.server !== undefined) {
      this.#http = options.server;
      this.#http.on('upgrade', this.#onUpgrade);
    }
  }

  /** The open connections (a live view); each leaves when it closes. */
  get connections(): ReadonlySet<EngineConnection> {
    return this.#connections;
  }

  /** The broker that carries rooms between nodes (the in-process one unless the `broker` option says otherwise). */
  get broker(): Broker {
    return this.#bus.broker;
  }

  /** The session id of a connection on the resume subprotocol, or null for a plain one. */
  sessionId(connection: EngineConnection): string | null {
    return this.#sessions?.idOf(connection) ?? null;
  }

  /** Who is in `room` on every node of the cluster (members of dead nodes excluded). */
  presence(room: string): Promise<readonly PresenceEntry[]> {
    return this.#bus.broker.presence(room);
  }

  /** Adds a listener; returns the function that removes it. */
  on<E extends keyof WireKitServerEvents>(event: E, listener: (...args: WireKitServerEvents[E]) => void): () => void {
    this.#events.on(event, listener as never);
    return () => void this.#events.off(event, listener as never);
  }

  /**
   * Listens on `port`/`host` (or on the `server` given) and resolves with the address. An own
   * server is a `node:net` one whose request heads WireKit reads itself, without node:http (its
   * parser and per-socket machinery cost more server CPU per handshake than all of WireKit's):
   * a plain HTTP request gets 426 Upgrade Required, a malformed head 400, a head over 16 KiB
   * (node:http's default `maxHeaderSize`) 431, and the hooks still get a node:http
   * `IncomingMessage` (method, url, httpVersion, headers, rawHeaders, socket).
   *
   * @throws {WireKitUsageError} WK_ERR_NOT_OPEN (rejects) after {@link close}. Rejects with a
   *   WireKitError carrying the errno (e.g. EADDRINUSE) when the port cannot be bound.
   */
  async listen(): Promise<ListeningAddress> {
    if (this.#closing !== undefined) throw new WireKitUsageError('WK_ERR_NOT_OPEN', 'The server is closed');
    const http = this.#http ?? this.#createOwnServer();
    if (!http.listening) {
      await new Promise<void>((resolve, reject) => {
        const fail = (error: Error): void => reject(toWireKitError(error));
        http.once('error', fail);
        http.listen(this.#options.port ?? 0, this.#options.host ?? DEFAULT_HOST, () => {
          http.off('error', fail);
          resolve();
        });
      });
    }
    const address = http.address() as AddressInfo;
    const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
    return { port: address.port, host: address.address, url: `ws://${host}:${String(address.port)}${this.#options.path ?? ''}` };
  }

  /**
   * Completes (or refuses) a WebSocket handshake for a `node:http` `upgrade` event: validates the
   * request (RFC 6455 §4.2.1), applies the path, connection limit, `verifyClient` and routes,
   * writes the 101 and starts the connection. Refusals are answered with their HTTP status.
   *
   * @param request the `upgrade` event's request.
   * @param socket its socket; the server owns it from now on.
   * @param head bytes that followed the request head (the first frames, if the client was quick).
   * @returns the open connection, or null when the handshake was refused or the socket was lost.
   */
  async handleUpgrade(request: IncomingMessage, socket: Duplex, head: Uint8Array = new Uint8Array(0)): Promise<EngineConnection | null> {
    this.#track(socket);
    let admitted = false;
    try {
      if (this.#closing !== undefined) return this.#refuse(socket, 503, { body: 'The server is shutting down' });
      const validation = validateUpgradeRequest(upgradeInputOf(request));
      if (validation.kind === 'invalid') return this.#abort(socket, validation.response);
      const upgrade = validation.request;
      const route = this.routes.match(upgrade.target);
      if (route === undefined && this.#options.path !== undefined && pathOf(upgrade.target) !== this.#options.path) {
        return this.#refuse(socket, 404, { body: 'No WebSocket endpoint at this path' });
      }
      if (this.#connections.size + this.#admitting >= this.#maxConnections) {
        return this.#refuse(socket, 503, { headers: [['Retry-After', '1']], body: 'Too many connections' });
      }
      this.#admitting++;
      admitted = true;
      const admission = await this.#admit(upgrade, request, socket);
      // The socket may have timed out, or the peer gone, while the hook ran.
      if (socket.destroyed || !this.#pending.has(socket)) return null;
      if (this.#closing !== undefined) return this.#refuse(socket, 503, { body: 'The server is shutting down' });
      if (admission.kind === 'refuse') return this.#refuse(socket, admission.status, admission.options);
      return this.#accept(request, socket, head, upgrade, admission);
    } catch (error) {
      this.#report(error);
      // After a 101 (the connection itself failed to start) no HTTP answer is possible any more.
      if (!this.#pending.has(socket)) {
        socket.destroy();
        return null;
      }
      return this.#refuse(socket, 500, {});
    } finally {
      if (admitted) this.#admitting--;
      this.#untrack(socket);
    }
  }

  /**
   * Sends `message` to every open connection of every node (but `except`), reporting each
   * failure of this node's; never rejects. Not replayed on resume.
   * @see {@link broadcast}
   */
  broadcast(message: Message, options: BroadcastOptions = {}): Promise<BroadcastResult> {
    return this.#bus.publish(BROADCAST_ROOM, message, options);
  }

  /**
   * Graceful shutdown: refuses new handshakes (503), stops listening, closes every connection
   * with 1001 Going Away, destroys those that have not closed within `closeTimeout`, and
   * resolves when all are gone. An own HTTP server is closed; a given one is only detached.
   * Calling it again returns the same promise.
   */
  close(): Promise<void> {
    this.#closing ??= this.#shutdown();
    return this.#closing;
  }

  async #shutdown(): Promise<void> {
    const http = this.#http;
    const stopped = http !== undefined && this.#ownsHttp && http.listening
      ? new Promise<void>((resolve) => http.close(() => resolve()))
      : Promise.resolve();
    http?.off('upgrade', this.#onUpgrade);
    for (const socket of this.#pending.keys()) socket.destroy();
    await Promise.all([...this.#connections].map((connection) => this.#goAway(connection)));
    // Refused clients that never read their response would hold http.close() open.
    for (const socket of this.#sockets) socket.destroy();
    await stopped;
    this.#sessions?.close();
    this.#bus.close();
    if (this.#options.broker === undefined) await this.#bus.broker.close();
    this.#emitSafely('close');
  }

  /**
   * Closes with 1001 and waits, bounded: the core closes after closeTimeout; terminate is the
   * backstop. What is pending on the connection (receive(), ping(), sends) fails with
   * WK_ERR_SERVER_CLOSED, so that the application can tell a shutdown from a client that left with 1001.
   */
  async #goAway(connection: EngineConnection): Promise<void> {
    const ending = new WireKitError('WK_ERR_SERVER_CLOSED', 'The server shut down', { closeCode: CloseCode.GoingAway });
    try {
      void connection.close(CloseCode.GoingAway, 'Server shutting down', ending).catch(() => undefined);
    } catch {
      // Already closing: wait for that close instead.
    }
    const bound = (this.#options.closeTimeout ?? 5_000) + 1_000;
    let timer: unknown;
    const late = new Promise<void>((resolve) => {
      timer = this.#clock.setTimeout(() => {
        connection.terminate(ending);
        resolve();
      }, bound);
    });
    await Promise.race([connection.closed.then(() => undefined), late]);
    this.#clock.clearTimeout(timer);
  }

  /** The hooks: verifyClient first (auth before anything else), then the route or handleProtocols. */
  async #admit(upgrade: UpgradeRequest, incoming: IncomingMessage, socket: Duplex): Promise<Admission> {
    const verify = this.#options.verifyClient;
    if (verify !== undefined) {
      const verdict: VerifyClientResult = await verify({
        request: upgrade,
        origin: upgrade.origin,
        remoteAddress: (socket as Partial<Socket>).remoteAddress,
        incoming,
      });
      if (verdict !== true) {
        const options: RejectUpgradeOptions = {
          ...(verdict.headers === undefined ? {} : { headers: verdict.headers }),
          ...(verdict.body === undefined ? {} : { body: verdict.body }),
        };
        return { kind: 'refuse', status: verdict.status, options };
      }
    }
    const route = this.routes.match(upgrade.target);
    if (route !== undefined) {
      const session = route.handlerProducer(upgrade, upgrade.protocols) ?? null;
      // Perfect answers a producer's nil with 400 and this body.
      if (session === null) return { kind: 'refuse', status: 400, options: { body: 'WebSocket protocols not supported.' } };
      const wanted = session.socketProtocol;
      const protocol = wanted !== undefined && upgrade.protocols.includes(wanted) ? wanted : '';
      return { kind: 'accept', protocol, session };
    }
    if (this.#sessions !== null && upgrade.protocols.includes(RESUME_PROTOCOL)) return { kind: 'accept', protocol: RESUME_PROTOCOL, session: null };
    return { kind: 'accept', protocol: this.#options.handleProtocols?.(upgrade.protocols, upgrade) ?? '', session: null };
  }

  #accept(
    incoming: IncomingMessage,
    socket: Duplex,
    head: Uint8Array,
    upgrade: UpgradeRequest,
    admission: Extract<Admission, { kind: 'accept' }>,
  ): EngineConnection {
    const accepted = acceptUpgrade(upgrade, {
      acceptKey,
      protocol: admission.protocol,
      ...(this.#options.extensions === undefined ? {} : { extensions: this.#options.extensions }),
    });
    this.#untrack(socket);
    // The socket is a long-lived WebSocket now: no idle timeout from node:http, no Nagle delay on small frames.
    (socket as Partial<Socket>).setTimeout?.(0);
    (socket as Partial<Socket>).setNoDelay?.(true);
    if (!answerOverHttp2(socket, accepted.response)) socket.write(accepted.response);
    const scheme = (socket as Partial<{ encrypted: boolean }>).encrypted === true ? 'wss' : 'ws';
    // Object.assign, not a spread followed by more fields: V8 (Node 20) takes a slow path for that per handshake.
    const connection = acceptServerConnection(channelFor(socket), Object.assign({}, this.#connectionDefaults, {
      url: `${scheme}://${upgrade.host}${upgrade.target}`,
      protocol: accepted.protocol,
      extensions: accepted.extensions,
      extensionsHeader: accepted.extensionsHeader,
      // The first frames, if the client was quick: core holds their messages for the first
      // consumer, so the 'connection' listeners and sessions attached below get them.
      remainder: head,
    }));
    socket.off('error', ignorePeerError);
    // From now on the connection is tracked (and shut down) through #connections, not as a socket.
    if (this.#ownsHttp && this.#sockets.delete(socket as Socket)) socket.off('close', this.#onOwnSocketClose);
    // A connection may close while it starts (a Close among the first frames): then it is no longer tracked.
    if (connection.state !== 'closed') this.#connections.add(connection);
    if (admission.session !== null) {
      const session = admission.session;
      const perfect = new PerfectWebSocket(connection, { clock: this.#clock, onError: (error) => this.#report(error) });
      try {
        session.handleSession(upgrade, perfect);
      } catch (error) {
        this.#report(error);
      }
    }
    if (this.#sessions !== null && accepted.protocol === RESUME_PROTOCOL) {
      // The application meets a resumable connection once its session is settled (hello, welcome, replay).
      void this.#sessions.open(connection).then((ready) => ready && this.#emitSafely('connection', connection, upgrade, incoming));
    } else {
      this.#emitSafely('connection', connection, upgrade, incoming);
    }
    return connection;
  }

  /** Arms the handshake timeout for `socket` (once), and keeps peer errors from crashing the process. */
  #track(socket: Duplex): void {
    if (this.#pending.has(socket)) return;
    const timer = this.#clock.setTimeout(() => {
      this.#pending.delete(socket);
      // As ws and node:http do for a request that takes too long: say so, then close.
      this.#abort(socket, rejectUpgrade(408));
    }, this.#handshakeTimeout);
    this.#pending.set(socket, timer);
    if (!socket.listeners('error').includes(ignorePeerError)) socket.on('error', ignorePeerError);
    if (!socket.listeners('close').includes(this.#onPendingClose)) socket.on('close', this.#onPendingClose);
  }

  /**
   * Clears the handshake timeout. The error guard stays until the channel has its own listener;
   * the close listener stays for good (it finds nothing pending then): taking it off a socket
   * cost ~16 µs of server CPU per handshake (32 at once, A/B), more than leaving it does.
   */
  #untrack(socket: Duplex): void {
    const timer = this.#pending.get(socket);
    if (timer === undefined) return;
    this.#clock.clearTimeout(timer);
    this.#pending.delete(socket);
  }

  #refuse(socket: Duplex, status: number, options: RejectUpgradeOptions): null {
    let response: Uint8Array;
    try {
      response = rejectUpgrade(status, options);
    } catch (error) {
      // A hook's refusal with an invalid status or header is the application's bug: say so, answer 500.
      this.#report(error);
      response = rejectUpgrade(500);
    }
    return this.#abort(socket, response);
  }

  /** Writes an HTTP error response, then closes, reading what the peer still sends for a while (see answerAndClose). */
  #abort(socket: Duplex, response: Uint8Array): null {
    if (answerOverHttp2(socket, response)) return null;
    if (socket.writable) answerAndClose(socket, response, this.#clock);
    else socket.destroy();
    return null;
  }

  /** The standalone server: raw `node:net` sockets, their heads read by WireKit (see rawUpgradeServer). */
  #createOwnServer(): Server {
    const http = rawUpgradeServer({
      connection: (socket) => {
        this.#sockets.add(socket);
        socket.on('close', this.#onOwnSocketClose);
        this.#track(socket);
      },
      upgrade: this.#onUpgrade,
      refuse: (socket, response) => this.#abort(socket, response),
    });
    http.on('error', (error) => this.#report(error));
    this.#http = http;
    this.#ownsHttp = true;
    return http;
  }

  #report(error: unknown): void {
    this.#emitSafely('error', toWireKitError(error));
  }

  /** A listener that throws must not break the handshake machinery of other clients. */
  #emitSafely<E extends keyof WireKitServerEvents>(event: E, ...args: WireKitServerEvents[E]): void {
    for (const listener of this.#events.listeners(event)) {
      try {
        (listener as (...values: WireKitServerEvents[E]) => void)(...args);
      } catch (error) {
        if (event !== 'error') this.#report(error);
      }
    }
  }
}

/** Peer resets during a handshake are routine; the 'close' that follows ends the handshake. */
function ignorePeerError(): void {}
