import { describe, expect, it } from 'vitest';
import { checkConnectUrl as checkUrl } from '@wirekit/core';
import { payloadSize, webSocketHref } from '../src/validate.js';

describe('payloadSize()', () => {
  it.each(['', 'ascii', 'é', '€', '😀', 'mixed é € 😀 text', '\ud800 lone high', 'lone low \udc00', 'end \ud83d'])('counts the UTF-8 bytes of %j as TextEncoder does', (text) => {
    expect(payloadSize(text)).toBe(new TextEncoder().encode(text).length);
  });

  it('counts the bytes of binary data', () => {
    expect(payloadSize(new Uint8Array(7))).toBe(7);
  });
});

describe('checkUrl() and webSocketHref()', () => {
  it.each([
    ['ws://h/p', 'ws://h/p'],
    ['wss://h/p?q=1', 'wss://h/p?q=1'],
    ['http://h/p', 'ws://h/p'],
    ['https://h:8443/p', 'wss://h:8443/p'],
  ])('accepts %s and connects to %s', (url, href) => {
    expect(webSocketHref(checkUrl(url))).toBe(href);
  });

  it('rejects an empty fragment too (RFC 6455 §3)', () => {
    expect(() => checkUrl('ws://h/p#')).toThrow(expect.objectContaining({ code: 'WK_ERR_INVALID_URL' }));
  });
});
