import type { ProtocolError } from './errors.js';
import { WireKitUsageError } from './errors.js';
import type { EncodedPayload, Extension, RsvBits } from './extension.js';
import { encodeWith, extensionError } from './extension-pipeline.js';
import { NO_RSV, type Role } from './frame.js';
import { encodeFrame } from './frame-encoder.js';
import { Opcode } from './opcode.js';
import type { PreparedMessage } from './prepared-message.js';
import { DEFAULT_SEND_POOL_BYTES, POOLED_FRAME_MIN, SendBufferPool } from './send-buffer-pool.js';
import type { Allocator } from './slab.js';

/**
 * What the {@link Outbound} writer needs of its engine's options: the engine passes its own
 * options object, and `onWrite` is called as its method.
 */
export interface OutboundOptions<Tag> {
  readonly role: Role;
  readonly random?: (length: number) => Uint8Array;
  readonly allocate?: Allocator;
  /** Bound on the bytes of a client's pooled send buffers ({@link DEFAULT_SEND_POOL_BYTES}); 0 for no pool. */
  readonly sendPoolBytes?: number;
  onWrite(chunks: Uint8Array[], tag: Tag | undefined): void;
}

/** The engine's method that fails the connection when an extension cannot encode (a symbol: not part of the Engine's API). */
export const OUTBOUND_FAILED = Symbol('outboundFailed');

/** The engine, as its Outbound sees it. */
export interface OutboundOwner {
  [OUTBOUND_FAILED](error: ProtocolError): void;
}

const MASK_POOL_BYTES = 1024;

/** Masking keys drawn in batches from one `random` function, for every connection that uses it. */
interface MaskPool {
  bytes: Uint8Array;
  offset: number;
}

/**
 * One pool per `random` function: connections that share a source of randomness (a transport's
 * CSPRNG) share its batch, so a client connection holds no key buffer of its own. Keys stay as
 * unpredictable as the source (RFC 6455 §5.3); consecutive frames of a connection just take
 * keys that are not adjacent in the batch.
 */
const maskPools = new WeakMap<(length: number) => Uint8Array, MaskPool>();

/**
 * The engine's outbound path: frames messages (running the extensions' encoders, fragmenting,
 * masking for a client) and writes them in the order they were sent, even while an
 * asynchronous encode is in flight. It also owns the "Close frame sent" half of the close
 * state: nothing is written after the Close frame (RFC 6455 §5.5.1).
 */
export class Outbound<Tag> {
  /** The key pool of `options.random`, found on the first masked frame. */
  private masks: MaskPool | null = null;
  private sentClose = false;
  /** The WebSocket is closed: data still queued or encoding is dropped, only a Close may go out. */
  private stopped = false;
  /** Work waiting behind an asynchronous extension encode, in order. */
  private outbox: (() => void)[] | null = null;
  private encoding = false;
  /** null for no limit: Infinity in a field would cost a boxed double per connection. */
  private readonly fragmentSize: number | null;
  /** A client's large masked frames, reused once written; created by the first such frame. */
  private pool: SendBufferPool | null = null;
  /** The pool's `acquire`, as the encoder's allocator. */
  private pooled: Allocator | null = null;

  /**
   * @param options the engine's options (no copy, no closure: an idle connection should cost little).
   * @param extensions the negotiated extensions, applied in order.
   * @param fragmentSize outgoing messages larger than this go out as several frames.
   * @param owner told when an extension fails to encode.
   */
  constructor(
    private readonly options: OutboundOptions<Tag>,
    private readonly extensions: readonly Extension[],
    fragmentSize: number,
    private readonly owner: OutboundOwner,
  ) {
    this.fragmentSize = Number.isFinite(fragmentSize) ? fragmentSize : null;
    const poolBytes = options.sendPoolBytes;
    if (poolBytes !== undefined && !(poolBytes >= 0)) throw new WireKitUsageError('WK_ERR_INVALID_ARGUMENT', 'sendPoolBytes must be a number of bytes ≥ 0');
  }

  /**
   * Called when the WebSocket closes. Messages still queued or encoding are dropped (the layer
   * above rejects their sends as the connection closes), so no extension is called after the
   * engine disposed of it; a Close frame still queued (the echo of the peer's) is written.
   */
  stop(): void {
    this.stopped = true;
    this.pool?.close();
  }

  /**
   * The channel completed a write of `chunks` (one the engine asked for): the pooled buffers
   * among them may take the next frames. Only for a write that succeeded: a failed write's
   * buffers may still be read by the OS.
   */
  written(chunks: readonly Uint8Array[]): void {
    const pool = this.pool;
    if (pool !== null) for (const chunk of chunks) pool.release(chunk);
  }

  /** Whether our Close frame has been written. */
  get closeSent(): boolean {
    return this.sentClose;
  }

  /** Sends a whole data message through the extensions. */
  message(opcode: typeof Opcode.Text | typeof Opcode.Binary, payload: Uint8Array, tag: Tag | undefined): void {
    // Fast path: no extension to run and nothing queued, so no closure is allocated.
    if (this.extensions.length === 0 && !this.encoding) return this.writeFrames(opcode, payload, NO_RSV, tag);
    this.enqueue(() => this.writeMessage(opcode, payload, tag));
  }

