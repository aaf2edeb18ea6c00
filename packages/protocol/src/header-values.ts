import { binaryStringToBytes } from './accept-key.js';
import { WireKitUsageError } from './errors.js';
import type { ExtensionOffer, ExtensionParams } from './extension.js';

/**
 * Parsing and formatting of the header values the opening handshake reads or writes, and the
 * validation that keeps caller-supplied headers from injecting CR, LF or NUL into a head.
 */

/** The result of parsing a header value received from the peer: never thrown. */
export type HeaderParseResult<T> =
  | { readonly kind: 'ok'; readonly value: T }
  | { readonly kind: 'invalid'; readonly reason: string };

/** RFC 7230 §3.2.6: token = 1*tchar. */
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
/** RFC 7230 §3.2: field-value = *( field-vchar / SP / HTAB ), field-vchar = VCHAR / obs-text. */
const FIELD_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;

/**
 * Whether `text` is an HTTP token (RFC 7230 §3.2.6): header names, methods, subprotocols
 * (RFC 6455 §4.1 item 10) and extension names and parameters (RFC 6455 §9.1) all are.
 *
 * @param text the candidate; the empty string is not a token.
 */
export function isToken(text: string): boolean {
  return TOKEN.test(text);
}

/**
 * Whether `text` may be sent as a header value: HTAB, SP, visible ASCII and obs-text
 * (RFC 7230 §3.2). CR, LF, NUL and other controls are refused because they would let a value
 * end the header line and inject fields or a body (response splitting).
 *
 * @param text the candidate value; chars above U+00FF are refused because a head is Latin-1.
 */
export function isFieldValue(text: string): boolean {
  return FIELD_VALUE.test(text);
}

/**
 * The non-empty elements of a comma-separated list, trimmed of optional whitespace.
 * RFC 7230 §7: recipients must accept and ignore empty list elements (`a, , b`).
 *
 * @param value a header value, such as Connection or Upgrade.
 */
export function parseCommaList(value: string): string[] {
  const out: string[] = [];
  for (const element of value.split(',')) {
    const trimmed = element.replace(/^[ \t]+|[ \t]+$/g, '');
    if (trimmed !== '') out.push(trimmed);
  }
  return out;
}

/**
 * A `#token` list (RFC 7230 §7), as in Connection and Sec-WebSocket-Protocol (RFC 6455 §4.3).
 *
 * @param value the header value.
 * @returns the tokens in order, or `invalid` when an element is not a token.
 */
export function parseTokenList(value: string): HeaderParseResult<string[]> {
  const tokens = parseCommaList(value);
  for (const token of tokens) {
    if (!isToken(token)) return { kind: 'invalid', reason: `"${token}" is not a token` };
  }
  return { kind: 'ok', value: tokens };
}

/** Whether a comma-separated list contains `token`, compared ASCII case-insensitively. */
export function listContainsToken(value: string, token: string): boolean {
  const wanted = token.toLowerCase();
  // The usual case, a single element (`Connection: Upgrade`), without splitting: once per handshake on each side.
  if (value.length === wanted.length) return value.toLowerCase() === wanted;
  return parseCommaList(value).some((element) => element.toLowerCase() === wanted);
}

/**
 * Parses Sec-WebSocket-Extensions (RFC 6455 §9.1):
 * `extension = token *( OWS ";" OWS token [ OWS "=" OWS ( token / quoted-string ) ] )`,
 * comma-separated, with optional whitespace around every separator (RFC 2616 implied LWS,
 * which RFC 6455 §2.1 adopts). A quoted value must unescape to a token (§9.1), and a parameter
 * may appear only once per element because {@link ExtensionParams} cannot hold two values.
 *
 * @param value the header value; an empty value is an empty list.
 * @returns the offers in the order received, or `invalid` with the reason.
 */
export function parseExtensionHeader(value: string): HeaderParseResult<ExtensionOffer[]> {
  const offers: ExtensionOffer[] = [];
  // No offer (the header absent): the parser's closures are not worth building for it.
  if (value === '') return { kind: 'ok', value: offers };
  let i = 0;
  const skipSpace = (): void => {
    while (value[i] === ' ' || value[i] === '\t') i++;
  };
  const readToken = (): string => {
    const start = i;
    while (i < value.length && isToken(value[i]!)) i++;
    return value.slice(start, i);
  };
  const invalid = (reason: string): HeaderParseResult<ExtensionOffer[]> => ({
    kind: 'invalid',
    reason: `${reason} at offset ${i} of Sec-WebSocket-Extensions`,
  });

  for (;;) {
    skipSpace();
    if (i === value.length) return { kind: 'ok', value: offers };
    if (value[i] === ',') {
      i++;
      continue;
    }
    const name = readToken();
    if (name === '') return invalid('expected an extension name');
    // Collected as entries: Object.fromEntries defines own properties, so a peer's `__proto__`
    // parameter stays a parameter instead of reaching the prototype setter.
    const params: Array<[string, string | true]> = [];
    skipSpace();
    while (value[i] === ';') {
      i++;
      skipSpace();
      const param = readToken();
      if (param === '') return invalid('expected a parameter name');
      if (params.some(([existing]) => existing === param)) return invalid(`duplicate parameter "${param}"`);
      skipSpace();
      let paramValue: string | true = true;
      if (value[i] === '=') {
        i++;
        skipSpace();
        if (value[i] === '"') {
          const quoted = readQuoted(value, i);
          if (quoted === null) return invalid('unterminated quoted-string');
          i = quoted.end;
          if (!isToken(quoted.text)) return invalid('a quoted value must unescape to a token');
          paramValue = quoted.text;
        } else {
          paramValue = readToken();
          if (paramValue === '') return invalid('expected a parameter value');
        }
        skipSpace();
      }
      params.push([param, paramValue]);
    }
    offers.push({ name, params: Object.fromEntries(params) });
    if (i < value.length && value[i] !== ',') return invalid(`unexpected "${value[i]!}"`);
  }
}

