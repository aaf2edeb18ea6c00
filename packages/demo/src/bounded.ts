/**
 * Every wait in the demo is bounded: a peer that never answers fails the step with a message
 * naming what was awaited, instead of hanging the tour, a test or a CLI.
 */

/** Thrown when a bounded wait runs out. */
export class TimeoutError extends Error {
  override readonly name = 'TimeoutError';
}

/**
 * Resolves or rejects as `promise`, or rejects with a {@link TimeoutError} after `ms`.
 * The timer never keeps the process alive.
 */
export function bounded<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new TimeoutError(`${what}: no answer within ${String(ms)} ms`)), ms);
    timer.unref();
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}

/** A one-line description of an error: its WK_ERR_* code when it has one, then its message. */
export function describeError(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return typeof code === 'string' ? `${code}: ${error.message}` : error.message;
  }
  return String(error);
}

/** Bytes as lowercase hex, at most `max` bytes shown. */
export function toHex(bytes: Uint8Array, max = 32): string {
  const shown = Array.from(bytes.subarray(0, max), (byte) => byte.toString(16).padStart(2, '0')).join('');
  return bytes.length > max ? `${shown}…` : shown;
}

/**
 * Parses hex ("0a ff 10", "0aff10") into bytes.
 * @throws {Error} for an odd number of digits or a non-hex character.
 */
export function fromHex(text: string): Uint8Array {
  const digits = text.replace(/\s+/g, '');
  if (digits.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(digits)) throw new Error(`not hex bytes: ${JSON.stringify(text)}`);
  const bytes = new Uint8Array(digits.length / 2);
  for (let i = 0; i < bytes.length; i += 1) bytes[i] = Number.parseInt(digits.slice(i * 2, i * 2 + 2), 16);
  return bytes;
}
