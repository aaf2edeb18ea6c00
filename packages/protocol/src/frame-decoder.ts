import { ChunkQueue } from './chunk-queue.js';
import { MAX_CONTROL_PAYLOAD } from './close-code.js';
import type { ProtocolErrorCode } from './error-codes.js';
import { assertNever, ProtocolError } from './errors.js';
import type { RsvBits } from './extension.js';
import { NO_RSV, type Frame, type Role } from './frame.js';
import { applyMask, maskFrom } from './mask.js';
import type { Allocator } from './slab.js';
import { isControlOpcode, isKnownOpcode } from './opcode.js';

/** The fixed part of a frame header (first two bytes), decoded. */
interface FrameHead extends RsvBits {
  readonly fin: boolean;
  readonly opcode: number;
  readonly masked: boolean;
}

/** Decoder states; each carries what it has learnt so far (swift-nio style). */
type DecoderState =
  | { readonly kind: 'awaiting-head' }
  | { readonly kind: 'awaiting-length'; readonly head: FrameHead; readonly lengthBytes: 2 | 8 }
  | { readonly kind: 'awaiting-mask'; readonly head: FrameHead; readonly length: number }
  | { readonly kind: 'awaiting-payload'; readonly head: FrameHead; readonly length: number; readonly mask: Uint8Array | null }
  | { readonly kind: 'failed'; readonly error: ProtocolError };

/** Options of a {@link FrameDecoder}. */
export interface FrameDecoderOptions {
  /** The role of the endpoint that *receives*: a server requires masked frames, a client refuses them (§5.1). */
  readonly role: Role;
  /**
   * Largest payload accepted in one frame; larger ones fail with WK_ERR_FRAME_TOO_LARGE (1009).
   * `Infinity` leaves data frames to the message budget ({@link FrameDecoder.messageRemaining}).
   */
  readonly maxFrameSize: number;
  /** RSV bits that negotiated extensions claim; any other set bit fails with 1002 (§5.2). */
  readonly allowedRsv?: RsvBits;
  /** Allocator for payloads that span received chunks (see {@link Allocator}). */
  readonly allocate?: Allocator;
}

const TWO_TO_32 = 2 ** 32;
/** The state between frames, shared: it carries no data, and every connection spends most of its life in it. */
const AWAITING_HEAD: DecoderState = { kind: 'awaiting-head' };

/**
 * Incremental frame decoder: push bytes in any chunking, pull whole frames out.
 * Frame-local rules are enforced here (§5.2, §5.5); message-level rules (continuation
 * order, UTF-8, close payloads) belong to the engine.
 *
 * `push` takes ownership of the chunk: payloads are unmasked in place and may be views into it.
 */
export class FrameDecoder {
  private readonly queue: ChunkQueue;
  private state: DecoderState = AWAITING_HEAD;
  private readonly expectMask: boolean;
  private readonly allowedRsv: RsvBits;
  /** null for no limit (not Infinity, which a field would keep as a boxed double per connection). */
  private readonly maxFrameSize: number | null;
  /**
   * Bytes the message in progress may still grow by; set by the engine before each `next()`.
   * A data frame over it fails with WK_ERR_MESSAGE_TOO_LARGE as soon as its header is read.
   */
  messageRemaining = Number.POSITIVE_INFINITY;
  /** Bytes of the incomplete payload already handed to {@link scanPartial} (and unmasked); 0 between frames. */
  private scanned = 0;

  constructor(options: FrameDecoderOptions) {
    this.queue = new ChunkQueue(options.allocate);
    this.expectMask = options.role === 'server';
    this.maxFrameSize = Number.isFinite(options.maxFrameSize) ? options.maxFrameSize : null;
    this.allowedRsv = options.allowedRsv ?? NO_RSV;
  }

  /** Bytes received and not yet part of a returned frame. */
  get bufferedAmount(): number {
    return this.queue.length;
  }

  /** Adds received bytes. Ignored once the decoder has failed. */
  push(chunk: Uint8Array): void {
    if (this.state.kind !== 'failed') this.queue.push(chunk);
  }

