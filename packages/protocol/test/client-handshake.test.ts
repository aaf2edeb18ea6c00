import { createHash, randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ClientHandshake, type ClientHandshakeOptions, type ClientHandshakeResult } from '../src/client-handshake.js';
import { fakeExtensionFactory } from './support/fake-extension.js';
import { chunkings, concatBytes, feedUntilResult, latin1, text } from './support/split.js';
import { expectUsageError } from './support/usage-error.js';

/** random() returning the RFC 6455 §1.3 sample nonce, so the key is dGhlIHNhbXBsZSBub25jZQ==. */
const sampleNonce = (): Uint8Array => latin1('the sample nonce');
const SAMPLE_ACCEPT = 's3pPLMBiTxaQ9kYGzzhZRbK+xOo=';
const FRAME = Uint8Array.of(0x81, 0x02, 0x48, 0x69);

function handshake(options: Partial<ClientHandshakeOptions> = {}): ClientHandshake {
  return new ClientHandshake({ url: 'ws://example.com/', random: sampleNonce, ...options });
}

function response(fields: readonly string[], statusLine = 'HTTP/1.1 101 Switching Protocols'): Uint8Array {
  return latin1(`${statusLine}\r\n${fields.map((field) => `${field}\r\n`).join('')}\r\n`);
}

const ACCEPTING = ['Upgrade: websocket', 'Connection: Upgrade', `Sec-WebSocket-Accept: ${SAMPLE_ACCEPT}`];

function rejected(result: ClientHandshakeResult | null): Extract<ClientHandshakeResult, { kind: 'rejected' }> {
  if (result?.kind !== 'rejected') throw new Error(`expected a rejection, got ${result?.kind ?? 'null'}`);
  return result;
}

