// The engine's public types: its states, the events it reports and its options (engine.ts runs them).
import type { ProtocolError } from './errors.js';
import type { Extension } from './extension.js';
import type { Role } from './frame.js';
import type { Allocator } from './slab.js';
import type { TextBytes, Utf8Validator } from './text-bytes.js';

/** Where the connection is in its life (RFC 6455 §4–§7): open, Close sent and awaited, or over. */
export type EngineState = 'open' | 'closing' | 'closed';

/** Everything the engine reports, in the order it happened. */
export type EngineEvent =
  | { readonly type: 'text'; readonly data: string }
  /** A Text message kept as its validated UTF-8 bytes: only with the `textAsBytes` option. */
  | { readonly type: 'utf8'; readonly data: TextBytes }
  | { readonly type: 'binary'; readonly data: Uint8Array }
  | { readonly type: 'ping'; readonly data: Uint8Array }
  | { readonly type: 'pong'; readonly data: Uint8Array }
  /**
   * The peer's bytes broke the protocol; the Close frame with `error.closeCode` is already written.
   * Exception: an asynchronous extension decode that fails after the WebSocket closed (the peer's
   * Close or the end of the transport came behind the message) only reports the lost message;
   * the `close` event, queued behind it, carries the code that was really exchanged.
   */
  | { readonly type: 'protocol-error'; readonly error: ProtocolError }
  /**
   * The WebSocket is closed: the closing handshake completed (`wasClean`), the connection was
   * failed, or the transport ended first (1006). `code`/`reason` are the peer's when it sent a
   * Close frame. The transport should be closed now (a server at once, a client after the
   * server closes or a timeout, §7.1.1).
   */
  | { readonly type: 'close'; readonly code: number; readonly reason: string; readonly wasClean: boolean; readonly initiator: 'local' | 'remote' | 'failure' };

/** Options of an {@link Engine}. */
export interface EngineOptions<Tag = unknown> {
  readonly role: Role;
  /**
   * Source of masking keys; required for clients (§5.3: keys must be unpredictable).
   * Called for a batch of keys at a time.
   */
  readonly random?: (length: number) => Uint8Array;
  /**
   * Largest message accepted, in bytes after extensions. Defaults to 100 MiB, ws's `maxPayload`,
   * so that WireKit accepts every message ws does: large enough for the file-sized messages
   * apps send over WebSocket, small enough that one peer cannot make a connection buffer
   * gigabytes. Exceeding it fails the connection with 1009.
   */
  readonly maxMessageSize?: number;
  /**
   * Most frames one message may arrive in; more fails the connection with 1008
   * (WK_ERR_TOO_MANY_FRAGMENTS). Defaults to 65,536 ({@link DEFAULT_MAX_FRAGMENTS}): Autobahn
   * 9.3.1/9.4.1 send 65,536 fragments and must pass (ws's 16,384 is the floor); a fragment costs no
   * memory beyond its bytes (they are joined in one growing buffer), so this only bounds the CPU a
   * message that never ends can cause.
   */
  readonly maxFragments?: number;
  /**
   * Largest frame accepted; exceeding it fails with WK_ERR_FRAME_TOO_LARGE (1009). Defaults to no
   * separate limit: a data frame is already bounded by `maxMessageSize`, and a single frame over
   * it is reported as the too-large message it is (WK_ERR_MESSAGE_TOO_LARGE, 1009).
   */
  readonly maxFrameSize?: number;
  /**
   * Answer pings with pongs automatically. Defaults to true because §5.5.2 requires the
   * answer; false mirrors Network.framework's `autoReplyPing = false`, where the app answers.
   */
  readonly autoPong?: boolean;
  /** Extensions negotiated in the handshake, in the order of the Sec-WebSocket-Extensions response. */
  readonly extensions?: readonly Extension[];
  /**
   * Allocator for large buffers: payloads that span received chunks, joined fragments, masked
   * frames. Defaults to zero-filled arrays; Node transports pass `Buffer.allocUnsafe` (safe here:
   * every allocated byte is written before it is read).
   */
  readonly allocate?: Allocator;
  /**
   * Bound on the bytes of the buffers a client keeps to mask its large frames into (frames of
   * 64 KiB and more), reused once `Engine.written()` reports their write complete: no fresh
   * buffer, page faults and garbage per large message. Defaults to 4 MiB
   * ({@link DEFAULT_SEND_POOL_BYTES}: four 1 MiB frames in flight); 0 for no pool. A server
   * never masks and never pools.
   */
  readonly sendPoolBytes?: number;
  /** Outgoing messages larger than this are sent as several frames. Defaults to no fragmentation. */
  readonly fragmentSize?: number;
  /**
   * Hold a violation of the peer found in a `receive()` call that has already delivered a data
   * message, instead of failing at once: the engine stops reading and stays open for sends,
   * {@link Engine.heldViolation} is set, and nothing is written until the caller calls
   * {@link Engine.failHeld}. So that the application can answer the messages that came before
   * the violation (RFC 6455 §7.1.7 fails the connection, it does not undo what was received;
   * ws and Autobahn expect the answer first). Defaults to false: the engine has no clock to
   * know when the application had its turn; the layer above, which has one, opts in.
   */
  readonly deferViolations?: boolean;
  /**
   * Report Text messages as `utf8` events carrying their validated UTF-8 bytes ({@link TextBytes})
   * instead of `text` events with strings: a relay that forwards what it receives skips the
   * decode (and, sending the TextBytes back, the encode). Defaults to false: strings, as the
   * WHATWG WebSocket gives, are what most applications want.
   */
  readonly textAsBytes?: boolean;
  /**
   * The UTF-8 validator for `textAsBytes` messages, for TextBytes sent, and for the bulk of the
   * fail-fast check of a Text frame still arriving. Defaults to the pure one (the protocol
   * package runs everywhere); Node callers pass `node:buffer`'s `isUtf8`, several times faster.
   */
  readonly isUtf8?: Utf8Validator;
  /** Receives every event, in order; called as a method of this options object. */
  readonly onEvent: (event: EngineEvent) => void;
  /**
   * Receives the bytes to write, in order; `tag` is the one given to the send call they belong
   * to. Called as a method of this options object, so a caller may pass an object whose
   * prototype methods forward to it instead of one closure per connection. Once the bytes are
   * written, the caller may tell the engine through `Engine.written()`, so that a client
   * reuses its buffers.
   */
  readonly onWrite: (chunks: Uint8Array[], tag: Tag | undefined) => void;
}