  /**
   * The next complete frame, a `ProtocolError` if the bytes break the protocol (the decoder
   * then stays failed), or null when more bytes are needed.
   */
  next(): Frame | ProtocolError | null {
    for (;;) {
      const state = this.state;
      switch (state.kind) {
        case 'awaiting-head': {
          if (this.queue.length < 2) return null;
          const head = this.readHead();
          if (head instanceof ProtocolError) return this.fail(head);
          continue;
        }
        case 'awaiting-length': {
          if (this.queue.length < state.lengthBytes) return null;
          const length = this.readExtendedLength(state.lengthBytes);
          if (length instanceof ProtocolError) return this.fail(length);
          const checked = this.checkLength(state.head, length);
          if (checked !== null) return this.fail(checked);
          this.state = state.head.masked ? { kind: 'awaiting-mask', head: state.head, length } : { kind: 'awaiting-payload', head: state.head, length, mask: null };
          continue;
        }
        case 'awaiting-mask': {
          if (this.queue.length < 4) return null;
          this.state = { kind: 'awaiting-payload', head: state.head, length: state.length, mask: this.queue.take(4) };
          continue;
        }
        case 'awaiting-payload': {
          if (this.queue.length < state.length) return null;
          // Unmasked as it is joined; what scanPartial() unmasked already is only copied.
          const payload = this.queue.take(state.length, state.mask, this.scanned);
          this.scanned = 0;
          this.state = AWAITING_HEAD;
          const { head } = state;
          return { fin: head.fin, rsv1: head.rsv1, rsv2: head.rsv2, rsv3: head.rsv3, opcode: head.opcode, payload };
        }
        case 'failed':
          return null;
        default:
          return assertNever(state);
      }
    }
  }

  /**
   * The head of the frame whose payload is arriving (after a `next()` that returned null for
   * want of payload bytes), or null. What the engine checks before it scans a partial text frame.
   */
  get partialHead(): Readonly<RsvBits & { opcode: number }> | null {
    return this.state.kind === 'awaiting-payload' ? this.state.head : null;
  }

  /** Bytes of the incomplete payload already scanned; 0 for a frame not scanned yet. */
  get partialScanned(): number {
    return this.scanned;
  }

  /**
   * Folds `scan` over the bytes of the incomplete payload that arrived since the last call,
   * unmasked in place (they are not unmasked again when the frame completes), and returns the
   * state it ends with; `context` is passed to every call. Lets the engine check a text frame's
   * UTF-8 as it arrives (RFC 6455 §8.1: fail fast) without copying the partial payload. Only call
   * it after `next()` returned null with {@link partialHead} set.
   */
  scanPartial<C>(scan: (bytes: Uint8Array, state: number, context: C) => number, state: number, context: C): number {
    const current = this.state;
    if (current.kind !== 'awaiting-payload') return state;
    const mask = current.mask;
    let offset = this.scanned;
    this.queue.visitFrom(offset, (bytes) => {
      if (mask !== null) applyMask(bytes, 0, bytes, 0, bytes.length, maskFrom(mask, offset));
      offset += bytes.length;
      state = scan(bytes, state, context);
    });
    this.scanned = offset;
    return state;
  }

  private fail(error: ProtocolError): ProtocolError {
    this.state = { kind: 'failed', error };
    return error;
  }

