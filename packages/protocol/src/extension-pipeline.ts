import { ProtocolError } from './errors.js';
import type { EncodedPayload, Extension, RsvBits } from './extension.js';
import type { Opcode } from './opcode.js';

/**
 * Runs a received message through the extensions that claim its RSV bits, last negotiated
 * first (RFC 6455 §9.1: the response order is the order they were applied on send).
 * Synchronous while every extension answers synchronously; a promise from the first that does not.
 */
export function decodeWith(extensions: readonly Extension[], payload: Uint8Array, rsv: RsvBits, opcode: Opcode, maxSize: number): Uint8Array | Promise<Uint8Array> {
  let result: Uint8Array | Promise<Uint8Array> = payload;
  for (let i = extensions.length - 1; i >= 0; i--) {
    const extension = extensions[i]!;
    if (!claims(extension.rsv, rsv)) continue;
    result = result instanceof Promise ? result.then((p) => extension.decode(p, rsv, opcode, maxSize)) : extension.decode(result, rsv, opcode, maxSize);
  }
  return result;
}

/**
 * Starts decoding a received message with {@link decodeWith}. Returns what delivers the outcome
 * (`deliver` with the data, or `fail` with the error), at once or as a promise that never rejects.
 */
export function startDecode(
  extensions: readonly Extension[],
  payload: Uint8Array,
  rsv: RsvBits,
  opcode: Opcode,
  maxSize: number,
  deliver: (data: Uint8Array) => void,
  fail: (error: ProtocolError) => void,
): (() => void) | Promise<() => void> {
  let result: Uint8Array | Promise<Uint8Array>;
  try {
    result = decodeWith(extensions, payload, rsv, opcode, maxSize);
  } catch (error) {
    return () => fail(extensionError(error));
  }
  if (!(result instanceof Promise)) return () => deliver(result);
  return result.then(
    (data) => () => deliver(data),
    (error: unknown) => () => fail(extensionError(error)),
  );
}

/** Runs an outgoing message through every extension in negotiated order, collecting RSV bits. */
export function encodeWith(extensions: readonly Extension[], payload: Uint8Array, opcode: Opcode): EncodedPayload | Promise<EncodedPayload> {
  let encoded: EncodedPayload | Promise<EncodedPayload> = { payload, rsv: { rsv1: false, rsv2: false, rsv3: false } };
  for (const extension of extensions) {
    encoded = encoded instanceof Promise ? encoded.then((e) => merge(e, extension.encode(e.payload, opcode))) : merge(encoded, extension.encode(encoded.payload, opcode));
  }
  return encoded;
}

/** A ProtocolError for an extension failure: the extension's own, or WK_ERR_EXTENSION_FAILED (1011). */
export function extensionError(error: unknown): ProtocolError {
  if (error instanceof ProtocolError) return error;
  return new ProtocolError('WK_ERR_EXTENSION_FAILED', `extension failed: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
}

function claims(extension: RsvBits, frame: RsvBits): boolean {
  return (extension.rsv1 && frame.rsv1) || (extension.rsv2 && frame.rsv2) || (extension.rsv3 && frame.rsv3);
}

function merge(previous: EncodedPayload, next: EncodedPayload | Promise<EncodedPayload>): EncodedPayload | Promise<EncodedPayload> {
  const combine = (e: EncodedPayload): EncodedPayload => ({
    payload: e.payload,
    rsv: { rsv1: previous.rsv.rsv1 || e.rsv.rsv1, rsv2: previous.rsv.rsv2 || e.rsv.rsv2, rsv3: previous.rsv.rsv3 || e.rsv.rsv3 },
  });
  return next instanceof Promise ? next.then(combine) : combine(next);
}
