// A Text message's UTF-8 bytes, kept as bytes: what a relay receives and sends without decoding.
import { scanUtf8, UTF8_BOUNDARY } from './utf8-scan.js';

/** Checks that bytes are whole, valid UTF-8 (RFC 3629). */
export type Utf8Validator = (bytes: Uint8Array) => boolean;

/**
 * The pure UTF-8 validator, for runtimes that offer no native one. Node transports inject
 * `node:buffer`'s `isUtf8` (SIMD, several times faster) through the `isUtf8` options.
 */
export const isUtf8: Utf8Validator = (bytes) => scanUtf8(bytes, UTF8_BOUNDARY) === UTF8_BOUNDARY;

/** Set by TextBytes' static block (they reach its private field): mark and test a TextBytes validated when it was made. */
let markValidated: (text: TextBytes) => TextBytes;
let isMarkedValidated: (text: TextBytes) => boolean;

/**
 * The validated UTF-8 bytes of a Text message. With the `textAsBytes` option a connection
 * delivers Text messages as TextBytes instead of strings (no decoding), and `send()` of a
 * TextBytes sends a Text message without encoding: a relay or an echo forwards the bytes it
 * received, as a ws user does with `send(data, { binary: false })`. It is a Uint8Array, so code
 * written for binary messages reads it as it is; `instanceof TextBytes` tells the two apart.
 * Arrays derived from it (`subarray`, `slice`, `map`) are plain Uint8Arrays: a slice may cut a
 * code point, so it is no longer known to be a text.
 *
 * One that a connection delivered or {@link TextBytes.validate} returned was validated when it
 * was made, and send() frames it without walking its bytes again (a relay validates each
 * message once, as it receives it); one built with `new TextBytes(…)` is checked when sent.
 * Like any buffer handed to send(), its bytes must not be changed after it was validated.
 */
export class TextBytes extends Uint8Array {
  /** Validated when made: private, so that no other TextBytes can claim it, nor copy it (Object.assign). */
  #validated = false;

  static {
    markValidated = (text) => {
      text.#validated = true;
      return text;
    };
    isMarkedValidated = (text) => text.#validated;
  }

  static get [Symbol.species](): Uint8ArrayConstructor {
    return Uint8Array;
  }

  /** A view of `bytes` as a TextBytes (no copy), or null when they are not valid UTF-8. */
  static validate(bytes: Uint8Array, validator: Utf8Validator = isUtf8): TextBytes | null {
    return validator(bytes) ? viewAsText(bytes) : null;
  }
}

/** @internal A view of bytes already validated as UTF-8, marked so that sending it does not check them again. */
export function viewAsText(bytes: Uint8Array): TextBytes {
  return markValidated(new TextBytes(bytes.buffer as ArrayBuffer, bytes.byteOffset, bytes.length));
}

/** @internal Whether `text` holds UTF-8 validated when it was made (see {@link TextBytes}), so that send() need not check it. */
export function validatedWhenMade(text: TextBytes): boolean {
  return isMarkedValidated(text);
}
