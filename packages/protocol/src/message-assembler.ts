import { ProtocolError } from './errors.js';
import type { RsvBits } from './extension.js';
import { NO_RSV, type Frame } from './frame.js';
import { Opcode } from './opcode.js';
import { allocate, type Allocator } from './slab.js';
import { isUtf8, type TextBytes, type Utf8Validator, viewAsText } from './text-bytes.js';
import { scanUtf8Using, UTF8_BOUNDARY, UTF8_INVALID } from './utf8-scan.js';

/** A complete data message, before any extension has transformed it. */
export type RawMessage =
  | { readonly kind: 'text'; readonly text: string; readonly rsv: RsvBits }
  /** A Text message kept as its validated UTF-8 (the `textAsBytes` option). */
  | { readonly kind: 'utf8'; readonly payload: TextBytes; readonly rsv: RsvBits }
  | { readonly kind: 'transformed'; readonly opcode: typeof Opcode.Text | typeof Opcode.Binary; readonly payload: Uint8Array; readonly rsv: RsvBits }
  | { readonly kind: 'binary'; readonly payload: Uint8Array; readonly rsv: RsvBits };

/**
 * Default largest number of frames in one message: 65,536. Autobahn cases 9.3.1 and 9.4.1 send a
 * 4 MiB message in 64-byte fragments (65,536 of them) and must pass; ws's 16,384 fails them with
 * 1008, so ws's default is the floor (WireKit accepts every message ws accepts), not the target.
 * A fragment costs no memory beyond its bytes (they are joined in one growing buffer, bounded by
 * maxMessageSize), so the count only bounds the CPU a message that never ends can make a
 * connection spend parsing frame headers: 65,536 empty frames are 384 KiB, parsed in milliseconds.
 */
export const DEFAULT_MAX_FRAGMENTS = 65_536;

/** Options of a {@link MessageAssembler}. */
export interface MessageAssemblerOptions {
  /** Allocator for the buffer a fragmented message is joined in (see {@link Allocator}). */
  readonly allocate?: Allocator;
  /** Most frames one message may have; more fails with WK_ERR_TOO_MANY_FRAGMENTS (1008). Default {@link DEFAULT_MAX_FRAGMENTS}. */
  readonly maxFragments?: number;
  /** The message limit the caller enforces: the join buffer never grows past it. Default unbounded. */
  readonly maxMessageSize?: number;
  /** Deliver Text messages as their validated UTF-8 bytes ({@link TextBytes}) instead of strings. Default false: strings, as the WHATWG WebSocket. */
  readonly textAsBytes?: boolean;
  /**
   * The UTF-8 validator of `textAsBytes` messages and of the fragments of every Text message.
   * Default the pure {@link isUtf8}; Node passes `node:buffer`'s (native, several times faster).
   */
  readonly isUtf8?: Utf8Validator;
}

interface Assembly {
  readonly opcode: typeof Opcode.Text | typeof Opcode.Binary;
  readonly rsv: RsvBits;
  /** The first frame set an extension's RSV bit: UTF-8 is checked after the extension decodes. */
  readonly transformed: boolean;
  /** The UTF-8 state after the fragments so far (see scanUtf8), so that a code point may span fragments; UTF8_UNCHECKED for binary or transformed. */
  utf8: number;
  /** The payload so far, in `bytes[0, size)`: one buffer that grows, never one object per fragment. */
  bytes: Uint8Array;
  size: number;
  fragments: number;
}

/**
 * Decodes whole text payloads. One for all connections: a call without `stream` starts from a
 * fresh state (WHATWG Encoding, decode() step 1), so nothing carries over between callers.
 */
const wholeDecoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const EMPTY = new Uint8Array(0);
/** The {@link Assembly.utf8} of a message whose UTF-8 is not checked here (binary, or transformed by an extension). */
const UTF8_UNCHECKED = -2;

