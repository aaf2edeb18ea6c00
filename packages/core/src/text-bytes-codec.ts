// TextBytes on platforms whose WebSocket speaks strings only (WHATWG WebSocket): the adapters'
// and task's browser connection convert at their edge, so textAsBytes means the same everywhere.
import { TextBytes } from '@wirekit/protocol';

const strict = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const encoder = new TextEncoder();

/**
 * The string of a TextBytes, for a platform that sends Text only from strings; null when the
 * bytes are not UTF-8 (a TextBytes built by hand), which send() refuses with WK_ERR_INVALID_ARGUMENT.
 */
export function textOfBytes(bytes: TextBytes): string | null {
  try {
    return strict.decode(bytes);
  } catch {
    return null;
  }
}

/**
 * A received string as a TextBytes, for a platform that delivers Text as strings: with
 * `textAsBytes` there, the encode is paid at receipt (the platform already decoded), so the
 * option means the same on every transport even where it saves nothing.
 */
export function bytesOfText(text: string): TextBytes {
  const bytes = encoder.encode(text);
  return new TextBytes(bytes.buffer, bytes.byteOffset, bytes.length);
}