  /**
   * Sends a message framed in advance: its shared frame when this connection would have framed
   * it the same way (a server, no extension, nothing encoding, no smaller fragment size),
   * otherwise its payload through {@link message}.
   */
  prepared(message: PreparedMessage, tag: Tag | undefined): void {
    const size = this.fragmentSize;
    if (this.options.role === 'client' || this.extensions.length > 0 || this.encoding || (size !== null && message.payload.length > size)) {
      return this.message(message.opcode, message.payload, tag);
    }
    if (this.sentClose || this.stopped) return;
    // The chunks are only read by the channel; the array is shared by every recipient.
    this.write(message.frame as Uint8Array[], tag);
  }

  /** Sends one frame of a message fragmented by the caller; parts bypass the extensions. */
  part(opcode: number, payload: Uint8Array, fin: boolean, tag: Tag | undefined): void {
    this.enqueue(() => {
      if (!this.sentClose && !this.stopped) this.write(this.frame(opcode, payload, fin, NO_RSV), tag);
    });
  }

  /** Writes a control frame at once: control frames may be interleaved with fragments (§5.4). */
  control(opcode: number, payload: Uint8Array, tag: Tag | undefined): void {
    this.write(this.frame(opcode, payload, true, NO_RSV), tag);
  }

  /** Queues our Close frame behind the messages sent before it. */
  closeInOrder(payload: Uint8Array, tag: Tag | undefined): void {
    this.enqueue(() => this.closeNow(payload, tag));
  }

  /** Writes our Close frame at once (failing the connection, §7.1.7); at most one is ever written. */
  closeNow(payload: Uint8Array, tag: Tag | undefined): void {
    if (this.sentClose) return;
    this.sentClose = true;
    this.write(this.frame(Opcode.Close, payload, true, NO_RSV), tag);
  }

  private enqueue(work: () => void): void {
    if (this.encoding) (this.outbox ??= []).push(work);
    else work();
  }

  private writeMessage(opcode: typeof Opcode.Text | typeof Opcode.Binary, payload: Uint8Array, tag: Tag | undefined): void {
    if (this.stopped) return;
    let encoded: EncodedPayload | Promise<EncodedPayload>;
    try {
      encoded = encodeWith(this.extensions, payload, opcode);
    } catch (error) {
      return this.owner[OUTBOUND_FAILED](extensionError(error));
    }
    if (!(encoded instanceof Promise)) return this.writeFrames(opcode, encoded.payload, encoded.rsv, tag);
    this.encoding = true;
    encoded.then(
      (result) => this.writeFrames(opcode, result.payload, result.rsv, tag),
      (error: unknown) => {
        // Once stopped the message is dropped anyway; an extension refusing work then is no failure.
        if (!this.stopped) this.owner[OUTBOUND_FAILED](extensionError(error));
      },
    ).finally(() => {
      this.encoding = false;
      const outbox = this.outbox;
      while (!this.encoding && outbox !== null && outbox.length > 0) outbox.shift()!();
    });
  }

  private writeFrames(opcode: number, payload: Uint8Array, rsv: RsvBits, tag: Tag | undefined): void {
    // §5.5.1: nothing after our Close, nor once the WebSocket is closed. A message still encoding
    // then is not written; the layer above rejects its send when the connection closes.
    if (this.sentClose || this.stopped) return;
    const size = this.fragmentSize;
    if (size === null || payload.length <= size) return this.write(this.frame(opcode, payload, true, rsv), tag);
    const frames: Uint8Array[] = [];
    for (let at = 0; at < payload.length; at += size) {
      const end = Math.min(at + size, payload.length);
      frames.push(...this.frame(at === 0 ? opcode : Opcode.Continuation, payload.subarray(at, end), end === payload.length, at === 0 ? rsv : NO_RSV));
    }
    this.write(frames, tag);
  }

  private frame(opcode: number, payload: Uint8Array, fin: boolean, rsv: RsvBits): Uint8Array[] {
    if (this.options.role !== 'client') return encodeFrame({ opcode, payload, fin, rsv, mask: null }, this.options.allocate);
    const large = payload.length >= POOLED_FRAME_MIN ? (this.pooled ?? this.createPool()) : this.options.allocate;
    return encodeFrame({ opcode, payload, fin, rsv, mask: this.nextMask() }, large);
  }

  private createPool(): Allocator {
    const allocate = this.options.allocate ?? ((length: number) => new Uint8Array(length));
    const pool = new SendBufferPool(this.options.sendPoolBytes ?? DEFAULT_SEND_POOL_BYTES, allocate);
    this.pool = pool;
    return (this.pooled = (length) => pool.acquire(length));
  }

  private write(chunks: Uint8Array[], tag: Tag | undefined): void {
    this.options.onWrite(chunks, tag);
  }

  private nextMask(): Uint8Array {
    let pool = this.masks;
    if (pool === null) {
      const random = this.options.random!;
      pool = maskPools.get(random) ?? { bytes: EMPTY, offset: 0 };
      maskPools.set(random, pool);
      this.masks = pool;
    }
    if (pool.offset + 4 > pool.bytes.length) {
      const bytes = this.options.random!(MASK_POOL_BYTES);
      if (bytes.length < 4) throw new WireKitUsageError('WK_ERR_INVALID_ARGUMENT', '`random` returned fewer bytes than asked for');
      pool.bytes = bytes;
      pool.offset = 0;
    }
    const mask = pool.bytes.subarray(pool.offset, pool.offset + 4);
    pool.offset += 4;
    return mask;
  }
}

const EMPTY = new Uint8Array(0);
