import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_MAX_HEADER_BYTES, HttpHeadReader, type HttpHeadKind, type HttpHeadResult } from '../src/http-head-reader.js';
import { chunkings, concatBytes, feedUntilResult, latin1 } from './support/split.js';
import { expectUsageError } from './support/usage-error.js';

const REQUEST =
  'GET /chat?room=1 HTTP/1.1\r\n' +
  'Host: example.com:8080\r\n' +
  'Upgrade: websocket\r\n' +
  'Connection: keep-alive, Upgrade\r\n' +
  'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n' +
  'Sec-WebSocket-Version: 13\r\n' +
  'X-Empty:\r\n' +
  'X-Spaced: \t padded value \t\r\n' +
  '\r\n';

const RESPONSE =
  'HTTP/1.1 101 Switching Protocols\r\n' +
  'Upgrade: websocket\r\n' +
  'Connection: Upgrade\r\n' +
  'Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n' +
  '\r\n';

/** An unmasked text frame "Hi": what a server may send right behind its 101. */
const FRAME = Uint8Array.of(0x81, 0x02, 0x48, 0x69);

function read<K extends HttpHeadKind>(kind: K, bytes: Uint8Array | readonly Uint8Array[], maxHeaderBytes?: number): HttpHeadResult<K> | null {
  const reader = new HttpHeadReader(kind, maxHeaderBytes === undefined ? {} : { maxHeaderBytes });
  const chunks = bytes instanceof Uint8Array ? [bytes] : bytes;
  return feedUntilResult(chunks, (chunk) => reader.push(chunk)).result;
}

function errorCode(result: HttpHeadResult<HttpHeadKind> | null): string | undefined {
  return result?.kind === 'error' ? result.error.code : undefined;
}

