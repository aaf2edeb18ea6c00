import { isUtf8 } from 'node:buffer';
import type { IncomingMessage, Server } from 'node:http';
import { engineLimits, type Clock, type EngineConnection, type EngineLimits, type ServerConnectionOptions, type WireKitError } from '@wirekit/core';
import type { ExtensionFactory, HeaderInput, UpgradeRequest } from '@wirekit/protocol';
import type { Broker } from './broker.js';
import type { Routes } from './routes.js';
import type { ResumeOptions } from './session-resume.js';

/** What {@link WireKitServerOptions.verifyClient} is told about a handshake it may refuse. */
export interface VerifyClientInfo {
  /** The validated upgrade request: target, headers, offered subprotocols and extensions. */
  readonly request: UpgradeRequest;
  /** The Origin header (RFC 6455 §10.2), for an origin allow-list; undefined when absent. */
  readonly origin: string | undefined;
  /** The peer's IP address, for rate limits and allow-lists; undefined when the socket has none. */
  readonly remoteAddress: string | undefined;
  /**
   * The `node:http` request, for cookies or anything else an auth scheme reads. A standalone
   * server (no `server` option) builds it from the head it read itself: `method`, `url`,
   * `httpVersion`, `headers`, `rawHeaders` and `socket` are node:http's; the body stream is empty.
   */
  readonly incoming: IncomingMessage;
}

/** A refusal from {@link WireKitServerOptions.verifyClient}: the HTTP response the client gets. */
export interface VerifyClientRefusal {
  /** A 3xx, 4xx or 5xx status: 401 (with WWW-Authenticate), 403, 429… */
  readonly status: number;
  readonly headers?: HeaderInput;
  readonly body?: string | Uint8Array;
}

/** `true` accepts the handshake; a {@link VerifyClientRefusal} answers it with an HTTP error. */
export type VerifyClientResult = true | VerifyClientRefusal;

/** Options of {@link WireKitServer}. Every limit has a default, and each default says why. */
export interface WireKitServerOptions extends EngineLimits {
  // maxMessageSize, maxFragments, maxControlBacklog, outputStallTimeout: per connection, as core's EngineLimits documents them.
  /**
   * Port for {@link WireKitServer.listen}. Defaults to 0 (an ephemeral port, reported by
   * `listen()`), because a fixed default port collides as soon as two servers run on one machine.
   */
  readonly port?: number;
  /**
   * Interface for {@link WireKitServer.listen}. Defaults to `127.0.0.1`, because a development
   * server must not be reachable from the network unless someone asks for it (`0.0.0.0`, `::`).
   */
  readonly host?: string;
  /**
   * An existing `node:http` (or `node:https`) server to attach to: the WireKitServer listens to
   * its `upgrade` event and leaves every other request to it. `close()` detaches but does not
   * close it, since it is not the WireKitServer's to close.
   */
  readonly server?: Server;
  /**
   * The only request path (without query) accepted; others get 404. Routes of {@link routes}
   * are accepted whatever this says. Defaults to any path, because most servers have one endpoint.
   */
  readonly path?: string;
  /**
   * Picks the subprotocol from the client's offers (RFC 6455 §4.2.2 item 5.4). Return one of
   * `offered`, or undefined for none. Without it no subprotocol is selected: echoing the
   * client's first choice would claim support for a protocol the server may not speak.
   */
  readonly handleProtocols?: (offered: readonly string[], request: UpgradeRequest) => string | undefined;
  /**
   * The origin/auth hook: runs after the request is validated and before the 101 is sent.
   * Return `true` to accept, or a refusal (`{ status: 403 }`) to answer with that status. A hook
   * that throws or rejects refuses with 500 and reports the error on the server's `error` event.
   * The handshake timeout covers the time it takes.
   */
  readonly verifyClient?: (info: VerifyClientInfo) => VerifyClientResult | Promise<VerifyClientResult>;
  /**
   * Per connection: the largest `bufferedAmount`; a send past it rejects with WK_ERR_BUFFER_FULL
   * (broadcast lists that connection as failed). Defaults to core's (100 MiB), defined once; with
   * many clients, set it lower, since it bounds what one slow client can cost.
   */
  readonly maxBufferedAmount?: number;
  /**
   * Per connection: bytes of received messages the application has not taken beyond which the
   * server stops reading that client (TCP then slows it down). Defaults to core's (1 MiB).
   */
  readonly receiveHighWaterMark?: number;
  /**
   * Open connections plus handshakes in progress beyond which a new upgrade is refused with 503.
   * Defaults to unlimited, because only the application knows its capacity; set it in production.
   */
  readonly maxConnections?: number;
  /**
   * ms a client has to complete its opening handshake — from the TCP connect for a standalone
   * server, from the `upgrade` event otherwise — before its socket is destroyed. Defaults to
   * 10 000: plenty for a slow mobile link, while a slowloris client sending half a request holds
   * a socket for ten seconds at most. Node's own `headersTimeout` (60 s) is far too generous.
   * A client still handshaking then is answered 408 Request Timeout and its socket closed, as ws does.
   */
  readonly handshakeTimeout?: number;
  /** ms each connection waits for the client's Close before destroying; defaults to core's (5 000). */
  readonly closeTimeout?: number;
  /** Answer pings automatically; defaults to true, as RFC 6455 §5.5.2 requires an answer. */
  readonly autoPong?: boolean;
  /**
   * Deliver the connections' Text messages as `TextBytes` (validated UTF-8, with `node:buffer`'s
   * native validator) instead of strings, as core's ConnectOptions.textAsBytes: a relay that
   * sends or broadcasts what it received pays neither a decode nor an encode. Defaults to false:
   * strings are what most handlers want.
   */
  readonly textAsBytes?: boolean;
  /** Extensions the server accepts (e.g. permessage-deflate), in the order it applies them. */
  readonly extensions?: readonly ExtensionFactory[];
  /** Perfect-style routes; a request whose path matches one is handled by its WebSocketHandler. */
  readonly routes?: Routes;
  /** Time source for every timeout; defaults to core's system clock. Tests inject a fake one. */
  readonly clock?: Clock;
  /**
   * What carries rooms, broadcast, presence and resumable sessions between server nodes.
   * Defaults to an in-process broker of this server alone (nothing to set up for one process);
   * `@wirekit/redis` spans processes and machines. A given broker is not closed by `close()`.
   */
  readonly broker?: Broker;
  /**
   * Session resume for clients that offer the `wirekit.resume.v1` subprotocol; `false` turns it
   * off. On by default: it costs nothing for clients that do not offer it.
   */
  readonly resume?: ResumeOptions | false;
}

