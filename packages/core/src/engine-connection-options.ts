// The options of an EngineConnection and the shape of the opening handshake it may be given.
import type { Allocator, Extension, Role, Utf8Validator } from '@wirekit/protocol';
import type { ConnectionLimits } from './base-connection.js';
import type { Clock } from './clock.js';
import type { CloseInfo } from './connection.js';
import type { EngineConnection } from './engine-connection.js';
import type { WireKitError } from './wirekit-error.js';

/**
 * Bytes of frames the engine wrote on its own (pongs, Close) and the OS has not taken, past
 * which reading pauses until they are down to half: 16 KiB, over a hundred pongs, which a
 * peer that reads its socket never leaves unread.
 */
export const OWN_OUTPUT_HIGH_WATER = 16 * 1024;
/**
 * Default `maxControlBacklog`: 1 MiB. Reading pauses long before (see OWN_OUTPUT_HIGH_WATER) and the
 * engine answers at most 17 pings per chunk read, so over a socket this is never reached; it
 * bounds a channel that keeps delivering while paused, where pausing alone would not.
 */
export const DEFAULT_MAX_CONTROL_BACKLOG = 1024 * 1024;
/**
 * Default `outputStallTimeout`: 30 s. A peer that has not read a single byte of our pongs and
 * Close for that long is not a slow reader but a non-reader (a slow mobile link drains 16 KiB in
 * well under a second); pausing keeps its memory flat, this ends the connection it holds open.
 */
export const DEFAULT_OUTPUT_STALL_TIMEOUT = 30_000;

/** What the opening handshake settled: the subprotocol, the extensions, and bytes that followed it. */
export interface AcceptedHandshake {
  readonly protocol: string;
  /** The negotiated extensions, in the order they apply. */
  readonly extensions: readonly Extension[];
  /** Sec-WebSocket-Extensions as negotiated, or ''. */
  readonly extensionsHeader: string;
  /** Bytes received after the handshake head: the first frames, if any. */
  readonly remainder?: Uint8Array;
}

/** The result of a {@link PendingHandshake}. */
export type HandshakeOutcome = ({ readonly kind: 'accepted' } & AcceptedHandshake) | { readonly kind: 'rejected'; readonly error: WireKitError };

/** An opening handshake in progress, fed every byte received while the connection is `connecting`. */
export interface PendingHandshake {
  /** Returns null until the handshake is decided, then its outcome (once). */
  receive(chunk: Uint8Array): HandshakeOutcome | null;
}

/** Options of an {@link EngineConnection}, with its memory limits ({@link ConnectionLimits}). */
export interface EngineConnectionOptions extends ConnectionLimits {
  readonly role: Role;
  readonly url: string;
  /** Masking keys; required for clients (RFC 6455 §5.3). */
  readonly random?: (length: number) => Uint8Array;
  /** Largest message received; defaults to the engine's 100 MiB (ws's maxPayload). */
  readonly maxMessageSize?: number;
  /** Most frames one received message may have; defaults to the engine's 65,536 (Autobahn 9.3.1/9.4.1 send that many; ws's 16,384 fails them). Past it: 1008, WK_ERR_TOO_MANY_FRAGMENTS. */
  readonly maxFragments?: number;
  /**
   * Bytes of frames the engine wrote on its own (pongs, Close) not yet handed to the OS past
   * which the connection fails with 1008 (WK_ERR_OUTPUT_BACKLOG). Defaults to 1 MiB: reading
   * pauses at 16 KiB of them already, so only a channel that keeps delivering while paused gets
   * here, and pausing alone would not bound it.
   */
  readonly maxControlBacklog?: number;
  /**
   * ms reading may stay paused because the frames the engine wrote on its own (pongs, Close) do
   * not drain, before the connection fails with 1008 (WK_ERR_OUTPUT_BACKLOG) and its transport is
   * ended after `closeTimeout` (our Close cannot reach a peer that does not read). Defaults to
   * 30 000 ({@link DEFAULT_OUTPUT_STALL_TIMEOUT}): a peer that reads nothing of our answers for
   * that long is not a slow reader but a non-reader, e.g. one that floods pings and never reads.
   */
  readonly outputStallTimeout?: number;
  /** Answer pings automatically. Defaults to true because RFC 6455 §5.5.2 requires the answer. */
  readonly autoPong?: boolean;
  /**
   * ms to wait, once closing has begun, for the peer's Close frame and then for the transport to
   * close, before destroying it. Defaults to 5 000: long enough for a peer across the world
   * under load, short enough that a vanished peer does not hold a socket for minutes.
   */
  readonly closeTimeout?: number;
  /** Time and timers; defaults to {@link systemClock}. */
  readonly clock?: Clock;
  /** Outgoing messages larger than this are fragmented; defaults to no fragmentation. */
  readonly fragmentSize?: number;
  /** Buffer allocator for the engine (Node transports pass `Buffer.allocUnsafe`). */
  readonly allocate?: Allocator;
  /** Deliver Text messages as validated UTF-8 bytes (`TextBytes`), as ConnectOptions.textAsBytes. Default false. */
  readonly textAsBytes?: boolean;
  /** The UTF-8 validator of `textAsBytes`; defaults to protocol's pure one. Node transports pass `node:buffer`'s `isUtf8`. */
  readonly isUtf8?: Utf8Validator;
  /** When given, bytes received while `connecting` are fed to it; otherwise call {@link EngineConnection.establish}. */
  readonly handshake?: PendingHandshake;
  /**
   * Called once the connection is closed, right after its `close` event: what a server that
   * tracks thousands of connections uses instead of a listener or a `closed.then` per connection.
   */
  readonly onClose?: (connection: EngineConnection, info: CloseInfo) => void;
}
