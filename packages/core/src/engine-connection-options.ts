// The options of an EngineConnection and the shape of the opening handshake it may be given.
import type { Allocator, Extension, Role, Utf8Validator } from '@wirekit/protocol';
import type { Clock } from './clock.js';
import type { CloseInfo } from './connection.js';
import type { EngineConnection } from './engine-connection.js';
import type { EngineLimits } from './engine-limits.js';
import type { WireKitError } from './wirekit-error.js';

/**
 * Bytes of frames the engine wrote on its own (pongs, Close) and the OS has not taken, past
 * which reading pauses until they are down to half: 16 KiB, over a hundred pongs, which a
 * peer that reads its socket never leaves unread.
 */
export const OWN_OUTPUT_HIGH_WATER = 16 * 1024;
/**
 * Default `maxControlBacklog`: 1 MiB. Reading pauses long before (see OWN_OUTPUT_HIGH_WATER); the
 * most one 64 KiB read can add is its pings' pongs (196 KiB for a client answering 2-byte pings),
 * so over a socket this is not reached; it bounds a channel that keeps delivering while paused,
 * or reads far larger than 64 KiB, where pausing alone would not.
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

/** Options of an {@link EngineConnection}, with its limits ({@link EngineLimits}). */
export interface EngineConnectionOptions extends EngineLimits {
  readonly role: Role;
  readonly url: string;
  /** Masking keys; required for clients (RFC 6455 §5.3). */
  readonly random?: (length: number) => Uint8Array;
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
