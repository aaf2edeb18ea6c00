import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ServerHandshake, type ServerHandshakeResult } from '../src/server-handshake.js';
import { chunkings, concatBytes, feedUntilResult, latin1, text } from './support/split.js';
import { expectUsageError } from './support/usage-error.js';

/** The sample request of RFC 6455 §1.2 (with the extension offer of §9.1's examples). */
const SAMPLE_REQUEST =
  'GET /chat HTTP/1.1\r\n' +
  'Host: server.example.com\r\n' +
  'Upgrade: websocket\r\n' +
  'Connection: Upgrade\r\n' +
  'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n' +
  'Origin: http://example.com\r\n' +
  'Sec-WebSocket-Protocol: chat, superchat\r\n' +
  'Sec-WebSocket-Version: 13\r\n' +
  'Sec-WebSocket-Extensions: foo, bar; baz=2\r\n' +
  '\r\n';

/** A masked text frame "Hi", as a client might pipeline it behind its request. */
const MASKED_FRAME = Uint8Array.of(0x81, 0x82, 0x01, 0x02, 0x03, 0x04, 0x49, 0x6b);

function invalid(result: ServerHandshakeResult | null): Extract<ServerHandshakeResult, { kind: 'invalid' }> {
  if (result?.kind !== 'invalid') throw new Error(`expected a refusal, got ${result?.kind ?? 'null'}`);
  return result;
}

describe('ServerHandshake', () => {
  describe('receive() with a valid request', () => {
    it.each(chunkings(concatBytes([latin1(SAMPLE_REQUEST), MASKED_FRAME])))('yields the sample request fed $name', ({ chunks }) => {
      const server = new ServerHandshake();
      const outcome = feedUntilResult(chunks, (chunk) => server.receive(chunk));
      if (outcome.result?.kind !== 'upgrade') throw new Error(`expected an upgrade, got ${JSON.stringify(outcome.result)}`);
      expect(outcome.result.request).toMatchObject({
        method: 'GET',
        target: '/chat',
        httpVersion: '1.1',
        key: 'dGhlIHNhbXBsZSBub25jZQ==',
        version: 13,
        host: 'server.example.com',
        origin: 'http://example.com',
        protocols: ['chat', 'superchat'],
        extensionOffers: [{ name: 'foo', params: {} }, { name: 'bar', params: { baz: '2' } }],
      });
      expect(concatBytes([outcome.result.remainder, outcome.rest])).toEqual(MASKED_FRAME);
    });
  });

  describe('receive() with an invalid request', () => {
    it.each(chunkings(latin1('GET / HTTP/1.1\r\nHost: x\r\n bad fold\r\n\r\n')))('answers a malformed head with 400 and WK_ERR_HANDSHAKE_MALFORMED, fed $name', ({ chunks }) => {
      const server = new ServerHandshake();
      const result = invalid(feedUntilResult(chunks, (chunk) => server.receive(chunk)).result);
      expect(result.error.code).toBe('WK_ERR_HANDSHAKE_MALFORMED');
      expect(result.status).toBe(400);
      expect(text(result.response)).toMatch(/^HTTP\/1\.1 400 Bad Request\r\nConnection: close\r\n/);
    });

    it('answers a head over maxHeaderBytes with 431 and WK_ERR_HANDSHAKE_HEADERS_TOO_LARGE (RFC 6585 §5)', () => {
      const server = new ServerHandshake({ maxHeaderBytes: 64 });
      expect(server.receive(latin1('GET / HTTP/1.1\r\n'))).toBeNull();
      const result = invalid(server.receive(latin1(`Cookie: ${'a'.repeat(64)}`)));
      expect(result.error.code).toBe('WK_ERR_HANDSHAKE_HEADERS_TOO_LARGE');
      expect(result.status).toBe(431);
      expect(text(result.response)).toMatch(/^HTTP\/1\.1 431 Request Header Fields Too Large\r\n/);
    });

    it('answers a head over the default 16 KiB with 431', () => {
      const server = new ServerHandshake();
      const result = invalid(server.receive(latin1(`GET / HTTP/1.1\r\nCookie: ${'a'.repeat(16_384)}\r\n\r\n`)));
      expect(result.status).toBe(431);
    });

    it.each([
      ['a POST', SAMPLE_REQUEST.replace('GET', 'POST'), 'WK_ERR_HANDSHAKE_METHOD', 405],
      ['an HTTP/1.0 request', SAMPLE_REQUEST.replace('HTTP/1.1', 'HTTP/1.0'), 'WK_ERR_HANDSHAKE_METHOD', 400],
      ['a request without Upgrade', SAMPLE_REQUEST.replace('Upgrade: websocket\r\n', ''), 'WK_ERR_HANDSHAKE_UPGRADE', 400],
      ['version 8', SAMPLE_REQUEST.replace('Version: 13', 'Version: 8'), 'WK_ERR_HANDSHAKE_VERSION', 426],
      ['a short key', SAMPLE_REQUEST.replace('dGhlIHNhbXBsZSBub25jZQ==', 'c2hvcnQ='), 'WK_ERR_HANDSHAKE_KEY', 400],
      ['a second Host', SAMPLE_REQUEST.replace('\r\n\r\n', '\r\nHost: evil.example\r\n\r\n'), 'WK_ERR_HANDSHAKE_MALFORMED', 400],
    ])('answers %s with %s and status %i', (_name, request, code, status) => {
      const result = invalid(new ServerHandshake().receive(latin1(request)));
      expect(result.error.code).toBe(code);
      expect(result.status).toBe(status);
    });
  });

  describe('constructor()', () => {
    it.each([0, -5, 2.5])('throws WK_ERR_INVALID_ARGUMENT for maxHeaderBytes %s', (maxHeaderBytes) => {
      expectUsageError(() => new ServerHandshake({ maxHeaderBytes }), 'WK_ERR_INVALID_ARGUMENT');
    });
  });

  describe('receive() after a result', () => {
    it.each([
      ['an upgrade', SAMPLE_REQUEST],
      ['a refusal', 'BREW / HTTP/1.1\n'],
    ])('throws WK_ERR_INVALID_ARGUMENT after %s', (_name, request) => {
      const server = new ServerHandshake();
      expect(server.receive(latin1(request))).not.toBeNull();
      expectUsageError(() => server.receive(MASKED_FRAME), 'WK_ERR_INVALID_ARGUMENT');
    });
  });

  describe('receive() with arbitrary bytes', () => {
    it('never throws, whatever the client sends and however it is cut', () => {
      const mutated = fc.tuple(fc.nat(SAMPLE_REQUEST.length), fc.nat(SAMPLE_REQUEST.length), fc.string({ maxLength: 8 }))
        .map(([at, cut, insert]) => latin1(SAMPLE_REQUEST.slice(0, at) + insert.replace(/[^\x00-\xff]/g, '') + SAMPLE_REQUEST.slice(Math.max(at, cut))));
      const bytes = fc.oneof(fc.uint8Array({ maxLength: 300 }), mutated);
      fc.assert(fc.property(bytes, fc.integer({ min: 1, max: 50 }), (input, step) => {
        const server = new ServerHandshake({ maxHeaderBytes: 512 });
        for (let i = 0; i < input.length; i += step) {
          const result = server.receive(input.subarray(i, i + step));
          if (result === null) continue;
          if (result.kind === 'invalid') expect(result.response.length).toBeGreaterThan(0);
          break;
        }
      }), { numRuns: 2000 });
    });
  });
});
