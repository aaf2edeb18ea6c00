import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AF_INET, AF_INET6, decodeSockaddr, encodeSockaddr, inet_ntop, sockaddr_in, sockaddr_in6, type SocketAddress } from '../src/index.js';

describe('sockaddr_in()', () => {
  it('lays out 127.0.0.1:1234 as BSD does: len 16, AF_INET, port in network order, address, zero padding', () => {
    expect(Array.from(sockaddr_in('127.0.0.1', 1234))).toEqual([16, 2, 4, 210, 127, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0]);
  });

  it('decodes back to family, address and port', () => {
    expect(decodeSockaddr(sockaddr_in('192.0.2.7', 65535))).toEqual({ family: AF_INET, address: '192.0.2.7', port: 65535 });
  });

  it.each([-1, 65536, 1.5])('refuses port %s with WK_ERR_INVALID_ARGUMENT', (port) => {
    expect(() => sockaddr_in('127.0.0.1', port)).toThrow(expect.objectContaining({ code: 'WK_ERR_INVALID_ARGUMENT' }));
  });

  it('refuses a host name (sockaddr holds addresses; resolve names first)', () => {
    expect(() => sockaddr_in('localhost', 80)).toThrow(expect.objectContaining({ code: 'WK_ERR_INVALID_ARGUMENT', errno: 'EINVAL' }));
  });
});

describe('sockaddr_in6()', () => {
  it('lays out [::1]:443 as BSD does: len 28, AF_INET6 (30), port, flowinfo, address, scope id', () => {
    const bytes = sockaddr_in6('::1', 443, { flowinfo: 1, scopeId: 0 });
    expect(bytes.length).toBe(28);
    expect(Array.from(bytes.subarray(0, 8))).toEqual([28, 30, 1, 187, 0, 0, 0, 1]);
    expect(inet_ntop(AF_INET6, bytes.subarray(8, 24))).toBe('::1');
  });

  it('keeps the scope id of a link-local address', () => {
    expect(decodeSockaddr(sockaddr_in6('fe80::1', 80, { scopeId: 4 }))).toMatchObject({ address: 'fe80::1', scopeId: 4 });
  });
});

describe('decodeSockaddr()', () => {
  it('accepts sin_len 0, as code ported from Linux leaves it', () => {
    const bytes = sockaddr_in('10.0.0.1', 80);
    bytes[0] = 0;
    expect(decodeSockaddr(bytes)).toMatchObject({ address: '10.0.0.1', port: 80 });
  });

  it.each([
    ['too short', new Uint8Array([16, 2, 0, 80]), 'EINVAL'],
    ['empty', new Uint8Array(0), 'EINVAL'],
    ['a wrong sin_len', Uint8Array.from([12, ...sockaddr_in('10.0.0.1', 80).subarray(1)]), 'EINVAL'],
    ['AF_UNIX', Uint8Array.from([16, 1, ...new Array<number>(14).fill(0)]), 'EAFNOSUPPORT'],
    ['a short sockaddr_in6', sockaddr_in6('::1', 80).subarray(0, 24), 'EINVAL'],
  ])('refuses %s with WK_ERR_INVALID_ARGUMENT', (_what, bytes, errno) => {
    expect(() => decodeSockaddr(bytes)).toThrow(expect.objectContaining({ code: 'WK_ERR_INVALID_ARGUMENT', errno }));
  });

  it('round-trips any sockaddr_in and sockaddr_in6 through encode and decode (property)', () => {
    const v4 = fc.record({
      family: fc.constant(AF_INET),
      address: fc.uint8Array({ minLength: 4, maxLength: 4 }).map((b) => inet_ntop(AF_INET, b)),
      port: fc.integer({ min: 0, max: 65535 }),
    });
    const v6 = fc.record({
      family: fc.constant(AF_INET6),
      address: fc.uint8Array({ minLength: 16, maxLength: 16 }).map((b) => inet_ntop(AF_INET6, b)),
      port: fc.integer({ min: 0, max: 65535 }),
      flowinfo: fc.integer({ min: 0, max: 4294967295 }),
      scopeId: fc.integer({ min: 0, max: 4294967295 }),
    });
    fc.assert(
      fc.property(fc.oneof(v4, v6), (address: SocketAddress) => {
        const bytes = encodeSockaddr(address);
        expect(decodeSockaddr(bytes)).toEqual(address);
        expect(encodeSockaddr(decodeSockaddr(bytes))).toEqual(bytes);
      }),
      { numRuns: 1000 },
    );
  });
});
