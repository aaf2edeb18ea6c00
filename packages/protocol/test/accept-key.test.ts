import { createHash, randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  binaryStringToBytes,
  bytesToBase64,
  bytesToBinaryString,
  computeAcceptKey,
  isValidWebSocketKey,
  resolveSha1,
  WEBSOCKET_GUID,
} from '../src/accept-key.js';
import { sha1 } from '../src/sha1.js';
import { expectUsageError } from './support/usage-error.js';

const nodeSha1 = (data: Uint8Array): Uint8Array => createHash('sha1').update(data).digest();

describe('computeAcceptKey()', () => {
  it('answers the sample key of RFC 6455 §1.3 with s3pPLMBiTxaQ9kYGzzhZRbK+xOo=', () => {
    expect(computeAcceptKey('dGhlIHNhbXBsZSBub25jZQ==', sha1)).toBe('s3pPLMBiTxaQ9kYGzzhZRbK+xOo=');
  });

  it('uses the GUID of RFC 6455 §1.3', () => {
    expect(WEBSOCKET_GUID).toBe('258EAFA5-E914-47DA-95CA-C5AB0DC85B11');
  });

  it('agrees with node:crypto for random keys', () => {
    for (let i = 0; i < 50; i++) {
      const key = randomBytes(16).toString('base64');
      const expected = createHash('sha1').update(key + WEBSOCKET_GUID).digest('base64');
      expect(computeAcceptKey(key, sha1)).toBe(expected);
      expect(computeAcceptKey(key, nodeSha1)).toBe(expected);
    }
  });
});

describe('isValidWebSocketKey()', () => {
  it('accepts base64 of 16 random bytes', () => {
    fc.assert(fc.property(fc.uint8Array({ minLength: 16, maxLength: 16 }), (bytes) => {
      expect(isValidWebSocketKey(Buffer.from(bytes).toString('base64'))).toBe(true);
    }));
  });

  it.each([
    ['an empty key', ''],
    ['base64 of 15 bytes', Buffer.alloc(15).toString('base64')],
    ['base64 of 17 bytes', Buffer.alloc(17).toString('base64')],
    ['a key without padding', 'dGhlIHNhbXBsZSBub25jZQ'],
    ['URL-safe base64', 'dGhlIHNhbXBsZSBub25j_-=='],
    ['a key with a space inside', 'dGhlIHNhbXBs ZSBub25jZQ=='],
    ['two keys joined by a repeated header', 'dGhlIHNhbXBsZSBub25jZQ==, dGhlIHNhbXBsZSBub25jZQ=='],
  ])('refuses %s (RFC 6455 §4.2.1 item 5)', (_name, key) => {
    expect(isValidWebSocketKey(key)).toBe(false);
  });
});

describe('base64 helpers', () => {
  it('encode like Buffer for any bytes', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
      expect(bytesToBase64(bytes)).toBe(Buffer.from(bytes).toString('base64'));
    }));
  });

  it('convert binary strings both ways, beyond one 8 KiB slice', () => {
    const bytes = Uint8Array.from({ length: 20_000 }, (_, i) => i & 0xff);
    expect(binaryStringToBytes(bytesToBinaryString(bytes))).toEqual(bytes);
  });
});

describe('resolveSha1()', () => {
  it('defaults to the pure sha1', () => {
    expect(resolveSha1(undefined)).toBe(sha1);
  });

  it('returns an injected sha1 that produces 20 bytes', () => {
    expect(resolveSha1(nodeSha1)).toBe(nodeSha1);
  });

  it.each([
    ['a non-function', 'sha1' as unknown as (data: Uint8Array) => Uint8Array],
    ['a function returning 32 bytes', () => new Uint8Array(32)],
    ['a function returning a string', (() => 'x'.repeat(20)) as unknown as (data: Uint8Array) => Uint8Array],
  ])('throws WK_ERR_INVALID_ARGUMENT for %s', (_name, fn) => {
    expectUsageError(() => resolveSha1(fn), 'WK_ERR_INVALID_ARGUMENT');
  });
});

describe('resolveSha1() on every handshake', () => {
  it('probes an injected function once, not on every handshake, and refuses a wrong one', () => {
    let calls = 0;
    const sha1 = (data: Uint8Array): Uint8Array => {
      calls++;
      return createHash('sha1').update(data).digest();
    };
    expect(resolveSha1(sha1)).toBe(sha1);
    expect(resolveSha1(sha1)).toBe(sha1);
    expect(calls).toBe(1);
    expect(() => resolveSha1(() => new Uint8Array(19))).toThrow(/20-byte/);
  });
});
