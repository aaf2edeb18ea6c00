import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  encodeHttpHead,
  formatExtensionHeader,
  isFieldValue,
  isToken,
  listContainsToken,
  parseCommaList,
  parseExtensionHeader,
  parseTokenList,
  validateHeaderFields,
} from '../src/header-values.js';
import { text } from './support/split.js';
import { expectUsageError } from './support/usage-error.js';

const NONE: ReadonlySet<string> = new Set();

describe('isToken()', () => {
  it.each(['websocket', 'chat.v2', "!#$%&'*+-.^_`|~", 'A1'])('accepts %j', (value) => {
    expect(isToken(value)).toBe(true);
  });

  it.each(['', 'a b', 'a,b', 'a;b', 'a=b', '"a"', 'a/b', 'a\tb', 'é', 'a\r\n'])('refuses %j', (value) => {
    expect(isToken(value)).toBe(false);
  });
});

describe('isFieldValue()', () => {
  it.each(['', 'text/plain; q=0.5', 'a\tb', 'caf\u00e9', '~'])('accepts %j', (value) => {
    expect(isFieldValue(value)).toBe(true);
  });

  it.each(['a\rb', 'a\nb', 'a\0b', 'a\x7fb', 'a\x01b', '\u20ac'])('refuses %j', (value) => {
    expect(isFieldValue(value)).toBe(false);
  });
});

describe('parseCommaList()', () => {
  it('trims optional whitespace and drops empty elements (RFC 7230 §7)', () => {
    expect(parseCommaList(' a ,\tb,, ,c ')).toEqual(['a', 'b', 'c']);
  });

  it('returns nothing for an empty value', () => {
    expect(parseCommaList('')).toEqual([]);
  });
});

describe('parseTokenList()', () => {
  it('returns the tokens in order', () => {
    expect(parseTokenList('chat, superchat')).toEqual({ kind: 'ok', value: ['chat', 'superchat'] });
  });

  it('reports an element that is not a token', () => {
    expect(parseTokenList('chat, super chat').kind).toBe('invalid');
  });
});

describe('listContainsToken()', () => {
  it.each([
    ['keep-alive, Upgrade', true],
    ['UPGRADE', true],
    ['upgrade-insecure', false],
    ['upgradx', false],
    [' pgrade', false],
    ['', false],
  ])('finds "upgrade" in %j: %s', (value, expected) => {
    expect(listContainsToken(value, 'upgrade')).toBe(expected);
  });
});

describe('parseExtensionHeader()', () => {
  it.each([
    ['an empty value', '', []],
    ['a bare name', 'permessage-deflate', [{ name: 'permessage-deflate', params: {} }]],
    [
      'the grammar of RFC 6455 §9.1 with flags, tokens and quoted values',
      'foo; p1; p2=value; p3="quoted", bar',
      [{ name: 'foo', params: { p1: true, p2: 'value', p3: 'quoted' } }, { name: 'bar', params: {} }],
    ],
    ['whitespace around every separator', ' foo ;\tp = 1 , bar ', [{ name: 'foo', params: { p: '1' } }, { name: 'bar', params: {} }]],
    ['backslash escapes in a quoted value', 'foo; p="a\\bc"', [{ name: 'foo', params: { p: 'abc' } }]],
    ['empty list elements', 'foo,, ,bar', [{ name: 'foo', params: {} }, { name: 'bar', params: {} }]],
    [
      'two offers of the same extension',
      'permessage-deflate; client_max_window_bits, permessage-deflate',
      [{ name: 'permessage-deflate', params: { client_max_window_bits: true } }, { name: 'permessage-deflate', params: {} }],
    ],
  ])('parses %s', (_name, value, offers) => {
    expect(parseExtensionHeader(value)).toEqual({ kind: 'ok', value: offers });
  });

  it.each([
    ['a name that is not a token', 'fo/o'],
    ['a leading semicolon', '; p'],
    ['an empty parameter name', 'foo; ; p'],
    ['a missing value after "="', 'foo; p='],
    ['an unterminated quoted value', 'foo; p="abc'],
    ['a dangling backslash', 'foo; p="abc\\'],
    ['a quoted value that is not a token after unescaping (§9.1)', 'foo; p="a b"'],
    ['an escaped quote inside a quoted value', 'foo; p="a\\"b"'],
    ['a duplicate parameter', 'foo; p=1; p=2'],
    ['two names without a comma', 'foo bar'],
    ['a stray character after a value', 'foo; p=1"'],
  ])('reports %s', (_name, value) => {
    expect(parseExtensionHeader(value).kind).toBe('invalid');
  });

  it('keeps a "__proto__" parameter as an own parameter, away from the prototype', () => {
    const result = parseExtensionHeader('foo; __proto__=x');
    if (result.kind !== 'ok') throw new Error(result.reason);
    const params = result.value[0]!.params;
    expect(Object.keys(params)).toEqual(['__proto__']);
    expect(Object.getPrototypeOf(params)).toBe(Object.prototype);
  });

  it('returns a result for any string, never throwing', () => {
    fc.assert(fc.property(fc.string({ unit: fc.constantFrom('a', 'b', ';', '=', ',', '"', '\\', ' ', '\t', '/', 'é') }), (value) => {
      expect(['ok', 'invalid']).toContain(parseExtensionHeader(value).kind);
    }), { numRuns: 2000 });
  });
});