/**
 * Joins data frames into messages (RFC 6455 §5.4) and validates text incrementally: each
 * fragment's UTF-8 is checked as it arrives (the validator on its whole code points, one number
 * of state between fragments), so invalid bytes fail the connection at once (fail fast, §8.1),
 * even when a code point spans fragments.
 *
 * A fragmented message is copied into one buffer that doubles as it fills, so a fragment costs
 * its bytes and nothing else: an empty continuation frame costs no memory at all, and a message
 * of a million 1-byte fragments holds one buffer, not a million arrays. The number of fragments
 * is bounded too (`maxFragments`), so a message that never ends cannot keep a connection busy
 * parsing headers. Text is decoded once, from the whole message, by one shared decoder, so an
 * idle connection holds none.
 */
export class MessageAssembler {
  private assembly: Assembly | null = null;
  private readonly large: Allocator | undefined;
  private readonly maxFragments: number;
  private readonly maxMessageSize: number;
  /** The validator of text kept as bytes; null when text is decoded to strings. */
  private readonly textValidator: Utf8Validator | null;
  /** The validator of fragments; undefined for the pure scan. */
  private readonly validate: Utf8Validator | undefined;

  constructor(options: MessageAssemblerOptions = {}) {
    this.large = options.allocate;
    this.textValidator = options.textAsBytes === true ? (options.isUtf8 ?? isUtf8) : null;
    this.validate = options.isUtf8;
    this.maxFragments = options.maxFragments ?? DEFAULT_MAX_FRAGMENTS;
    this.maxMessageSize = options.maxMessageSize ?? Number.POSITIVE_INFINITY;
  }

  /** Bytes of the message in progress. */
  get size(): number {
    return this.assembly?.size ?? 0;
  }

  /** Whether a fragmented message is in progress. */
  get inProgress(): boolean {
    return this.assembly !== null;
  }

  /** Whether a fragmented Text message no extension transformed is in progress (its UTF-8 is checked as it arrives). */
  get receivingText(): boolean {
    const assembly = this.assembly;
    return assembly !== null && assembly.utf8 !== UTF8_UNCHECKED;
  }

  /** The UTF-8 state after the fragments of the Text message in progress (see {@link receivingText}): where the next fragment's check starts. */
  get textState(): number {
    return this.assembly?.utf8 ?? UTF8_BOUNDARY;
  }

  /** Drops a partial message (the peer closed in the middle of it). */
  reset(): void {
    this.assembly = null;
  }

  /**
   * Adds a data frame (Text, Binary or Continuation). Returns the message when the frame
   * completes it, null while more fragments are due, or the protocol violation.
   *
   * `checked` bytes at the start of the payload were scanned as they arrived (the engine's
   * fail-fast check, from {@link textState} for a continuation) and ended in UTF-8 state
   * `state`: the frame is only checked from there on, so no byte is walked twice.
   */
  add(frame: Frame, checked = 0, state = UTF8_BOUNDARY): RawMessage | ProtocolError | null {
    let assembly = this.assembly;
    if (frame.opcode === Opcode.Continuation) {
      if (assembly === null) return new ProtocolError('WK_ERR_UNEXPECTED_CONTINUATION', 'continuation frame with no message in progress');
      // RFC 7692 §6 (and the general extension model): RSV bits mark the first frame only.
      if (frame.rsv1 || frame.rsv2 || frame.rsv3) return new ProtocolError('WK_ERR_RESERVED_BITS', 'RSV bit set on a continuation frame');
      if (++assembly.fragments > this.maxFragments) {
        this.assembly = null;
        return new ProtocolError('WK_ERR_TOO_MANY_FRAGMENTS', `a message of more than ${this.maxFragments} fragments`);
      }
    } else {
      if (assembly !== null) return new ProtocolError('WK_ERR_EXPECTED_CONTINUATION', 'new data frame while a fragmented message is in progress');
      const opcode = frame.opcode === Opcode.Text ? Opcode.Text : Opcode.Binary;
      const transformed = frame.rsv1 || frame.rsv2 || frame.rsv3;
      // The shared NO_RSV for the common frame: one object fewer per message.
      const rsv: RsvBits = transformed ? { rsv1: frame.rsv1, rsv2: frame.rsv2, rsv3: frame.rsv3 } : NO_RSV;
      if (frame.fin) return this.single(opcode, rsv, transformed, frame.payload, checked, state);
      const utf8 = opcode === Opcode.Text && !transformed ? UTF8_BOUNDARY : UTF8_UNCHECKED;
      assembly = { opcode, rsv, transformed, utf8, bytes: EMPTY, size: 0, fragments: 1 };
      this.assembly = assembly;
    }
    if (assembly.utf8 !== UTF8_UNCHECKED) {
      // Validation only: the text is decoded once, from the joined bytes, when the message ends.
      assembly.utf8 = checked > 0 ? scanUtf8Using(frame.payload, state, this.validate, checked) : scanUtf8Using(frame.payload, assembly.utf8, this.validate);
      if (assembly.utf8 === UTF8_INVALID || (frame.fin && assembly.utf8 !== UTF8_BOUNDARY)) {
        this.assembly = null;
        return invalidUtf8();
      }
    }
    this.append(assembly, frame.payload);
    if (!frame.fin) return null;
    this.assembly = null;
    const payload = assembly.bytes.subarray(0, assembly.size);
    if (assembly.transformed) return { kind: 'transformed', opcode: assembly.opcode, payload, rsv: assembly.rsv };
    if (assembly.opcode === Opcode.Binary) return { kind: 'binary', payload, rsv: assembly.rsv };
    // Already validated fragment by fragment; the whole decode cannot fail now.
    if (this.textValidator !== null) return { kind: 'utf8', payload: viewAsText(payload), rsv: assembly.rsv };
    return { kind: 'text', text: wholeDecoder.decode(payload), rsv: assembly.rsv };
  }

