import { ProtocolError } from './errors.js';
import type { RsvBits } from './extension.js';
import type { Frame } from './frame.js';
import { Opcode } from './opcode.js';
import { allocate, type Allocator } from './slab.js';

/** A complete data message, before any extension has transformed it. */
export type RawMessage =
  | { readonly kind: 'text'; readonly text: string; readonly rsv: RsvBits }
  | { readonly kind: 'transformed'; readonly opcode: typeof Opcode.Text | typeof Opcode.Binary; readonly payload: Uint8Array; readonly rsv: RsvBits }
  | { readonly kind: 'binary'; readonly payload: Uint8Array; readonly rsv: RsvBits };

/** The part of TextDecoder used here (a structural type: under Node's types TextDecoder is a value only). */
interface StreamDecoder {
  decode(input: Uint8Array, options: { stream: boolean }): string;
}

interface Assembly {
  readonly opcode: typeof Opcode.Text | typeof Opcode.Binary;
  readonly rsv: RsvBits;
  /** The first frame set an extension's RSV bit: UTF-8 is checked after the extension decodes. */
  readonly transformed: boolean;
  readonly fragments: Uint8Array[];
  readonly textParts: string[];
  /** Streaming decoder of a fragmented text message, so that a code point may span fragments; null otherwise. */
  readonly decoder: StreamDecoder | null;
  size: number;
}

/**
 * Decodes whole text payloads. One for all connections: a call without `stream` starts from a
 * fresh state (WHATWG Encoding, decode() step 1), so nothing carries over between callers.
 */
const wholeDecoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * Joins data frames into messages (RFC 6455 §5.4) and validates text incrementally: each
 * fragment is run through a streaming, fatal UTF-8 decoder as it arrives, so invalid bytes
 * fail the connection at once (fail fast, §8.1), even when a code point spans fragments.
 * The streaming decoder exists only while a fragmented text message is in progress, and whole
 * messages go through one shared decoder, so an idle connection holds no decoder at all.
 */
export class MessageAssembler {
  private assembly: Assembly | null = null;

  /** @param large allocator for joined fragments (see {@link Allocator}). */
  constructor(private readonly large?: Allocator) {}

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
    return assembly !== null && assembly.opcode === Opcode.Text && !assembly.transformed;
  }

  /** Drops a partial message (the peer closed in the middle of it). */
  reset(): void {
    this.assembly = null;
  }

  /**
   * Adds a data frame (Text, Binary or Continuation). Returns the message when the frame
   * completes it, null while more fragments are due, or the protocol violation.
   */
  add(frame: Frame): RawMessage | ProtocolError | null {
    let assembly = this.assembly;
    if (frame.opcode === Opcode.Continuation) {
      if (assembly === null) return new ProtocolError('WK_ERR_UNEXPECTED_CONTINUATION', 'continuation frame with no message in progress');
      // RFC 7692 §6 (and the general extension model): RSV bits mark the first frame only.
      if (frame.rsv1 || frame.rsv2 || frame.rsv3) return new ProtocolError('WK_ERR_RESERVED_BITS', 'RSV bit set on a continuation frame');
    } else {
      if (assembly !== null) return new ProtocolError('WK_ERR_EXPECTED_CONTINUATION', 'new data frame while a fragmented message is in progress');
      const opcode = frame.opcode === Opcode.Text ? Opcode.Text : Opcode.Binary;
      const rsv: RsvBits = { rsv1: frame.rsv1, rsv2: frame.rsv2, rsv3: frame.rsv3 };
      const transformed = frame.rsv1 || frame.rsv2 || frame.rsv3;
      if (frame.fin) return this.single(opcode, rsv, transformed, frame.payload);
      const decoder = opcode === Opcode.Text && !transformed ? new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }) : null;
      assembly = { opcode, rsv, transformed, fragments: [], textParts: [], decoder, size: 0 };
      this.assembly = assembly;
    }
    assembly.size += frame.payload.length;
    if (assembly.decoder !== null) {
      try {
        assembly.textParts.push(assembly.decoder.decode(frame.payload, { stream: !frame.fin }));
      } catch {
        this.assembly = null;
        return invalidUtf8();
      }
    } else {
      assembly.fragments.push(frame.payload);
    }
    if (!frame.fin) return null;
    this.assembly = null;
    if (assembly.transformed) return { kind: 'transformed', opcode: assembly.opcode, payload: concat(assembly.fragments, assembly.size, this.large), rsv: assembly.rsv };
    if (assembly.opcode === Opcode.Text) return { kind: 'text', text: assembly.textParts.join(''), rsv: assembly.rsv };
    return { kind: 'binary', payload: concat(assembly.fragments, assembly.size, this.large), rsv: assembly.rsv };
  }

  /** Decodes a whole text payload strictly (after an extension's transform). */
  decodeText(payload: Uint8Array): string | ProtocolError {
    try {
      return wholeDecoder.decode(payload);
    } catch {
      return invalidUtf8();
    }
  }

  private single(opcode: typeof Opcode.Text | typeof Opcode.Binary, rsv: RsvBits, transformed: boolean, payload: Uint8Array): RawMessage | ProtocolError {
    if (transformed) return { kind: 'transformed', opcode, payload, rsv };
    if (opcode === Opcode.Binary) return { kind: 'binary', payload, rsv };
    const text = this.decodeText(payload);
    return text instanceof ProtocolError ? text : { kind: 'text', text, rsv };
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