describe('formatExtensionHeader()', () => {
  it('writes "name; flag; key=value" elements separated by ", "', () => {
    expect(formatExtensionHeader([
      { name: 'permessage-deflate', params: { client_max_window_bits: true, server_max_window_bits: '10' } },
      { name: 'x-test', params: {} },
    ])).toBe('permessage-deflate; client_max_window_bits; server_max_window_bits=10, x-test');
  });

  it('writes nothing for no offers', () => {
    expect(formatExtensionHeader([])).toBe('');
  });

  it('round-trips through parseExtensionHeader()', () => {
    const token = fc.stringMatching(/^[a-z0-9_-]{1,8}$/);
    const offer = fc.record({ name: token, params: fc.dictionary(token, fc.oneof(fc.constant(true as const), token), { maxKeys: 3 }) });
    fc.assert(fc.property(fc.array(offer, { maxLength: 4 }), (offers) => {
      expect(parseExtensionHeader(formatExtensionHeader(offers))).toEqual({ kind: 'ok', value: offers });
    }));
  });

  it.each([
    ['a name that is not a token', { name: 'a b', params: {} }],
    ['a parameter name that is not a token', { name: 'x', params: { 'a\r\nb': true as const } }],
    ['a value with CRLF', { name: 'x', params: { p: '1\r\nInjected: yes' } }],
    ['a value that would need quoting', { name: 'x', params: { p: 'a b' } }],
  ])('throws WK_ERR_INVALID_HEADER for %s', (_name, offer) => {
    expectUsageError(() => formatExtensionHeader([offer]), 'WK_ERR_INVALID_HEADER');
  });
});

describe('validateHeaderFields()', () => {
  it('accepts a record and keeps its order', () => {
    expect(validateHeaderFields({ 'X-A': '1', Cookie: 'a=b' }, NONE)).toEqual([['X-A', '1'], ['Cookie', 'a=b']]);
  });

  it('accepts name/value pairs, so that a name may repeat', () => {
    expect(validateHeaderFields([['X-A', '1'], ['x-a', '2']], NONE)).toEqual([['X-A', '1'], ['x-a', '2']]);
  });

  it('accepts a Map', () => {
    expect(validateHeaderFields(new Map([['X-A', '1']]), NONE)).toEqual([['X-A', '1']]);
  });

  it('returns nothing for undefined', () => {
    expect(validateHeaderFields(undefined, NONE)).toEqual([]);
  });

  it.each([
    ['a CRLF in a value (header injection)', { 'X-A': 'a\r\nX-Injected: 1' }],
    ['a bare LF in a value', { 'X-A': 'a\nb' }],
    ['a NUL in a value', { 'X-A': 'a\0b' }],
    ['a char above U+00FF in a value', { 'X-A': '\u20ac' }],
    ['a name with a space', { 'X A': '1' }],
    ['a name with a colon', { 'X-A:': '1' }],
    ['an empty name', { '': '1' }],
    ['a non-string value', { 'X-A': 1 as unknown as string }],
    ['an entry that is not a pair', [['X-A']] as unknown as Array<[string, string]>],
    ['a string instead of headers', 'X-A: 1' as unknown as Record<string, string>],
    ['a reserved name, in any case', { 'sEc-WeBsOcKeT-kEy': 'x' }],
  ])('throws WK_ERR_INVALID_HEADER for %s', (_name, headers) => {
    expectUsageError(() => validateHeaderFields(headers, new Set(['sec-websocket-key'])), 'WK_ERR_INVALID_HEADER');
  });
});

describe('encodeHttpHead()', () => {
  it('writes the start line, "Name: value" fields and the empty line, all CRLF-terminated', () => {
    expect(text(encodeHttpHead('HTTP/1.1 200 OK', [['A', '1'], ['B', 'caf\u00e9']]))).toBe('HTTP/1.1 200 OK\r\nA: 1\r\nB: caf\u00e9\r\n\r\n');
  });
});
