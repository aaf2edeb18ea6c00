import { isIPv4, isIPv6 } from 'node:net';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AF_INET, AF_INET6, inet_ntop, inet_pton } from '../src/index.js';

const bytes = (...values: number[]): Uint8Array => new Uint8Array(values);
const hexWord = fc.integer({ min: 0, max: 65535 }).map((word) => word.toString(16));
/** Canonical IPv6 text through the WHATWG URL serializer, an independent RFC 5952 implementation (it never uses the dotted tail). */
const urlCanonical = (text: string): string => new URL(`http://[${text}]/`).hostname.slice(1, -1);

describe('inet_pton()', () => {
  it.each([
    ['127.0.0.1', [127, 0, 0, 1]],
    ['0.0.0.0', [0, 0, 0, 0]],
    ['255.255.255.255', [255, 255, 255, 255]],
  ])('parses %s', (text, expected) => {
    expect(inet_pton(AF_INET, text)).toEqual(bytes(...expected));
  });

  it.each([
    ['::', new Array<number>(16).fill(0)],
    ['::1', [...new Array<number>(15).fill(0), 1]],
    ['2001:db8::ff00:42:8329', [32, 1, 13, 184, 0, 0, 0, 0, 0, 0, 255, 0, 0, 66, 131, 41]],
    ['::ffff:192.0.2.1', [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 255, 255, 192, 0, 2, 1]],
    ['1:2:3:4:5:6:7::', [0, 1, 0, 2, 0, 3, 0, 4, 0, 5, 0, 6, 0, 7, 0, 0]],
    ['FE80::A', [254, 128, ...new Array<number>(13).fill(0), 10]],
  ])('parses %s', (text, expected) => {
    expect(inet_pton(AF_INET6, text)).toEqual(bytes(...expected));
  });

  it.each(['', '1.2.3', '1.2.3.4.5', '256.1.1.1', '01.2.3.4', '1.2.3.-4', ' 1.2.3.4', '1.2.3.4 ', 'a.b.c.d', '1..2.3', '::1'])(
    'refuses the IPv4 text "%s" with WK_ERR_INVALID_ARGUMENT (errno EINVAL)',
    (text) => {
      expect(() => inet_pton(AF_INET, text)).toThrow(expect.objectContaining({ code: 'WK_ERR_INVALID_ARGUMENT', errno: 'EINVAL', domain: 'usage' }));
    },
  );

  it.each([':', ':::', '1::2::3', '1:2:3:4:5:6:7:8:9', '1:2:3:4:5:6:7', '12345::', 'g::', ':1::', '1::2:', 'fe80::1%en0', '::1.2.3', '1.2.3.4::', '::ffff:01.2.3.4', '1:2:3:4:5:6:7:1.2.3.4'])(
    'refuses the IPv6 text "%s" with WK_ERR_INVALID_ARGUMENT (errno EINVAL)',
    (text) => {
      expect(() => inet_pton(AF_INET6, text)).toThrow(expect.objectContaining({ code: 'WK_ERR_INVALID_ARGUMENT', errno: 'EINVAL' }));
    },
  );

  it('refuses an unknown family with errno EAFNOSUPPORT', () => {
    expect(() => inet_pton(10, '::1')).toThrow(expect.objectContaining({ code: 'WK_ERR_INVALID_ARGUMENT', errno: 'EAFNOSUPPORT' }));
  });

  it('accepts exactly what node:net accepts for generated IPv6-like text (property)', () => {
    const piece = fc.oneof(hexWord, fc.constant(''), fc.constant('1.2.3.4'), fc.constant('g'), fc.constant('00000'));
    const candidate = fc.array(piece, { minLength: 1, maxLength: 10 }).map((parts) => parts.join(':'));
    fc.assert(
      fc.property(candidate, (text) => {
        let accepted = true;
        try {
          inet_pton(AF_INET6, text);
        } catch {
          accepted = false;
        }
        return accepted === isIPv6(text);
      }),
      { numRuns: 2000 },
    );
  });

  it('accepts exactly what node:net accepts for generated dotted text (property)', () => {
    const part = fc.oneof(fc.integer({ min: 0, max: 300 }).map(String), fc.constant('00'), fc.constant(''));
    fc.assert(
      fc.property(fc.array(part, { minLength: 1, maxLength: 5 }), (parts) => {
        const text = parts.join('.');
        let accepted = true;
        try {
          inet_pton(AF_INET, text);
        } catch {
          accepted = false;
        }
        return accepted === isIPv4(text);
      }),
      { numRuns: 1000 },
    );
  });
});

describe('inet_ntop()', () => {
  it.each([
    [[0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0], '::'],
    [[0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1], '::1'],
    [[32, 1, 13, 184, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 1], '2001:db8::1:0:0:1'],
    [[32, 1, 13, 184, 0, 0, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1], '2001:db8:0:1:1:1:1:1'],
    [[0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 255, 255, 127, 0, 0, 1], '::ffff:127.0.0.1'],
  ])('prints %j as %s (RFC 5952)', (input, text) => {
    expect(inet_ntop(AF_INET6, bytes(...input))).toBe(text);
  });

  it('prints IPv4 as dotted decimal', () => {
    expect(inet_ntop(AF_INET, bytes(192, 0, 2, 255))).toBe('192.0.2.255');
  });

  it.each([
    [AF_INET, 16],
    [AF_INET6, 4],
  ])('refuses family %i with %i bytes (errno EINVAL)', (af, size) => {
    expect(() => inet_ntop(af, new Uint8Array(size))).toThrow(expect.objectContaining({ code: 'WK_ERR_INVALID_ARGUMENT', errno: 'EINVAL' }));
  });

  it('round-trips every 16-byte address through inet_pton, matching the URL serializer (property)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 16, maxLength: 16 }), (address) => {
        const text = inet_ntop(AF_INET6, address);
        const mapped = text.startsWith('::ffff:') && text.includes('.');
        return inet_pton(AF_INET6, text).join() === address.join() && (mapped || text === urlCanonical(text));
      }),
      { numRuns: 2000 },
    );
  });

  it('round-trips sparse addresses (many zero groups) through inet_pton (property)', () => {
    const word = fc.oneof(fc.constant(0), fc.constant(0), fc.integer({ min: 0, max: 65535 }));
    fc.assert(
      fc.property(fc.array(word, { minLength: 8, maxLength: 8 }), (words) => {
        const address = new Uint8Array(16);
        words.forEach((value, index) => new DataView(address.buffer).setUint16(index * 2, value));
        const text = inet_ntop(AF_INET6, address);
        return inet_pton(AF_INET6, text).join() === address.join() && (text.includes('.') || text === urlCanonical(text));
      }),
      { numRuns: 2000 },
    );
  });

  it('round-trips every IPv4 address (property)', () => {
    fc.assert(fc.property(fc.uint8Array({ minLength: 4, maxLength: 4 }), (address) => inet_pton(AF_INET, inet_ntop(AF_INET, address)).join() === address.join()));
  });
});
