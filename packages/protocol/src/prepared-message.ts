import { encodeFrame } from './frame-encoder.js';
import { Opcode } from './opcode.js';
import { TextBytes } from './text-bytes.js';

/**
 * A whole data message framed once, to be written to many connections (a broadcast): text is
 * encoded to UTF-8 once and the unmasked frame built once, instead of once per recipient.
 * Only a server's frames can be shared: a client masks every frame with a fresh key (§5.3), and
 * a connection with an extension (permessage-deflate) or a smaller fragment size re-encodes
 * `payload` its own way, so {@link Engine.sendPrepared} falls back to a normal send there.
 */
export interface PreparedMessage {
  readonly opcode: typeof Opcode.Text | typeof Opcode.Binary;
  /** The payload: the message's bytes, or the UTF-8 of its text. */
  readonly payload: Uint8Array;
  /** The unmasked frame, header and payload, as chunks to write; shared, never modified. */
  readonly frame: readonly Uint8Array[];
}

const encoder = new TextEncoder();

/**
 * Frames `data` once: a string or a TextBytes as Text (its UTF-8), other bytes as Binary. With `utf8: true`, bytes
 * are the UTF-8 of a Text message (e.g. a text message received as bytes, relayed as it came).
 */
export function prepareMessage(data: string | Uint8Array, options: { readonly utf8?: boolean } = {}): PreparedMessage {
  const text = typeof data === 'string' || options.utf8 === true || data instanceof TextBytes;
  const opcode = text ? Opcode.Text : Opcode.Binary;
  const payload = typeof data === 'string' ? encoder.encode(data) : data;
  return { opcode, payload, frame: encodeFrame({ opcode, payload }) };
}