describe('HttpHeadReader', () => {
  describe('push() with a request', () => {
    it.each(chunkings(concatBytes([latin1(REQUEST), FRAME])))('parses the golden request fed $name', ({ chunks }) => {
      const reader = new HttpHeadReader('request');
      const outcome = feedUntilResult(chunks, (chunk) => reader.push(chunk));
      expect(outcome.result?.kind).toBe('complete');
      if (outcome.result?.kind !== 'complete') return;
      const { head, remainder } = outcome.result;
      expect(head).toMatchObject({ kind: 'request', method: 'GET', target: '/chat?room=1', httpVersion: '1.1' });
      expect([...head.headers]).toEqual([
        ['host', 'example.com:8080'],
        ['upgrade', 'websocket'],
        ['connection', 'keep-alive, Upgrade'],
        ['sec-websocket-key', 'dGhlIHNhbXBsZSBub25jZQ=='],
        ['sec-websocket-version', '13'],
        ['x-empty', ''],
        ['x-spaced', 'padded value'],
      ]);
      expect(concatBytes([remainder, outcome.rest])).toEqual(FRAME);
    });

    it('keeps the request\'s fields as sent, names in their case, in rawHeaders (node:http\'s IncomingMessage.rawHeaders)', () => {
      const result = read('request', latin1('GET / HTTP/1.1\r\nHost: a\r\nX-A: 1\r\nx-a:  2 \r\n\r\n'));
      expect(result?.kind === 'complete' && result.head.rawHeaders).toEqual(['Host', 'a', 'X-A', '1', 'x-a', '2']);
    });

    it('joins repeated fields with ", " in order, whatever the case of their names (RFC 7230 §3.2.2)', () => {
      const result = read('request', latin1('GET / HTTP/1.1\r\nX-A: 1\r\nx-a: 2\r\nX-A: 3\r\n\r\n'));
      expect(result?.kind === 'complete' && result.head.headers.get('x-a')).toBe('1, 2, 3');
    });

    it('keeps obs-text bytes of a value as Latin-1 chars (RFC 7230 §3.2)', () => {
      const result = read('request', Uint8Array.from([...latin1('GET / HTTP/1.1\r\nX-A: caf'), 0xe9, ...latin1('\r\n\r\n')]));
      expect(result?.kind === 'complete' && result.head.headers.get('x-a')).toBe('café');
    });

    it('returns an empty remainder when the chunk ends with the head', () => {
      const result = read('request', latin1(REQUEST));
      expect(result?.kind === 'complete' && result.remainder.length).toBe(0);
    });

    it('keeps its own copy of earlier chunks', () => {
      const reader = new HttpHeadReader('request');
      const first = latin1('GET /a HTTP/1.1\r\n');
      expect(reader.push(first)).toBeNull();
      first.fill(0x20);
      const result = reader.push(latin1('Host: x\r\n\r\n'));
      expect(result?.kind === 'complete' && result.head.target).toBe('/a');
    });
  });

  describe('push() with a response', () => {
    it.each(chunkings(concatBytes([latin1(RESPONSE), FRAME])))('parses the golden 101 response fed $name', ({ chunks }) => {
      const reader = new HttpHeadReader('response');
      const outcome = feedUntilResult(chunks, (chunk) => reader.push(chunk));
      if (outcome.result?.kind !== 'complete') throw new Error('expected a complete head');
      expect(outcome.result.head).toMatchObject({ kind: 'response', httpVersion: '1.1', status: 101, reason: 'Switching Protocols' });
      expect(outcome.result.head.headers.get('sec-websocket-accept')).toBe('s3pPLMBiTxaQ9kYGzzhZRbK+xOo=');
      expect(concatBytes([outcome.result.remainder, outcome.rest])).toEqual(FRAME);
    });

    it.each([
      ['an empty reason phrase', 'HTTP/1.1 101 \r\n\r\n', ''],
      ['no reason phrase and no SP', 'HTTP/1.1 101\r\n\r\n', ''],
      ['a reason phrase with spaces and tabs', 'HTTP/1.1 403 Go\taway now\r\n\r\n', 'Go\taway now'],
    ])('accepts a status line with %s', (_name, head, reason) => {
      const result = read('response', latin1(head));
      expect(result?.kind === 'complete' && result.head.reason).toBe(reason);
    });
  });

  describe('malformed heads', () => {
    it.each([
      ['a bare LF line ending (CRLF is required, RFC 7230 §3)', 'request', 'GET / HTTP/1.1\nHost: x\n\n'],
      ['a bare LF ending the head', 'request', 'GET / HTTP/1.1\r\nHost: x\r\n\n'],
      ['a CR not followed by LF', 'request', 'GET / HTTP/1.1\r\nHost: x\ry\r\n\r\n'],
      ['obs-fold (RFC 7230 §3.2.4)', 'request', 'GET / HTTP/1.1\r\nX-A: 1\r\n 2\r\n\r\n'],
      ['obs-fold with a tab', 'request', 'GET / HTTP/1.1\r\nX-A: 1\r\n\t2\r\n\r\n'],
      ['whitespace before the colon (RFC 7230 §3.2.4)', 'request', 'GET / HTTP/1.1\r\nHost : x\r\n\r\n'],
      ['a field without a colon', 'request', 'GET / HTTP/1.1\r\nHost\r\n\r\n'],
      ['a field name that is not a token', 'request', 'GET / HTTP/1.1\r\nX(A): 1\r\n\r\n'],
      ['an empty field name', 'request', 'GET / HTTP/1.1\r\n: 1\r\n\r\n'],
      ['a NUL in a value', 'request', 'GET / HTTP/1.1\r\nX-A: a\0b\r\n\r\n'],
      ['a DEL in a value', 'request', 'GET / HTTP/1.1\r\nX-A: a\x7fb\r\n\r\n'],
      ['an empty line before the start line', 'request', '\r\nGET / HTTP/1.1\r\n\r\n'],
      ['a request line without a version', 'request', 'GET /\r\n\r\n'],
      ['a request line with two spaces', 'request', 'GET  / HTTP/1.1\r\n\r\n'],
      ['a lower-case protocol name', 'request', 'GET / http/1.1\r\n\r\n'],
      ['a two-digit major version', 'request', 'GET / HTTP/11.1\r\n\r\n'],
      ['a method that is not a token', 'request', 'G:T / HTTP/1.1\r\n\r\n'],
      ['a status line as a request', 'request', 'HTTP/1.1 101 OK\r\n\r\n'],
      ['a two-digit status', 'response', 'HTTP/1.1 99 Odd\r\n\r\n'],
      ['a four-digit status', 'response', 'HTTP/1.1 1010\r\n\r\n'],
      ['a status with letters', 'response', 'HTTP/1.1 1O1 Nope\r\n\r\n'],
      ['a request line as a response', 'response', 'GET / HTTP/1.1\r\n\r\n'],
      ['a control char in the reason phrase', 'response', 'HTTP/1.1 101 A\x01B\r\n\r\n'],
    ] as const)('fails with WK_ERR_HANDSHAKE_MALFORMED on %s', (_name, kind, head) => {
      expect(errorCode(read(kind, latin1(head)))).toBe('WK_ERR_HANDSHAKE_MALFORMED');
    });

    it('fails on a bare LF as soon as it arrives, without waiting for the end of the head', () => {
      const reader = new HttpHeadReader('request');
      expect(reader.push(latin1('GET / HTTP/1.1\r\n'))).toBeNull();
      expect(errorCode(reader.push(latin1('Host: x\n')))).toBe('WK_ERR_HANDSHAKE_MALFORMED');
    });
  });

  describe('maxHeaderBytes', () => {
    const head = latin1('GET / HTTP/1.1\r\nHost: x\r\n\r\n');

    it('defaults to 16 KiB, the default max header size of Node', () => {
      expect(DEFAULT_MAX_HEADER_BYTES).toBe(16_384);
    });

    it('accepts a head of exactly maxHeaderBytes, counting the final CRLF', () => {
      expect(read('request', head, head.length)?.kind).toBe('complete');
    });

    it.each(chunkings(head))('fails with WK_ERR_HANDSHAKE_HEADERS_TOO_LARGE one byte over, fed $name', ({ chunks }) => {
      expect(errorCode(read('request', chunks, head.length - 1))).toBe('WK_ERR_HANDSHAKE_HEADERS_TOO_LARGE');
    });

    it('fails as soon as the limit is passed, before any CRLF CRLF', () => {
      const reader = new HttpHeadReader('request', { maxHeaderBytes: 64 });
      expect(reader.push(latin1(`GET /${'a'.repeat(50)}`))).toBeNull();
      expect(errorCode(reader.push(latin1('a'.repeat(20))))).toBe('WK_ERR_HANDSHAKE_HEADERS_TOO_LARGE');
    });

    it('fails on a default-limit flood sent as one huge chunk without a line end', () => {
      const result = read('request', new Uint8Array(1_000_000).fill(0x61));
      expect(errorCode(result)).toBe('WK_ERR_HANDSHAKE_HEADERS_TOO_LARGE');
    });

    it('does not count the bytes after the head', () => {
      const result = read('request', concatBytes([head, new Uint8Array(1000)]), head.length);
      expect(result?.kind === 'complete' && result.remainder.length).toBe(1000);
    });

    it.each([0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY])('throws WK_ERR_INVALID_ARGUMENT for maxHeaderBytes %s', (maxHeaderBytes) => {
      expectUsageError(() => new HttpHeadReader('request', { maxHeaderBytes }), 'WK_ERR_INVALID_ARGUMENT');
    });
  });

  describe('after a result', () => {
    it.each([
      ['a complete head', latin1(RESPONSE)],
      ['an error', latin1('HTTP/1.1 101\n')],
    ])('throws WK_ERR_INVALID_ARGUMENT on the next push after %s', (_name, bytes) => {
      const reader = new HttpHeadReader('response');
      expect(reader.push(bytes)).not.toBeNull();
      expectUsageError(() => reader.push(latin1('x')), 'WK_ERR_INVALID_ARGUMENT');
    });
  });

  describe('arbitrary bytes', () => {
    it.each(['request', 'response'] as const)('never make a %s reader throw', (kind) => {
      const bytes = fc.oneof(
        fc.uint8Array({ maxLength: 200 }),
        fc.array(fc.constantFrom('GET / HTTP/1.1', 'HTTP/1.1 101 OK', '\r\n', '\r', '\n', ':', ' ', 'X-A', '\t', '\0'), { maxLength: 30 })
          .map((parts) => latin1(parts.join(''))),
      );
      fc.assert(fc.property(fc.array(bytes, { maxLength: 5 }), fc.integer({ min: 1, max: 300 }), (chunks, maxHeaderBytes) => {
        const reader = new HttpHeadReader(kind, { maxHeaderBytes });
        for (const chunk of chunks) {
          if (reader.push(chunk) !== null) break;
        }
      }), { numRuns: 1000 });
    });
  });
});