/** RFC 7230 §3.2.6 quoted-string starting at `start` (the opening quote); null if unterminated. */
function readQuoted(value: string, start: number): { text: string; end: number } | null {
  let text = '';
  for (let i = start + 1; i < value.length; i++) {
    const char = value[i]!;
    if (char === '"') return { text, end: i + 1 };
    if (char === '\\') {
      i++;
      if (i === value.length) return null;
      text += value[i]!;
    } else {
      text += char;
    }
  }
  return null;
}

/**
 * Formats offers or responses as a Sec-WebSocket-Extensions value (RFC 6455 §9.1):
 * `name; flag; key=value, other`. Values are written as bare tokens, the only form §9.1 allows
 * after unquoting.
 *
 * @param offers the elements, in order.
 * @throws {WireKitUsageError} WK_ERR_INVALID_HEADER when a name or value is not a token.
 */
export function formatExtensionHeader(offers: readonly ExtensionOffer[]): string {
  return offers.map((offer) => {
    if (!isToken(offer.name)) {
      throw new WireKitUsageError('WK_ERR_INVALID_HEADER', `Extension name "${offer.name}" is not a token (RFC 6455 §9.1)`);
    }
    return [offer.name, ...Object.entries(offer.params).map(([key, value]) => formatParam(offer.name, key, value))].join('; ');
  }).join(', ');
}

function formatParam(extension: string, key: string, value: string | true): string {
  if (!isToken(key) || (value !== true && !isToken(value))) {
    throw new WireKitUsageError('WK_ERR_INVALID_HEADER', `Parameter "${key}" of extension "${extension}" must be a token with a token value (RFC 6455 §9.1)`);
  }
  return value === true ? key : `${key}=${value}`;
}

/** Header fields a caller may supply: a record, or name/value pairs (to repeat a name). */
export type HeaderInput = Readonly<Record<string, string>> | Iterable<readonly [string, string]>;

/**
 * Validates caller-supplied header fields, in order.
 *
 * @param input the caller's headers, or undefined for none.
 * @param reserved lower-cased names the handshake writes itself and the caller may not set.
 * @throws {WireKitUsageError} WK_ERR_INVALID_HEADER for a name that is not a token, a value
 *   with CR, LF, NUL or another control char, or a reserved name.
 */
export function validateHeaderFields(
  input: HeaderInput | undefined,
  reserved: ReadonlySet<string>,
): Array<readonly [string, string]> {
  if (input === undefined) return [];
  if (typeof input !== 'object' || input === null) {
    throw new WireKitUsageError('WK_ERR_INVALID_HEADER', 'headers must be a record or an iterable of [name, value] pairs');
  }
  const entries: Iterable<readonly [string, string]> = Symbol.iterator in input
    ? (input as Iterable<readonly [string, string]>)
    : Object.entries(input as Readonly<Record<string, string>>);
  const out: Array<readonly [string, string]> = [];
  for (const entry of entries as Iterable<unknown>) {
    if (!Array.isArray(entry) || entry.length !== 2) {
      throw new WireKitUsageError('WK_ERR_INVALID_HEADER', 'Each header entry must be a [name, value] pair');
    }
    const [name, value] = entry as readonly unknown[];
    if (typeof name !== 'string' || !isToken(name)) {
      throw new WireKitUsageError('WK_ERR_INVALID_HEADER', `Header name ${JSON.stringify(name)} is not a token (RFC 7230 §3.2)`);
    }
    if (typeof value !== 'string' || !isFieldValue(value)) {
      throw new WireKitUsageError('WK_ERR_INVALID_HEADER', `Value of header "${name}" must be a string without CR, LF, NUL or other control characters (RFC 7230 §3.2)`);
    }
    if (reserved.has(name.toLowerCase())) {
      throw new WireKitUsageError('WK_ERR_INVALID_HEADER', `Header "${name}" is set by the handshake itself and cannot be overridden`);
    }
    out.push([name, value]);
  }
  return out;
}

/**
 * Serialises an HTTP/1.1 head: the start line, each field as `Name: value`, and the empty
 * line (RFC 7230 §3). Fields must already be validated; they are written as Latin-1.
 *
 * @param startLine the request or status line, without CRLF.
 * @param fields the header fields, in order.
 */
export function encodeHttpHead(startLine: string, fields: Iterable<readonly [string, string]>): Uint8Array {
  let text = `${startLine}\r\n`;
  for (const [name, value] of fields) text += `${name}: ${value}\r\n`;
  return binaryStringToBytes(`${text}\r\n`);
}