  private readHead(): ProtocolError | null {
    const b0 = this.queue.peek(0);
    const b1 = this.queue.peek(1);
    const head: FrameHead = {
      fin: (b0 & 0x80) !== 0,
      rsv1: (b0 & 0x40) !== 0,
      rsv2: (b0 & 0x20) !== 0,
      rsv3: (b0 & 0x10) !== 0,
      opcode: b0 & 0x0f,
      masked: (b1 & 0x80) !== 0,
    };
    // RFC 6455 §5.2: a reserved opcode fails the connection.
    if (!isKnownOpcode(head.opcode)) return error('WK_ERR_RESERVED_OPCODE', `reserved opcode 0x${head.opcode.toString(16)}`);
    // RFC 6455 §5.2: RSV bits must be 0 unless an extension defines them.
    if ((head.rsv1 && !this.allowedRsv.rsv1) || (head.rsv2 && !this.allowedRsv.rsv2) || (head.rsv3 && !this.allowedRsv.rsv3)) {
      return error('WK_ERR_RESERVED_BITS', 'RSV bit set with no extension negotiated for it');
    }
    // RFC 6455 §5.1: clients mask every frame, servers mask none.
    if (head.masked !== this.expectMask) {
      return this.expectMask ? error('WK_ERR_MISSING_MASK', 'client frame is not masked') : error('WK_ERR_UNEXPECTED_MASK', 'server frame is masked');
    }
    const length7 = b1 & 0x7f;
    if (isControlOpcode(head.opcode)) {
      // RFC 6455 §5.5: control frames are never fragmented and carry at most 125 bytes.
      if (!head.fin) return error('WK_ERR_FRAGMENTED_CONTROL', 'control frame is fragmented');
      if (length7 > MAX_CONTROL_PAYLOAD) return error('WK_ERR_CONTROL_FRAME_TOO_LONG', 'control frame payload is longer than 125 bytes');
    }
    this.queue.skip(2);
    if (length7 === 126 || length7 === 127) {
      this.state = { kind: 'awaiting-length', head, lengthBytes: length7 === 126 ? 2 : 8 };
      return null;
    }
    const checked = this.checkLength(head, length7);
    if (checked !== null) return checked;
    this.state = head.masked ? { kind: 'awaiting-mask', head, length: length7 } : { kind: 'awaiting-payload', head, length: length7, mask: null };
    return null;
  }

  private readExtendedLength(lengthBytes: 2 | 8): number | ProtocolError {
    const bytes = this.queue.take(lengthBytes);
    if (lengthBytes === 2) {
      const length = (bytes[0]! << 8) | bytes[1]!;
      // RFC 6455 §5.2: "the minimal number of bytes MUST be used to encode the length".
      if (length < 126) return error('WK_ERR_INVALID_LENGTH', '16-bit length used for a payload under 126 bytes');
      return length;
    }
    const high = ((bytes[0]! << 24) | (bytes[1]! << 16) | (bytes[2]! << 8) | bytes[3]!) >>> 0;
    const low = ((bytes[4]! << 24) | (bytes[5]! << 16) | (bytes[6]! << 8) | bytes[7]!) >>> 0;
    // RFC 6455 §5.2: the most significant bit of a 64-bit length must be 0.
    if (high >= 0x80000000) return error('WK_ERR_INVALID_LENGTH', '64-bit length has its most significant bit set');
    if (high === 0 && low < 65536) return error('WK_ERR_INVALID_LENGTH', '64-bit length used for a payload under 65536 bytes');
    // Beyond 2^53 the sum is inexact but still larger than any limit; checkLength refuses it.
    return high * TWO_TO_32 + low;
  }

  /**
   * An explicit frame limit is reported as such; otherwise a data frame too big for the message
   * budget is a message that is too large, whether it is the message's only frame or not.
   */
  private checkLength(head: FrameHead, length: number): ProtocolError | null {
    if (this.maxFrameSize !== null && length > this.maxFrameSize) return error('WK_ERR_FRAME_TOO_LARGE', `frame of ${length} bytes exceeds maxFrameSize ${this.maxFrameSize}`);
    if (!isControlOpcode(head.opcode) && length > this.messageRemaining) {
      return error('WK_ERR_MESSAGE_TOO_LARGE', `message would exceed maxMessageSize (frame of ${length} bytes)`);
    }
    // Only reachable with no limit at all: a length that is not a safe integer cannot be buffered.
    if (length > Number.MAX_SAFE_INTEGER) return error('WK_ERR_FRAME_TOO_LARGE', 'frame length exceeds 2^53 bytes');
    return null;
  }
}

function error(code: ProtocolErrorCode, message: string): ProtocolError {
  return new ProtocolError(code, message);
}
