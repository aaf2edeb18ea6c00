import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { htonl, htons, ntohl, ntohs } from '../src/index.js';

/** The bytes a 16/32-bit value has in memory on this host (what C would send for it). */
const hostBytes16 = (value: number): number[] => Array.from(new Uint8Array(new Uint16Array([value]).buffer));
const hostBytes32 = (value: number): number[] => Array.from(new Uint8Array(new Uint32Array([value]).buffer));

describe('byte order', () => {
  it('htons(80) is stored in memory as the network-order bytes 00 50', () => {
    expect(hostBytes16(htons(80))).toEqual([0, 80]);
  });

  it('htonl(0x7f000001) is stored in memory as 127.0.0.1 (7f 00 00 01)', () => {
    expect(hostBytes32(htonl(2130706433))).toEqual([127, 0, 0, 1]);
  });

  it('ntohs inverts htons for every 16-bit value (property)', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 65535 }), (value) => ntohs(htons(value)) === value && htons(ntohs(value)) === value));
  });

  it('ntohl inverts htonl and yields big-endian bytes for every 32-bit value (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 4294967295 }), (value) => {
        const big = new Uint8Array(4);
        new DataView(big.buffer).setUint32(0, value);
        return ntohl(htonl(value)) === value && hostBytes32(htonl(value)).join() === Array.from(big).join();
      }),
    );
  });

  it.each([
    ['htons', () => htons(65536)],
    ['htons', () => htons(-1)],
    ['ntohs', () => ntohs(1.5)],
    ['htonl', () => htonl(4294967296)],
    ['ntohl', () => ntohl(Number.NaN)],
  ])('%s rejects an out-of-range value with WK_ERR_INVALID_ARGUMENT instead of truncating', (_name, call) => {
    expect(call).toThrow(expect.objectContaining({ code: 'WK_ERR_INVALID_ARGUMENT' }));
  });
});
