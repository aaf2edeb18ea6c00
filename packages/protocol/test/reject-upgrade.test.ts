import { describe, expect, it } from 'vitest';
import { HttpHeadReader } from '../src/http-head-reader.js';
import { rejectUpgrade, STATUS_REASONS } from '../src/reject-upgrade.js';
import { latin1, text } from './support/split.js';
import { expectUsageError } from './support/usage-error.js';

describe('rejectUpgrade()', () => {
  it('writes the golden 403 response with a text body', () => {
    expect(text(rejectUpgrade(403, { body: 'Forbidden' }))).toBe(
      'HTTP/1.1 403 Forbidden\r\nConnection: close\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: 9\r\n\r\nForbidden',
    );
  });

  it('writes Content-Length: 0 and no Content-Type without a body', () => {
    expect(text(rejectUpgrade(503))).toBe('HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
  });

  it('counts the UTF-8 bytes of a string body', () => {
    expect(text(rejectUpgrade(400, { body: 'é€' }))).toContain('Content-Length: 5\r\n');
  });

  it('sends a byte body as given, without guessing a Content-Type', () => {
    const bytes = rejectUpgrade(400, { body: Uint8Array.of(0, 1, 2) });
    expect(text(bytes)).toBe('HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 3\r\n\r\n\0\x01\x02');
  });

  it('keeps a caller\'s Content-Type', () => {
    const response = text(rejectUpgrade(401, { body: '{}', headers: { 'Content-Type': 'application/json', 'WWW-Authenticate': 'Bearer' } }));
    expect(response).toBe('HTTP/1.1 401 Unauthorized\r\nConnection: close\r\nContent-Length: 2\r\nContent-Type: application/json\r\nWWW-Authenticate: Bearer\r\n\r\n{}');
  });

  it('writes a redirect with its Location', () => {
    expect(text(rejectUpgrade(308, { headers: { Location: 'wss://example.com/' } }))).toBe(
      'HTTP/1.1 308 Permanent Redirect\r\nConnection: close\r\nContent-Length: 0\r\nLocation: wss://example.com/\r\n\r\n',
    );
  });

  it.each([
    [499, undefined, 'HTTP/1.1 499 \r\n'],
    [418, "I'm a teapot", "HTTP/1.1 418 I'm a teapot\r\n"],
    [404, '', 'HTTP/1.1 404 \r\n'],
  ])('writes status %i with reason %j as %j', (status, reason, statusLine) => {
    expect(text(rejectUpgrade(status, reason === undefined ? {} : { reason }))).toMatch(new RegExp(`^${statusLine.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
  });

  it('adds the upgrade option to Connection when an Upgrade header is sent (RFC 9110 §7.8)', () => {
    expect(text(rejectUpgrade(426, { headers: { Upgrade: 'websocket' } }))).toContain('\r\nConnection: Upgrade, close\r\n');
  });

  it('is read back by HttpHeadReader with the body as remainder', () => {
    const result = new HttpHeadReader('response').push(rejectUpgrade(429, { body: 'slow down', headers: { 'Retry-After': '5' } }));
    if (result?.kind !== 'complete') throw new Error('expected a complete head');
    expect(result.head).toMatchObject({ status: 429, reason: 'Too Many Requests' });
    expect(result.head.headers.get('retry-after')).toBe('5');
    expect(result.remainder).toEqual(latin1('slow down'));
  });

  it('knows the reason phrases of the statuses the handshake itself uses', () => {
    expect([400, 405, 426, 431, 505].map((status) => STATUS_REASONS[status])).toEqual([
      'Bad Request', 'Method Not Allowed', 'Upgrade Required', 'Request Header Fields Too Large', 'HTTP Version Not Supported',
    ]);
  });

  it.each([101, 200, 204, 299, 600, 404.5, Number.NaN])('throws WK_ERR_INVALID_ARGUMENT for status %s', (status) => {
    expectUsageError(() => rejectUpgrade(status), 'WK_ERR_INVALID_ARGUMENT');
  });

  it.each([
    ['a reason with CRLF', { reason: 'Bad\r\nX-Injected: 1' }],
    ['a body that is neither string nor bytes', { body: 42 as unknown as string }],
  ])('throws WK_ERR_INVALID_ARGUMENT for %s', (_name, options) => {
    expectUsageError(() => rejectUpgrade(400, options), 'WK_ERR_INVALID_ARGUMENT');
  });

  it.each(['Connection', 'content-length', 'Transfer-Encoding'])('throws WK_ERR_INVALID_HEADER for a custom %s', (name) => {
    expectUsageError(() => rejectUpgrade(400, { headers: { [name]: '1' } }), 'WK_ERR_INVALID_HEADER');
  });

  it('throws WK_ERR_INVALID_HEADER for a custom value with CRLF', () => {
    expectUsageError(() => rejectUpgrade(302, { headers: { Location: '/\r\nSet-Cookie: x' } }), 'WK_ERR_INVALID_HEADER');
  });
});
