import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeFrame, FrameDecoder, frameHeaderLength, Opcode, type Frame } from '../src/index.js';
import { hex, join, pattern, sameBytes, toHex } from './support/hex.js';

function roundTrip(receiver: 'client' | 'server', chunks: Uint8Array[]): Frame {
  const decoder = new FrameDecoder({ role: receiver, maxFrameSize: Number.POSITIVE_INFINITY });
  for (const chunk of chunks) decoder.push(chunk.slice());
  const frame = decoder.next();
  if (frame === null || !('payload' in frame)) throw new Error(`no frame decoded: ${String(frame)}`);
  expect(decoder.next()).toBeNull();
  return frame;
}

describe('encodeFrame()', () => {
  it('encodes the RFC 6455 §5.7 unmasked "Hello"', () => {
    expect(toHex(join(...encodeFrame({ opcode: Opcode.Text, payload: new TextEncoder().encode('Hello') })))).toBe('810548656c6c6f');
  });

  it('encodes the RFC 6455 §5.7 masked "Hello"', () => {
    const chunks = encodeFrame({ opcode: Opcode.Text, payload: new TextEncoder().encode('Hello'), mask: hex('37 fa 21 3d') });
    expect(toHex(join(...chunks))).toBe('818537fa213d7f9f4d5158');
  });

  it('encodes a non-final fragment and RSV bits', () => {
    const chunks = encodeFrame({ opcode: Opcode.Text, payload: hex('61'), fin: false, rsv: { rsv1: true, rsv2: false, rsv3: true } });
    expect(toHex(join(...chunks))).toBe('510161');
  });

  it.each([0, 1, 125, 126, 127, 65535, 65536, 70000])('uses the minimal length encoding for %i bytes', (length) => {
    const bytes = join(...encodeFrame({ opcode: Opcode.Binary, payload: pattern(length) }));
    expect(bytes.length).toBe(frameHeaderLength(length, false) + length);
    expect(bytes[1]! & 0x7f).toBe(length < 126 ? length : length < 65536 ? 126 : 127);
  });

  it('never modifies the caller payload when masking', () => {
    const payload = pattern(1000);
    encodeFrame({ opcode: Opcode.Binary, payload, mask: hex('ff ff ff ff') });
    sameBytes(payload, pattern(1000));
  });

  it('starts a masked frame too small for word-wide masking at its slab cut (8-aligned): no alignment lead, no second view', () => {
    for (const length of [0, 5, 64, 127]) {
      const [frame] = encodeFrame({ opcode: Opcode.Binary, payload: pattern(length), mask: hex('a1 b2 c3 d4') });
      expect(frame!.byteOffset % 8).toBe(0);
      expect(frame!.length).toBe(frameHeaderLength(length, true) + length);
    }
  });

  it('sends a large unmasked payload as [header, payload] without copying it', () => {
    const payload = pattern(100_000);
    const chunks = encodeFrame({ opcode: Opcode.Binary, payload });
    expect(chunks).toHaveLength(2);
    expect(chunks[1]).toBe(payload);
  });

  describe.each([
    ['client', 'server', true],
    ['server', 'client', false],
  ] as const)('from a %s to a %s', (_sender, receiver, masked) => {
    it.each([0, 125, 126, 65535, 65536, 1024 * 1024])('round-trips %i bytes through the decoder', (length) => {
      const payload = pattern(length, length);
      const frame = roundTrip(receiver, encodeFrame({ opcode: Opcode.Binary, payload, mask: masked ? hex('a1 b2 c3 d4') : null }));
      expect(frame).toMatchObject({ fin: true, opcode: Opcode.Binary });
      sameBytes(frame.payload, payload);
    });

    it('round-trips arbitrary frames (property)', () => {
      fc.assert(
        fc.property(
          fc.uint8Array({ maxLength: 70_000 }),
          fc.constantFrom(Opcode.Text, Opcode.Binary, Opcode.Continuation),
          fc.boolean(),
          fc.uint8Array({ minLength: 4, maxLength: 4 }),
          fc.nat(3),
          (data, opcode, fin, mask, shift) => {
            const backing = new Uint8Array(data.length + shift);
            backing.set(data, shift);
            const payload = backing.subarray(shift);
            const frame = roundTrip(receiver, encodeFrame({ opcode, payload, fin, mask: masked ? mask : null }));
            expect(frame.opcode).toBe(opcode);
            expect(frame.fin).toBe(fin);
            sameBytes(frame.payload, data);
          },
        ),
        { numRuns: 150 },
      );
    });
  });
});
