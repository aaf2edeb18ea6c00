import { describe, expect, it } from 'vitest';
import { FrameDecoder, ProtocolError, type Frame } from '../src/index.js';
import { chunkings } from './support/chunkings.js';
import { hex, join, pattern, sameBytes } from './support/hex.js';
import { frameVectors } from './support/vectors.js';

function decodeAll(decoder: FrameDecoder, chunks: Uint8Array[]): Array<Frame | ProtocolError> {
  const out: Array<Frame | ProtocolError> = [];
  for (const chunk of chunks) {
    decoder.push(chunk);
    for (let item = decoder.next(); item !== null; item = decoder.next()) out.push(item);
  }
  return out;
}

const BIG = 1024 * 1024;

describe('FrameDecoder', () => {
  describe('next()', () => {
    describe.each(frameVectors)('$name', (vector) => {
      it.each(chunkings(vector.bytes))('decodes it fed $label', ({ chunks }) => {
        const decoder = new FrameDecoder({ role: vector.receiver, maxFrameSize: BIG });
        const frames = decodeAll(decoder, chunks);
        expect(frames.map((f) => (f instanceof ProtocolError ? f.code : { fin: f.fin, opcode: f.opcode }))).toEqual(vector.frames.map(({ fin, opcode }) => ({ fin, opcode })));
        frames.forEach((frame, i) => sameBytes((frame as Frame).payload, vector.frames[i]!.payload));
        expect(decoder.bufferedAmount).toBe(0);
      });
    });

    it('returns null until a whole frame is there', () => {
      const decoder = new FrameDecoder({ role: 'client', maxFrameSize: BIG });
      decoder.push(hex('81'));
      expect(decoder.next()).toBeNull();
      decoder.push(hex('05 48 65'));
      expect(decoder.next()).toBeNull();
      expect(decoder.bufferedAmount).toBe(2);
      decoder.push(hex('6c 6c 6f'));
      expect(decoder.next()).toMatchObject({ fin: true, opcode: 1 });
    });

    it('reports the RSV bits an extension claims', () => {
      const decoder = new FrameDecoder({ role: 'client', maxFrameSize: BIG, allowedRsv: { rsv1: true, rsv2: false, rsv3: false } });
      decoder.push(hex('c1 01 61'));
      expect(decoder.next()).toMatchObject({ rsv1: true, rsv2: false, rsv3: false, opcode: 1 });
    });

    it('fails with WK_ERR_FRAME_TOO_LARGE (1009) from the header alone, before the payload arrives', () => {
      const decoder = new FrameDecoder({ role: 'client', maxFrameSize: 1000 });
      decoder.push(hex('82 7e 03 e9'));
      const error = decoder.next();
      expect(error).toBeInstanceOf(ProtocolError);
      expect(error).toMatchObject({ code: 'WK_ERR_FRAME_TOO_LARGE', closeCode: 1009 });
    });

    it('accepts a frame of exactly maxFrameSize', () => {
      const decoder = new FrameDecoder({ role: 'client', maxFrameSize: 1000 });
      decoder.push(join(hex('82 7e 03 e8'), pattern(1000)));
      expect(decoder.next()).toMatchObject({ opcode: 2, payload: pattern(1000) });
    });

    it('fails with WK_ERR_MESSAGE_TOO_LARGE (1009) when a data frame overruns the message budget', () => {
      const decoder = new FrameDecoder({ role: 'client', maxFrameSize: BIG });
      decoder.messageRemaining = 10;
      decoder.push(hex('80 0b'));
      expect(decoder.next()).toMatchObject({ code: 'WK_ERR_MESSAGE_TOO_LARGE', closeCode: 1009 });
    });

    it('lets control frames through whatever the message budget', () => {
      const decoder = new FrameDecoder({ role: 'client', maxFrameSize: BIG });
      decoder.messageRemaining = 0;
      decoder.push(hex('89 02 01 02'));
      expect(decoder.next()).toMatchObject({ opcode: 9 });
    });

    it('fails a 64-bit length beyond 2^53 with WK_ERR_FRAME_TOO_LARGE', () => {
      const decoder = new FrameDecoder({ role: 'client', maxFrameSize: Number.POSITIVE_INFINITY });
      decoder.push(hex('82 7f 00 ff ff ff ff ff ff ff'));
      expect(decoder.next()).toMatchObject({ code: 'WK_ERR_FRAME_TOO_LARGE' });
    });

    it('stays failed and ignores later bytes', () => {
      const decoder = new FrameDecoder({ role: 'client', maxFrameSize: BIG });
      decoder.push(hex('83 00'));
      expect(decoder.next()).toBeInstanceOf(ProtocolError);
      decoder.push(hex('81 01 61'));
      expect(decoder.next()).toBeNull();
    });

    it('unmasks a 1 MiB frame that arrives in 64 KiB chunks', () => {
      const payload = pattern(BIG, 7);
      const mask = hex('01 02 03 04');
      const masked = payload.map((b, i) => b ^ mask[i & 3]!);
      const bytes = join(hex('82 ff 00 00 00 00 00 10 00 00'), mask, masked);
      const chunks: Uint8Array[] = [];
      for (let at = 0; at < bytes.length; at += 65536) chunks.push(bytes.slice(at, at + 65536));
      const frames = decodeAll(new FrameDecoder({ role: 'server', maxFrameSize: BIG }), chunks);
      expect(frames).toHaveLength(1);
      sameBytes((frames[0] as Frame).payload, payload);
    });
  });
});
