import { constants, createDeflateRaw } from 'node:zlib';

const MiB = 1024 * 1024;

/**
 * `mebibytes` MiB of zeros, deflated at level 9 as one permessage-deflate payload (trailer
 * removed), about 1 KiB per MiB. Built from one compressed MiB repeated: after the first, every
 * MiB of zeros compresses to the same bytes, so a 1 GiB bomb takes milliseconds, not seconds.
 */
export async function zeroBomb(mebibytes: number): Promise<Uint8Array> {
  const deflate = createDeflateRaw({ level: 9, memLevel: 9 });
  const zeros = new Uint8Array(MiB);
  const parts: Buffer[] = [];
  for (let i = 0; i < Math.min(2, mebibytes); i++) {
    const chunks: Buffer[] = [];
    const onData = (chunk: Buffer): void => void chunks.push(chunk);
    deflate.on('data', onData);
    deflate.write(zeros);
    await new Promise<void>((resolve) => deflate.flush(constants.Z_SYNC_FLUSH, () => resolve()));
    deflate.off('data', onData);
    parts.push(Buffer.concat(chunks));
  }
  deflate.close();
  const body = Buffer.concat([parts[0]!, ...Array<Buffer>(Math.max(0, mebibytes - 1)).fill(parts[1] ?? Buffer.alloc(0))]);
  return new Uint8Array(body.subarray(0, body.length - 4));
}
