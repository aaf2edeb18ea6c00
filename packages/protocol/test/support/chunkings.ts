/**
 * Every way a test feeds a byte string: whole, byte by byte, and split in two at every
 * offset (wsproto's split tests, generalised). Each entry is a fresh copy, because the
 * engine takes ownership of what it is given and unmasks in place. Inputs over 600 bytes are
 * split at their first and last 300 offsets and every 997th in between, which covers every
 * header boundary without copying megabytes per case.
 */
export function chunkings(bytes: Uint8Array): Array<{ label: string; chunks: Uint8Array[] }> {
  const copy = (from: number, to: number): Uint8Array => bytes.slice(from, to);
  const out: Array<{ label: string; chunks: Uint8Array[] }> = [{ label: 'whole', chunks: [copy(0, bytes.length)] }];
  out.push({ label: 'byte by byte', chunks: Array.from({ length: bytes.length }, (_, i) => copy(i, i + 1)) });
  for (let at = 1; at < bytes.length; at++) {
    const edge = at <= 300 || at >= bytes.length - 300;
    if (edge || at % 997 === 0) out.push({ label: `split at ${at}`, chunks: [copy(0, at), copy(at, bytes.length)] });
  }
  return out;
}
