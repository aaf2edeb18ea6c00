import { IncomingMessage } from 'node:http';
import { Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import type { ProtocolErrorCode } from '../src/error-codes.js';
import { validateUpgradeRequest, type NodeStyleHeaders, type UpgradeRequestInput } from '../src/upgrade-request.js';
import { text } from './support/split.js';

/** The sample request of RFC 6455 §1.2, as node:http would expose it. */
const SAMPLE_HEADERS = {
  host: 'server.example.com',
  upgrade: 'websocket',
  connection: 'Upgrade',
  'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==',
  origin: 'http://example.com',
  'sec-websocket-protocol': 'chat, superchat',
  'sec-websocket-version': '13',
} as const;

function input(headers: NodeStyleHeaders = {}, overrides: Partial<UpgradeRequestInput> = {}): UpgradeRequestInput {
  return { method: 'GET', url: '/chat', httpVersion: '1.1', headers: { ...SAMPLE_HEADERS, ...headers }, ...overrides };
}

describe('validateUpgradeRequest()', () => {
  describe('a valid request', () => {
    it('yields the UpgradeRequest of the RFC 6455 §1.2 sample', () => {
      expect(validateUpgradeRequest(input())).toEqual({
        kind: 'upgrade',
        request: {
          method: 'GET',
          target: '/chat',
          httpVersion: '1.1',
          headers: new Map(Object.entries(SAMPLE_HEADERS)),
          key: 'dGhlIHNhbXBsZSBub25jZQ==',
          version: 13,
          host: 'server.example.com',
          origin: 'http://example.com',
          protocols: ['chat', 'superchat'],
          extensionOffers: [],
        },
      });
    });

    it('takes a node:http IncomingMessage as it is (no socket is connected)', () => {
      const message = new IncomingMessage(new Socket());
      Object.assign(message, { method: 'GET', url: '/chat', httpVersion: '1.1', headers: { ...SAMPLE_HEADERS } });
      const result = validateUpgradeRequest(message);
      expect(result.kind === 'upgrade' && result.request.target).toBe('/chat');
    });

    it('takes headers from a ReadonlyMap, as HttpHeadReader produces them', () => {
      const result = validateUpgradeRequest({ method: 'GET', url: '/', httpVersion: '1.1', headers: new Map(Object.entries(SAMPLE_HEADERS)) });
      expect(result.kind).toBe('upgrade');
    });

    it('lower-cases record names, joins node:http arrays with ", " and skips undefined values', () => {
      const result = validateUpgradeRequest(input({ 'X-Multi': ['a', 'b'], 'x-multi': 'c', 'x-none': undefined }));
      if (result.kind !== 'upgrade') throw new Error(result.error.message);
      expect(result.request.headers.get('x-multi')).toBe('a, b, c');
      expect(result.request.headers.has('x-none')).toBe(false);
    });

    it('parses the extension offers in the client\'s order', () => {
      const result = validateUpgradeRequest(input({ 'sec-websocket-extensions': 'permessage-deflate; client_max_window_bits, x-b' }));
      expect(result.kind === 'upgrade' && result.request.extensionOffers).toEqual([
        { name: 'permessage-deflate', params: { client_max_window_bits: true } },
        { name: 'x-b', params: {} },
      ]);
    });

    it.each([
      ['no Origin (non-browser client)', { origin: undefined }],
      ['no subprotocols', { 'sec-websocket-protocol': undefined }],
      ['Upgrade listing websocket among others, in any case', { upgrade: 'foo/2, WebSocket' }],
      ['Connection listing upgrade among others', { connection: 'keep-alive, upgrade' }],
      ['Content-Length: 0', { 'content-length': '0' }],
      ['an IPv6 Host with a port', { host: '[::1]:8080' }],
    ])('accepts %s', (_name, headers) => {
      expect(validateUpgradeRequest(input(headers)).kind).toBe('upgrade');
    });

    it.each(['HTTP/1.1', '1.2'])('accepts HTTP version %s', (httpVersion) => {
      expect(validateUpgradeRequest(input({}, { httpVersion })).kind).toBe('upgrade');
    });

    it('reports origin as undefined when absent', () => {
      const result = validateUpgradeRequest(input({ origin: undefined }));
      expect(result.kind === 'upgrade' && result.request.origin).toBeUndefined();
    });
  });

  describe('an invalid request', () => {
    it.each<[string, NodeStyleHeaders, Partial<UpgradeRequestInput>, ProtocolErrorCode, number]>([
      ['HTTP/1.0', {}, { httpVersion: '1.0' }, 'WK_ERR_HANDSHAKE_METHOD', 400],
      ['HTTP/2.0', {}, { httpVersion: '2.0' }, 'WK_ERR_HANDSHAKE_METHOD', 505],
      ['an unparsable HTTP version', {}, { httpVersion: 'one' }, 'WK_ERR_HANDSHAKE_MALFORMED', 400],
      ['POST', {}, { method: 'POST' }, 'WK_ERR_HANDSHAKE_METHOD', 405],
      ['a lower-case get (methods are case-sensitive)', {}, { method: 'get' }, 'WK_ERR_HANDSHAKE_METHOD', 405],
      ['no method', {}, { method: undefined }, 'WK_ERR_HANDSHAKE_METHOD', 405],
      ['no request-target', {}, { url: undefined }, 'WK_ERR_HANDSHAKE_MALFORMED', 400],
      ['a request-target with a space', {}, { url: '/a b' }, 'WK_ERR_HANDSHAKE_MALFORMED', 400],
      ['no Host', { host: undefined }, {}, 'WK_ERR_HANDSHAKE_MALFORMED', 400],
      ['an empty Host', { host: '' }, {}, 'WK_ERR_HANDSHAKE_MALFORMED', 400],
      ['two Hosts (RFC 7230 §5.4)', { host: ['a.example', 'b.example'] }, {}, 'WK_ERR_HANDSHAKE_MALFORMED', 400],
      ['a Host with a path', { host: 'a.example/x' }, {}, 'WK_ERR_HANDSHAKE_MALFORMED', 400],
      ['no Upgrade', { upgrade: undefined }, {}, 'WK_ERR_HANDSHAKE_UPGRADE', 400],
      ['Upgrade: h2c', { upgrade: 'h2c' }, {}, 'WK_ERR_HANDSHAKE_UPGRADE', 400],
      ['no Connection', { connection: undefined }, {}, 'WK_ERR_HANDSHAKE_UPGRADE', 400],
      ['Connection: keep-alive', { connection: 'keep-alive' }, {}, 'WK_ERR_HANDSHAKE_UPGRADE', 400],
      ['a body announced by Content-Length', { 'content-length': '5' }, {}, 'WK_ERR_HANDSHAKE_MALFORMED', 400],
      ['a chunked body', { 'transfer-encoding': 'chunked' }, {}, 'WK_ERR_HANDSHAKE_MALFORMED', 400],
      ['no Sec-WebSocket-Version', { 'sec-websocket-version': undefined }, {}, 'WK_ERR_HANDSHAKE_VERSION', 426],
      ['Sec-WebSocket-Version: 8', { 'sec-websocket-version': '8' }, {}, 'WK_ERR_HANDSHAKE_VERSION', 426],
      ['Sec-WebSocket-Version repeated', { 'sec-websocket-version': ['13', '13'] }, {}, 'WK_ERR_HANDSHAKE_VERSION', 426],
      ['no Sec-WebSocket-Key', { 'sec-websocket-key': undefined }, {}, 'WK_ERR_HANDSHAKE_KEY', 400],
      ['a key of 15 bytes', { 'sec-websocket-key': Buffer.alloc(15).toString('base64') }, {}, 'WK_ERR_HANDSHAKE_KEY', 400],
      ['a key that is not base64', { 'sec-websocket-key': 'not base64 at all!!!!!==' }, {}, 'WK_ERR_HANDSHAKE_KEY', 400],
      ['two keys', { 'sec-websocket-key': ['dGhlIHNhbXBsZSBub25jZQ==', 'dGhlIHNhbXBsZSBub25jZQ=='] }, {}, 'WK_ERR_HANDSHAKE_KEY', 400],
      ['a subprotocol that is not a token', { 'sec-websocket-protocol': 'chat, super chat' }, {}, 'WK_ERR_HANDSHAKE_MALFORMED', 400],
      ['a subprotocol listed twice', { 'sec-websocket-protocol': 'chat, chat' }, {}, 'WK_ERR_HANDSHAKE_MALFORMED', 400],
      ['a malformed Sec-WebSocket-Extensions', { 'sec-websocket-extensions': 'x; p="a b"' }, {}, 'WK_ERR_HANDSHAKE_MALFORMED', 400],
    ])('refuses %s with %s and status %i', (_name, headers, overrides, code, status) => {
      const result = validateUpgradeRequest(input(headers, overrides));
      if (result.kind !== 'invalid') throw new Error('expected the request to be refused');
      expect(result.error.code).toBe(code);
      expect(result.status).toBe(status);
      expect(result.error.status).toBe(status);
      expect(text(result.response)).toMatch(new RegExp(`^HTTP/1\\.1 ${status} [A-Za-z ]+\\r\\nConnection: (Upgrade, )?close\\r\\n`));
    });

    it('answers a non-GET with the golden 405 response carrying Allow: GET (RFC 9110 §15.5.6)', () => {
      const result = validateUpgradeRequest(input({}, { method: 'PUT' }));
      const body = 'A WebSocket upgrade must be a GET request (RFC 6455 §4.2.1)';
      expect(result.kind === 'invalid' && text(result.response)).toBe(
        'HTTP/1.1 405 Method Not Allowed\r\nConnection: close\r\nContent-Type: text/plain; charset=utf-8\r\n' +
          `Content-Length: ${Buffer.byteLength(body)}\r\nAllow: GET\r\n\r\n${Buffer.from(body).toString('latin1')}`,
      );
    });

    it('answers an unknown version with 426, Upgrade and Sec-WebSocket-Version: 13 (RFC 6455 §4.4)', () => {
      const result = validateUpgradeRequest(input({ 'sec-websocket-version': '8' }));
      const response = result.kind === 'invalid' ? text(result.response) : '';
      expect(response).toMatch(/^HTTP\/1\.1 426 Upgrade Required\r\nConnection: Upgrade, close\r\n/);
      expect(response).toContain('\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\n\r\n');
    });

    it('checks the version before the key, so pre-RFC clients learn which version to speak', () => {
      const result = validateUpgradeRequest(input({ 'sec-websocket-version': undefined, 'sec-websocket-key': undefined }));
      expect(result.kind === 'invalid' && result.error.code).toBe('WK_ERR_HANDSHAKE_VERSION');
    });

    it('produces errors without a close code, since no WebSocket exists yet', () => {
      const result = validateUpgradeRequest(input({ upgrade: undefined }));
      expect(result.kind === 'invalid' && result.error.closeCode).toBeNull();
    });
  });
});