describe('ClientHandshake', () => {
  describe('request()', () => {
    it('writes the golden upgrade request (RFC 6455 §4.1)', () => {
      const client = handshake({
        url: 'ws://example.com:8080/chat?room=1',
        protocols: ['chat', 'superchat'],
        extensions: [fakeExtensionFactory('x-fake', { offers: [{ a: true }, {}] })],
        origin: 'https://example.com',
        headers: { 'X-Custom': 'yes' },
      });
      expect(client.key).toBe('dGhlIHNhbXBsZSBub25jZQ==');
      expect(text(client.request())).toBe(
        'GET /chat?room=1 HTTP/1.1\r\n' +
          'Host: example.com:8080\r\n' +
          'Upgrade: websocket\r\n' +
          'Connection: Upgrade\r\n' +
          'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n' +
          'Sec-WebSocket-Version: 13\r\n' +
          'Sec-WebSocket-Protocol: chat, superchat\r\n' +
          'Sec-WebSocket-Extensions: x-fake; a, x-fake\r\n' +
          'Origin: https://example.com\r\n' +
          'X-Custom: yes\r\n' +
          '\r\n',
      );
    });

    it('writes only the mandatory fields when given only a URL', () => {
      expect(text(handshake().request())).toBe(
        'GET / HTTP/1.1\r\nHost: example.com\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
          'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n',
      );
    });

    it('lets the caller override Host, for virtual hosts behind an address', () => {
      expect(text(handshake({ url: 'ws://127.0.0.1/', headers: [['host', 'example.com']] }).request())).toContain('\r\nHost: example.com\r\n');
    });

    it('repeats a custom header given as pairs', () => {
      expect(text(handshake({ headers: [['X-A', '1'], ['X-A', '2']] }).request())).toContain('X-A: 1\r\nX-A: 2\r\n\r\n');
    });

    it('returns a fresh copy each time', () => {
      const client = handshake();
      client.request().fill(0);
      expect(text(client.request())).toMatch(/^GET \/ HTTP\/1\.1\r\n/);
    });

    it('does not offer an extension whose factory offers no parameter sets', () => {
      expect(text(handshake({ extensions: [fakeExtensionFactory('x-fake', { offers: [] })] }).request())).not.toContain('Extensions');
    });
  });

  describe('constructor() URL handling', () => {
    it.each([
      ['ws://example.com', 'example.com', 'example.com', 80, false, '/'],
      ['ws://example.com:80/a', 'example.com', 'example.com', 80, false, '/a'],
      ['ws://example.com:8080/a/b?c=d&e', 'example.com:8080', 'example.com', 8080, false, '/a/b?c=d&e'],
      ['wss://example.com:443', 'example.com', 'example.com', 443, true, '/'],
      ['wss://example.com:80', 'example.com:80', 'example.com', 80, true, '/'],
      ['http://example.com:80/', 'example.com', 'example.com', 80, false, '/'],
      ['https://example.com/', 'example.com', 'example.com', 443, true, '/'],
      ['ws://[::1]:9000/x', '[::1]:9000', '::1', 9000, false, '/x'],
      ['wss://[2001:db8::1]/', '[2001:db8::1]', '2001:db8::1', 443, true, '/'],
      ['ws://EXAMPLE.com?q', 'example.com', 'example.com', 80, false, '/?q'],
    ])('derives Host, hostname, port, TLS and target from %s', (url, host, hostname, port, secure, target) => {
      const client = handshake({ url });
      expect(text(client.request())).toContain(`GET ${target} HTTP/1.1\r\nHost: ${host}\r\n`);
      expect({ hostname: client.hostname, port: client.port, secure: client.secure, target: client.target }).toEqual({ hostname, port, secure, target });
    });

    it('accepts a WHATWG URL object', () => {
      expect(handshake({ url: new URL('wss://example.com/x') }).target).toBe('/x');
    });

    it.each([
      ['an unparsable string', 'not a url'],
      ['an ftp: URL', 'ftp://example.com/'],
      ['a fragment (RFC 6455 §3)', 'ws://example.com/#frag'],
      ['an empty fragment', 'ws://example.com/#'],
      ['credentials', 'ws://user:pass@example.com/'],
      ['a number', 42 as unknown as string],
    ])('throws WK_ERR_INVALID_URL for %s', (_name, url) => {
      expectUsageError(() => handshake({ url }), 'WK_ERR_INVALID_URL');
    });
  });

  describe('constructor() validation', () => {
    it.each([
      ['a subprotocol with a space', ['a b']],
      ['an empty subprotocol', ['']],
      ['a subprotocol with a comma', ['a,b']],
      ['a duplicate subprotocol', ['chat', 'chat']],
      ['a non-string subprotocol', [1 as unknown as string]],
    ])('throws WK_ERR_INVALID_PROTOCOL for %s (RFC 6455 §4.1 item 10)', (_name, protocols) => {
      expectUsageError(() => handshake({ protocols }), 'WK_ERR_INVALID_PROTOCOL');
    });

    it.each([
      'Upgrade', 'connection', 'Sec-WebSocket-Key', 'Sec-WebSocket-Version', 'Sec-WebSocket-Accept',
      'Sec-WebSocket-Protocol', 'Sec-WebSocket-Extensions', 'Origin', 'Content-Length', 'Transfer-Encoding',
    ])('throws WK_ERR_INVALID_HEADER when a custom header overrides %s', (name) => {
      expectUsageError(() => handshake({ headers: { [name]: 'x' } }), 'WK_ERR_INVALID_HEADER');
    });

    it.each([
      ['a CRLF in a custom value', { headers: { 'X-A': 'a\r\nX-B: b' } }],
      ['a NUL in a custom value', { headers: { 'X-A': 'a\0' } }],
      ['a custom name that is not a token', { headers: { 'X A': 'a' } }],
      ['Host given twice', { headers: [['Host', 'a'], ['host', 'b']] as Array<[string, string]> }],
      ['an origin with CRLF', { origin: 'https://a\r\nX: y' }],
      ['an empty origin', { origin: '' }],
      ['an extension parameter value that is not a token', { extensions: [fakeExtensionFactory('x-fake', { offers: [{ p: 'a b' }] })] }],
    ])('throws WK_ERR_INVALID_HEADER for %s', (_name, options) => {
      expectUsageError(() => handshake(options), 'WK_ERR_INVALID_HEADER');
    });

    it.each([
      ['random returning 15 bytes', { random: () => new Uint8Array(15) }],
      ['random returning an array', { random: () => Array.from({ length: 16 }, () => 0) as unknown as Uint8Array }],
      ['random that is not a function', { random: undefined as unknown as () => Uint8Array }],
      ['sha1 returning 16 bytes', { sha1: () => new Uint8Array(16) }],
      ['maxHeaderBytes of 0', { maxHeaderBytes: 0 }],
      ['two factories of one name', { extensions: [fakeExtensionFactory('x'), fakeExtensionFactory('x')] }],
      ['a factory whose name is not a token', { extensions: [fakeExtensionFactory('a b')] }],
      ['extensions that are not an array', { extensions: 'x' as unknown as [] }],
    ])('throws WK_ERR_INVALID_ARGUMENT for %s', (_name, options) => {
      expectUsageError(() => handshake(options), 'WK_ERR_INVALID_ARGUMENT');
    });
  });

  describe('receive() accepting', () => {
    const golden = concatBytes([response([...ACCEPTING, 'Sec-WebSocket-Protocol: chat', 'Sec-WebSocket-Extensions: x-fake; a']), FRAME]);

    it.each(chunkings(golden))('accepts the golden 101 response fed $name', ({ chunks }) => {
      const factory = fakeExtensionFactory();
      const client = handshake({ protocols: ['superchat', 'chat'], extensions: [factory] });
      const outcome = feedUntilResult(chunks, (chunk) => client.receive(chunk));
      if (outcome.result?.kind !== 'accepted') throw new Error(`expected acceptance, got ${JSON.stringify(outcome.result)}`);
      expect(outcome.result.protocol).toBe('chat');
      expect(outcome.result.extensionsHeader).toBe('x-fake; a');
      expect(outcome.result.extensions).toEqual([factory.created[0]]);
      expect(factory.created[0]?.params).toEqual({ a: true });
      expect(outcome.result.headers.get('sec-websocket-accept')).toBe(SAMPLE_ACCEPT);
      expect(concatBytes([outcome.result.remainder, outcome.rest])).toEqual(FRAME);
    });

    it('compares Upgrade and Connection case-insensitively (RFC 6455 §4.1 items 2–3)', () => {
      const result = handshake().receive(response(['UPGRADE: WebSocket', 'connection: keep-alive, upgrade', `sec-websocket-accept: ${SAMPLE_ACCEPT}`]));
      expect(result?.kind).toBe('accepted');
    });

    it('accepts a server that selects no subprotocol although some were offered, with protocol ""', () => {
      const result = handshake({ protocols: ['chat'] }).receive(response(ACCEPTING));
      expect(result?.kind === 'accepted' && result.protocol).toBe('');
    });

    it('returns the extensions in the order the server listed them (RFC 6455 §9.1)', () => {
      const first = fakeExtensionFactory('x-first');
      const second = fakeExtensionFactory('x-second');
      const result = handshake({ extensions: [first, second] }).receive(response([...ACCEPTING, 'Sec-WebSocket-Extensions: x-second, x-first']));
      expect(result?.kind === 'accepted' && result.extensions.map((extension) => extension.name)).toEqual(['x-second', 'x-first']);
    });

    it('verifies the accept key with an injected sha1 and real randomness', () => {
      const client = new ClientHandshake({
        url: 'ws://example.com/',
        random: (size) => randomBytes(size),
        sha1: (data) => createHash('sha1').update(data).digest(),
      });
      const accept = createHash('sha1').update(`${client.key}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`).digest('base64');
      expect(client.receive(response(['Upgrade: websocket', 'Connection: Upgrade', `Sec-WebSocket-Accept: ${accept}`]))?.kind).toBe('accepted');
    });
  });

  describe('receive() rejecting', () => {
    it.each([403, 200, 302, 500, 100])('fails with WK_ERR_HANDSHAKE_STATUS carrying status %i', (status) => {
      const result = rejected(handshake().receive(response(['Content-Length: 0'], `HTTP/1.1 ${status} Whatever`)));
      expect(result.error.code).toBe('WK_ERR_HANDSHAKE_STATUS');
      expect(result.error.status).toBe(status);
      expect(result.error.message).toBe(`Unexpected server response: ${status}`);
      expect(result.status).toBe(status);
      expect(result.headers?.get('content-length')).toBe('0');
      expect(result.error.closeCode).toBeNull();
    });

    it.each([
      ['a missing Upgrade', ['Connection: Upgrade', `Sec-WebSocket-Accept: ${SAMPLE_ACCEPT}`], 'WK_ERR_HANDSHAKE_UPGRADE'],
      ['Upgrade: h2c', ['Upgrade: h2c', 'Connection: Upgrade', `Sec-WebSocket-Accept: ${SAMPLE_ACCEPT}`], 'WK_ERR_HANDSHAKE_UPGRADE'],
      ['Upgrade listing more than websocket', ['Upgrade: websocket, h2c', 'Connection: Upgrade', `Sec-WebSocket-Accept: ${SAMPLE_ACCEPT}`], 'WK_ERR_HANDSHAKE_UPGRADE'],
      ['a missing Connection', ['Upgrade: websocket', `Sec-WebSocket-Accept: ${SAMPLE_ACCEPT}`], 'WK_ERR_HANDSHAKE_UPGRADE'],
      ['Connection: close', ['Upgrade: websocket', 'Connection: close', `Sec-WebSocket-Accept: ${SAMPLE_ACCEPT}`], 'WK_ERR_HANDSHAKE_UPGRADE'],
      ['a missing Sec-WebSocket-Accept', ['Upgrade: websocket', 'Connection: Upgrade'], 'WK_ERR_HANDSHAKE_ACCEPT'],
      ['a wrong Sec-WebSocket-Accept', ['Upgrade: websocket', 'Connection: Upgrade', 'Sec-WebSocket-Accept: dGhlIHNhbXBsZSBub25jZQ=='], 'WK_ERR_HANDSHAKE_ACCEPT'],
      ['a repeated Sec-WebSocket-Accept', [...ACCEPTING, `Sec-WebSocket-Accept: ${SAMPLE_ACCEPT}`], 'WK_ERR_HANDSHAKE_ACCEPT'],
      ['a subprotocol when none was offered', [...ACCEPTING, 'Sec-WebSocket-Protocol: chat'], 'WK_ERR_HANDSHAKE_PROTOCOL'],
      ['an extension that was not offered', [...ACCEPTING, 'Sec-WebSocket-Extensions: x-other'], 'WK_ERR_HANDSHAKE_EXTENSION'],
    ] as const)('fails on %s with %s', (_name, fields, code) => {
      const result = rejected(handshake().receive(response(fields)));
      expect(result.error.code).toBe(code);
      expect(result.status).toBe(101);
    });

    it.each([
      ['a subprotocol that was not offered', 'Sec-WebSocket-Protocol: other'],
      ['two subprotocols', 'Sec-WebSocket-Protocol: chat, superchat'],
      ['an empty subprotocol', 'Sec-WebSocket-Protocol: '],
    ])('fails on %s with WK_ERR_HANDSHAKE_PROTOCOL (RFC 6455 §4.1 item 6)', (_name, field) => {
      const result = rejected(handshake({ protocols: ['chat', 'superchat'] }).receive(response([...ACCEPTING, field])));
      expect(result.error.code).toBe('WK_ERR_HANDSHAKE_PROTOCOL');
    });

    it.each([
      ['the same extension twice', 'x-fake, x-fake', {}],
      ['parameters the factory refuses', 'x-fake; reject', {}],
      ['a factory that throws', 'x-fake', { acceptThrows: true }],
      ['a malformed extension header', 'x-fake; =', {}],
      ['an extension whose factory offered nothing', 'x-fake', { offers: [] }],
    ])('fails on %s with WK_ERR_HANDSHAKE_EXTENSION (RFC 6455 §9.1)', (_name, value, factoryOptions) => {
      const result = rejected(handshake({ extensions: [fakeExtensionFactory('x-fake', factoryOptions)] })
        .receive(response([...ACCEPTING, `Sec-WebSocket-Extensions: ${value}`])));
      expect(result.error.code).toBe('WK_ERR_HANDSHAKE_EXTENSION');
    });

    it('puts the reason a factory throws in the error message', () => {
      const result = rejected(handshake({ extensions: [fakeExtensionFactory('x-fake', { acceptThrows: true })] })
        .receive(response([...ACCEPTING, 'Sec-WebSocket-Extensions: x-fake'])));
      expect(result.error.message).toBe('Extension "x-fake" refused the server\'s parameters: accept failed');
    });

    it('disposes of the extensions accepted before a later one fails', () => {
      const first = fakeExtensionFactory('x-first');
      const second = fakeExtensionFactory('x-second');
      const result = handshake({ extensions: [first, second] }).receive(response([...ACCEPTING, 'Sec-WebSocket-Extensions: x-first, x-second; reject']));
      expect(rejected(result).error.code).toBe('WK_ERR_HANDSHAKE_EXTENSION');
      expect(first.created[0]?.disposed).toBe(true);
    });

    it.each([
      ['a bare-LF head', latin1('HTTP/1.1 101 Switching Protocols\nUpgrade: websocket\n\n')],
      ['a 101 over HTTP/1.0', response(ACCEPTING, 'HTTP/1.0 101 Switching Protocols')],
      ['a request instead of a response', latin1('GET / HTTP/1.1\r\n\r\n')],
    ])('fails on %s with WK_ERR_HANDSHAKE_MALFORMED', (_name, bytes) => {
      expect(rejected(handshake().receive(bytes)).error.code).toBe('WK_ERR_HANDSHAKE_MALFORMED');
    });

    it('fails with WK_ERR_HANDSHAKE_HEADERS_TOO_LARGE past maxHeaderBytes, before the head ends', () => {
      const client = handshake({ maxHeaderBytes: 100 });
      expect(client.receive(latin1('HTTP/1.1 101 Switching Protocols\r\n'))).toBeNull();
      const result = rejected(client.receive(latin1(`X-Padding: ${'a'.repeat(100)}`)));
      expect(result.error.code).toBe('WK_ERR_HANDSHAKE_HEADERS_TOO_LARGE');
      expect(result.status).toBeUndefined();
    });
  });

  describe('receive() after a result', () => {
    it.each([
      ['acceptance', response(ACCEPTING)],
      ['rejection', response([], 'HTTP/1.1 403 Forbidden')],
    ])('throws WK_ERR_INVALID_ARGUMENT after %s', (_name, bytes) => {
      const client = handshake();
      expect(client.receive(bytes)).not.toBeNull();
      expectUsageError(() => client.receive(FRAME), 'WK_ERR_INVALID_ARGUMENT');
    });
  });

  describe('receive() with arbitrary bytes', () => {
    it('never throws, whatever the server sends and however it is cut', () => {
      const golden = text(response([...ACCEPTING, 'Sec-WebSocket-Protocol: chat', 'Sec-WebSocket-Extensions: x-fake; a=1']));
      const mutated = fc.tuple(fc.nat(golden.length), fc.nat(golden.length), fc.string({ maxLength: 8 }))
        .map(([at, cut, insert]) => latin1(golden.slice(0, at) + insert.replace(/[^\x00-\xff]/g, '') + golden.slice(Math.max(at, cut))));
      const bytes = fc.oneof(fc.uint8Array({ maxLength: 300 }), mutated);
      fc.assert(fc.property(bytes, fc.integer({ min: 1, max: 50 }), (input, step) => {
        const client = handshake({ protocols: ['chat'], extensions: [fakeExtensionFactory()], maxHeaderBytes: 256 });
        for (let i = 0; i < input.length; i += step) {
          if (client.receive(input.subarray(i, i + step)) !== null) break;
        }
      }), { numRuns: 2000 });
    });
  });
});