  /** Decodes a whole text payload strictly (after an extension's transform); with `textAsBytes`, validates it and keeps the bytes. */
  decodeText(payload: Uint8Array): string | TextBytes | ProtocolError {
    if (this.textValidator !== null) return this.textValidator(payload) ? viewAsText(payload) : invalidUtf8();
    try {
      return wholeDecoder.decode(payload);
    } catch {
      return invalidUtf8();
    }
  }

  /** Copies a fragment's bytes behind the message's, doubling the buffer when it is full. */
  private append(assembly: Assembly, payload: Uint8Array): void {
    const needed = assembly.size + payload.length;
    if (needed > assembly.bytes.length) {
      // The engine has checked `needed` against maxMessageSize before the frame got here.
      const grown = allocate(Math.max(needed, Math.min(Math.max(assembly.bytes.length * 2, 256), this.maxMessageSize)), this.large);
      grown.set(assembly.bytes.subarray(0, assembly.size));
      assembly.bytes = grown;
    }
    assembly.bytes.set(payload, assembly.size);
    assembly.size = needed;
  }

  private single(opcode: typeof Opcode.Text | typeof Opcode.Binary, rsv: RsvBits, transformed: boolean, payload: Uint8Array, checked: number, state: number): RawMessage | ProtocolError {
    if (transformed) return { kind: 'transformed', opcode, payload, rsv };
    if (opcode === Opcode.Binary) return { kind: 'binary', payload, rsv };
    const validator = this.textValidator;
    if (validator !== null) {
      const valid = checked > 0 ? scanUtf8Using(payload, state, validator, checked) === UTF8_BOUNDARY : validator(payload);
      return valid ? { kind: 'utf8', payload: viewAsText(payload), rsv } : invalidUtf8();
    }
    try {
      return { kind: 'text', text: wholeDecoder.decode(payload), rsv };
    } catch {
      return invalidUtf8();
    }
  }
}

function invalidUtf8(): ProtocolError {
  return new ProtocolError('WK_ERR_INVALID_UTF8', 'text message is not valid UTF-8');
}

/** Joins byte arrays; a single one is returned as it is. */
export function concat(parts: readonly Uint8Array[], total: number, large?: Allocator): Uint8Array {
  if (parts.length === 1) return parts[0]!;
  const out = allocate(total, large);
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}
