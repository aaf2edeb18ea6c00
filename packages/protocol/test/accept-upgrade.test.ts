import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { WEBSOCKET_GUID } from '../src/accept-key.js';
import { acceptUpgrade } from '../src/accept-upgrade.js';
import type { ExtensionFactory } from '../src/extension.js';
import { validateUpgradeRequest, type UpgradeRequest } from '../src/upgrade-request.js';
import { fakeExtensionFactory } from './support/fake-extension.js';
import { text } from './support/split.js';
import { expectUsageError } from './support/usage-error.js';

function request(extensions?: string): UpgradeRequest {
  const result = validateUpgradeRequest({
    method: 'GET',
    url: '/chat',
    httpVersion: '1.1',
    headers: {
      host: 'server.example.com',
      upgrade: 'websocket',
      connection: 'Upgrade',
      'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==',
      'sec-websocket-protocol': 'chat, superchat',
      'sec-websocket-version': '13',
      'sec-websocket-extensions': extensions,
    },
  });
  if (result.kind !== 'upgrade') throw new Error(result.error.message);
  return result.request;
}

describe('acceptUpgrade()', () => {
  it('writes the golden 101 response of RFC 6455 §1.3', () => {
    const accepted = acceptUpgrade(request(), { protocol: 'chat' });
    expect(text(accepted.response)).toBe(
      'HTTP/1.1 101 Switching Protocols\r\n' +
        'Upgrade: websocket\r\n' +
        'Connection: Upgrade\r\n' +
        'Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n' +
        'Sec-WebSocket-Protocol: chat\r\n' +
        '\r\n',
    );
    expect(accepted).toMatchObject({ protocol: 'chat', extensions: [], extensionsHeader: '' });
  });

  it.each([
    ['no protocol option', {}],
    ['an empty protocol', { protocol: '' }],
  ])('selects no subprotocol with %s', (_name, options) => {
    const accepted = acceptUpgrade(request(), options);
    expect(accepted.protocol).toBe('');
    expect(text(accepted.response)).not.toContain('Sec-WebSocket-Protocol');
  });

  it('computes the same accept key with an injected node:crypto sha1', () => {
    const accepted = acceptUpgrade(request(), { sha1: (data) => createHash('sha1').update(data).digest() });
    expect(text(accepted.response)).toContain('Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n');
  });

  it('takes the accept value from an injected acceptKey (one native call), before sha1', () => {
    const keys: string[] = [];
    const accepted = acceptUpgrade(request(), {
      acceptKey: (key) => {
        keys.push(key);
        return createHash('sha1').update(key + WEBSOCKET_GUID, 'latin1').digest('base64');
      },
      sha1: () => {
        throw new Error('sha1 must not be called when acceptKey is given');
      },
    });
    expect(keys).toEqual(['dGhlIHNhbXBsZSBub25jZQ==']);
    expect(text(accepted.response)).toContain('Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n');
  });

  it('appends custom headers after the WebSocket fields', () => {
    const accepted = acceptUpgrade(request(), { headers: [['Set-Cookie', 'a=1'], ['Set-Cookie', 'b=2']] });
    expect(text(accepted.response)).toMatch(/Sec-WebSocket-Accept: [^\r]+\r\nSet-Cookie: a=1\r\nSet-Cookie: b=2\r\n\r\n$/);
  });

  describe('extension negotiation (RFC 6455 §9.1)', () => {
    it('hands each factory the client\'s offers of its name and answers in the server\'s order', () => {
      const seen: unknown[] = [];
      const spy = (factory: ExtensionFactory): ExtensionFactory => ({
        ...factory,
        negotiate: (offers) => {
          seen.push([factory.name, offers]);
          return factory.negotiate(offers);
        },
      });
      const first = fakeExtensionFactory('x-first');
      const second = fakeExtensionFactory('x-second');
      const accepted = acceptUpgrade(request('x-first; decline, x-second; a=1, x-first; b'), { extensions: [spy(second), spy(first)] });
      expect(seen).toEqual([['x-second', [{ a: '1' }]], ['x-first', [{ decline: true }, { b: true }]]]);
      expect(accepted.extensionsHeader).toBe('x-second; a=1; agreed, x-first; b; agreed');
      expect(accepted.extensions).toEqual([second.created[0], first.created[0]]);
      expect(text(accepted.response)).toContain('\r\nSec-WebSocket-Extensions: x-second; a=1; agreed, x-first; b; agreed\r\n');
    });

    it('leaves out an extension the factory declines, and one the client did not offer', () => {
      const declined = fakeExtensionFactory('x-declined');
      const absent = fakeExtensionFactory('x-absent');
      const accepted = acceptUpgrade(request('x-declined; decline'), { extensions: [declined, absent] });
      expect(accepted.extensions).toEqual([]);
      expect(text(accepted.response)).not.toContain('Extensions');
    });

    it('disposes of negotiated extensions and rethrows when a later factory throws', () => {
      const first = fakeExtensionFactory('x-first');
      const broken: ExtensionFactory = { ...fakeExtensionFactory('x-broken'), negotiate: () => { throw new Error('boom'); } };
      expect(() => acceptUpgrade(request('x-first, x-broken'), { extensions: [first, broken] })).toThrow('boom');
      expect(first.created[0]?.disposed).toBe(true);
    });

    it('throws WK_ERR_INVALID_HEADER and disposes of the extension when negotiated params are not tokens', () => {
      const factory = fakeExtensionFactory('x-bad');
      const bad: ExtensionFactory = { ...factory, negotiate: (offers) => ({ params: { p: 'a\r\nb' }, extension: factory.negotiate(offers)!.extension }) };
      expectUsageError(() => acceptUpgrade(request('x-bad'), { extensions: [bad] }), 'WK_ERR_INVALID_HEADER');
      expect(factory.created[0]?.disposed).toBe(true);
    });
  });

  describe('misuse', () => {
    it.each(['other', 'CHAT'])('throws WK_ERR_INVALID_PROTOCOL for subprotocol %j, which the client did not offer', (protocol) => {
      expectUsageError(() => acceptUpgrade(request(), { protocol }), 'WK_ERR_INVALID_PROTOCOL');
    });

    it.each([
      'Upgrade', 'Connection', 'Sec-WebSocket-Accept', 'Sec-WebSocket-Protocol', 'Sec-WebSocket-Extensions',
      'Sec-WebSocket-Key', 'Sec-WebSocket-Version', 'Content-Length', 'Transfer-Encoding',
    ])('throws WK_ERR_INVALID_HEADER when a custom header overrides %s', (name) => {
      expectUsageError(() => acceptUpgrade(request(), { headers: { [name]: 'x' } }), 'WK_ERR_INVALID_HEADER');
    });

    it('throws WK_ERR_INVALID_HEADER for a custom value with CRLF', () => {
      expectUsageError(() => acceptUpgrade(request(), { headers: { 'X-A': 'a\r\n\r\n<html>' } }), 'WK_ERR_INVALID_HEADER');
    });

    it.each([
      ['a forged request with an invalid key', () => acceptUpgrade({ ...request(), key: 'nope' })],
      ['a sha1 returning 10 bytes', () => acceptUpgrade(request(), { sha1: () => new Uint8Array(10) })],
      ['an acceptKey returning hex', () => acceptUpgrade(request(), { acceptKey: () => 'b37a4f2cc0624f1690f64606cf385945b2bec4ea' })],
      ['an acceptKey returning a value with CRLF', () => acceptUpgrade(request(), { acceptKey: () => 's3pPLMBiTxaQ9kYGzzhZRbK+xO\r\n' })],
      ['two factories of one name', () => acceptUpgrade(request('x'), { extensions: [fakeExtensionFactory('x'), fakeExtensionFactory('x')] })],
      ['a factory whose name is not a token', () => acceptUpgrade(request(), { extensions: [fakeExtensionFactory('x y')] })],
    ])('throws WK_ERR_INVALID_ARGUMENT for %s', (_name, call) => {
      expectUsageError(call, 'WK_ERR_INVALID_ARGUMENT');
    });
  });
});
