/** Every way to cut `bytes` in two, plus byte-by-byte and whole: the chunkings a stream can deliver. */
export function chunkings(bytes: Uint8Array): Array<[string, Uint8Array[]]> {
  const out: Array<[string, Uint8Array[]]> = [['whole', [bytes]], ['byte by byte', [...bytes].map((b) => Uint8Array.of(b))]];
  for (let at = 1; at < bytes.length; at++) out.push([`split at ${at}`, [bytes.subarray(0, at), bytes.subarray(at)]]);
  return out;
}

export function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}
