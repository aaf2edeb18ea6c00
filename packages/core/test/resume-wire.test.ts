import { describe, expect, it } from 'vitest';
import { compareOffsets, decodeEnvelope, encodeEnvelope, isEnvelope, isOffset, parseHello, RESUME_MAGIC, WireKitError } from '../src/index.js';

describe('resume wire format (wirekit.resume.v1)', () => {
  describe('envelopes', () => {
    it.each([
      ['a text room message', { t: 'm', r: 'lobby', o: '1700000000000-3' } as const, 'héllo\nworld'],
      ['a binary room message', { t: 'm', r: 'lobby', o: '0-1' } as const, Uint8Array.of(0, 10, 255)],
      ['an escaped direct message', { t: 'd' } as const, Uint8Array.of(...RESUME_MAGIC, 1)],
    ])('round-trips %s, text as a string and bytes as bytes', (_name, header, payload) => {
      const envelope = encodeEnvelope(header, payload);
      expect(isEnvelope(envelope)).toBe(true);
      const decoded = decodeEnvelope(envelope);
      expect(decoded.payload).toEqual(payload);
      expect(decoded.header).toMatchObject(header);
    });

    it('starts with the 4 magic bytes 00 57 4B 31 and a JSON header ended by LF', () => {
      const envelope = encodeEnvelope({ t: 'welcome', s: 'abc', resumed: false });
      expect([...envelope.subarray(0, 4)]).toEqual([0x00, 0x57, 0x4b, 0x31]);
      expect(new TextDecoder().decode(envelope.subarray(4))).toBe('{"t":"welcome","s":"abc","resumed":false}\n');
    });

    it('is not an envelope when text or without the magic', () => {
      expect(isEnvelope('\u0000WK1{}')).toBe(false);
      expect(isEnvelope(Uint8Array.of(0x00, 0x57, 0x4b))).toBe(false);
      expect(isEnvelope(Uint8Array.of(0x01, 0x57, 0x4b, 0x31))).toBe(false);
    });

    it.each([
      ['no LF', Uint8Array.of(...RESUME_MAGIC, 0x7b, 0x7d)],
      ['a header that is not JSON', Uint8Array.of(...RESUME_MAGIC, 0x7b, 0x0a)],
      ['an unknown kind', Uint8Array.of(...RESUME_MAGIC, ...new TextEncoder().encode('{"t":"zz"}\n'))],
      ['a text payload that is not UTF-8', Uint8Array.of(...RESUME_MAGIC, ...new TextEncoder().encode('{"t":"d","x":1}\n'), 0xff)],
    ])('refuses an envelope with %s: WK_ERR_RESUME', (_name, bytes) => {
      let thrown: unknown;
      try {
        decodeEnvelope(bytes);
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(WireKitError);
      expect((thrown as WireKitError).code).toBe('WK_ERR_RESUME');
    });
  });

  describe('parseHello()', () => {
    it('reads a new-session hello and a resume with offsets', () => {
      expect(parseHello('{"t":"hello"}', 10)).toEqual({ t: 'hello' });
      expect(parseHello('{"t":"resume","s":"id","o":{"a":"1-2"}}', 10)).toEqual({ t: 'resume', s: 'id', o: { a: '1-2' } });
    });

    it.each([
      ['binary', Uint8Array.of(1)],
      ['not JSON', 'hello'],
      ['an unknown kind', '{"t":"bye"}'],
      ['a bad offset', '{"t":"resume","s":"id","o":{"a":"x"}}'],
      ['too many rooms', '{"t":"resume","s":"id","o":{"a":"1-0","b":"1-0","c":"1-0"}}'],
      ['a session id past 256 characters', JSON.stringify({ t: 'resume', s: 'x'.repeat(257), o: {} })],
      ['a hello longer than maxRooms × 600 + 1 024 characters', JSON.stringify({ t: 'hello', pad: 'x'.repeat(2_300) })],
    ])('refuses %s (bounded by maxRooms = 2)', (_name, data) => {
      expect(parseHello(data, 2)).toBeNull();
    });
  });

  describe('offsets', () => {
    it('orders <ms>-<seq> numerically, beyond 2^53', () => {
      expect(compareOffsets('2-0', '10-0')).toBe(-1);
      expect(compareOffsets('5-10', '5-9')).toBe(1);
      expect(compareOffsets('9007199254740993-0', '9007199254740992-0')).toBe(1);
      expect(compareOffsets('3-3', '3-3')).toBe(0);
      expect(isOffset('1-0')).toBe(true);
      expect(isOffset('1')).toBe(false);
    });
  });
});
