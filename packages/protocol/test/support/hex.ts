/** `hex('81 05 48')` → bytes; whitespace ignored. */
export function hex(text: string): Uint8Array {
  const clean = text.replace(/\s+/g, '');
  const out = new Uint8Array(clean.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = Number.parseInt(clean.slice(i * 2, i * 2 + 2), 16);
  return out;
}

/** Bytes → lower-case hex without separators. */
export function toHex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

/** Joins byte arrays. */
export function join(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

/** Deterministic bytes 0,1,2,… mod 256 (fresh array each call). */
export function pattern(length: number, seed = 0): Uint8Array {
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++) out[i] = (i * 31 + seed) & 0xff;
  return out;
}

/**
 * Asserts byte equality quickly: vitest's deep equality walks typed arrays element by element,
 * which takes seconds on megabytes. On a mismatch it reports the first differing offset.
 */
export function sameBytes(actual: Uint8Array, expected: Uint8Array): void {
  if (actual.length !== expected.length) throw new Error(`length ${actual.length} !== expected ${expected.length}`);
  if (Buffer.from(actual.buffer, actual.byteOffset, actual.length).equals(Buffer.from(expected.buffer, expected.byteOffset, expected.length))) return;
  let at = 0;
  while (actual[at] === expected[at]) at++;
  throw new Error(`bytes differ first at offset ${at}: ${actual[at]} !== expected ${expected[at]}`);
}