/** The events of a {@link WireKitServer} and their listener arguments. */
export interface WireKitServerEvents {
  /**
   * A client completed its handshake. `request` is the validated upgrade request; `incoming` the
   * `node:http` request, as {@link VerifyClientInfo.incoming} describes it.
   */
  connection: [connection: EngineConnection, request: UpgradeRequest, incoming: IncomingMessage];
  /**
   * A failure of the server's own code or machinery: a hook that threw, a session handler that
   * threw, the HTTP server failing. Peer misbehaviour (bad requests, resets) is not reported here.
   */
  error: [error: WireKitError];
  /** The server finished closing. */
  close: [];
}

/** Where {@link WireKitServer.listen} listens. */
export interface ListeningAddress {
  readonly port: number;
  readonly host: string;
  /** `ws://host:port` followed by the `path` option, ready for a client. */
  readonly url: string;
}

/** The options every connection of one server shares; a handshake adds its url, protocol and extensions. */
export type ConnectionDefaults = Omit<ServerConnectionOptions, 'url' | 'protocol' | 'extensions' | 'extensionsHeader'>;

/**
 * The connection options a server's options imply, built once per server rather than spread
 * again on every handshake: Node's Buffer.allocUnsafe and native UTF-8 validation, the limits.
 */
export function connectionDefaults(options: WireKitServerOptions, clock: Clock, onClose: (connection: EngineConnection) => void): ConnectionDefaults {
  return {
    clock,
    // Looked up per call, not captured: Buffer.allocUnsafe stays replaceable (tests spy on it).
    allocate: (size) => Buffer.allocUnsafe(size),
    ...engineLimits(options),
    ...(options.autoPong === undefined ? {} : { autoPong: options.autoPong }),
    ...(options.closeTimeout === undefined ? {} : { closeTimeout: options.closeTimeout }),
    ...(options.textAsBytes === true ? { textAsBytes: true } : {}),
    isUtf8,
    onClose,
  };
}
