import { isValidWebSocketKey } from './accept-key.js';
import type { ProtocolErrorCode } from './error-codes.js';
import { ProtocolError } from './errors.js';
import type { ExtensionOffer } from './extension.js';
import { listContainsToken, parseExtensionHeader, parseTokenList } from './header-values.js';
import type { HttpHeaders } from './http-head-reader.js';
import { rejectUpgrade } from './reject-upgrade.js';

/** A valid WebSocket upgrade request (RFC 6455 §4.2.1), ready for {@link acceptUpgrade}. */
export interface UpgradeRequest {
  readonly method: 'GET';
  /** The request-target, e.g. `/chat?room=1`, for routing. */
  readonly target: string;
  /** `major.minor`: `1.1`. */
  readonly httpVersion: string;
  readonly headers: HttpHeaders;
  /** Sec-WebSocket-Key, checked to be 16 base64-encoded bytes. */
  readonly key: string;
  readonly version: 13;
  /** The Host header value, e.g. `example.com:8080`. */
  readonly host: string;
  /** The Origin header, for the server's origin policy (RFC 6455 §10.2); undefined when absent. */
  readonly origin: string | undefined;
  /** Subprotocols the client offered, by its preference. */
  readonly protocols: string[];
  /** Sec-WebSocket-Extensions offers, in the client's order. */
  readonly extensionOffers: ExtensionOffer[];
}

/** Headers as `node:http` exposes them: lower-cased names, arrays for some repeated fields. */
export type NodeStyleHeaders = Readonly<Record<string, string | readonly string[] | undefined>>;

/**
 * A request head to validate: one parsed by {@link HttpHeadReader}, or a `node:http`
 * `IncomingMessage`, which fits this shape as it is.
 */
export interface UpgradeRequestInput {
  readonly method?: string | undefined;
  /** The request-target (`IncomingMessage.url`). */
  readonly url?: string | undefined;
  /** `major.minor`, e.g. `1.1` (`IncomingMessage.httpVersion`). */
  readonly httpVersion: string;
  readonly headers: HttpHeaders | NodeStyleHeaders;
}

/**
 * The outcome of {@link validateUpgradeRequest}. `response` is a complete HTTP error response
 * (with `Connection: close`) to write before closing the connection.
 */
export type UpgradeValidation =
  | { readonly kind: 'upgrade'; readonly request: UpgradeRequest }
  | { readonly kind: 'invalid'; readonly error: ProtocolError; readonly status: number; readonly response: Uint8Array };

/** RFC 7230 §5.4 / RFC 3986 §3.2.2: Host = uri-host [ ":" port ]; IP-literal or reg-name. */
const HOST = /^(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9\-._~!$&'()*+;=%]+)(?::[0-9]*)?$/;

/**
 * Checks an HTTP request against the server requirements of RFC 6455 §4.2.1. Every failure is
 * returned, with the status and response RFC 6455 §4.2.1/§4.4 and HTTP call for:
 *
 * - HTTP/1.0 → 400, another major version → 505 (WK_ERR_HANDSHAKE_METHOD). 505 means the *major*
 *   version is unsupported (RFC 9110 §15.6.6), so a 1.0 request gets a plain 400;
 * - a method other than GET → 405 with `Allow: GET` (WK_ERR_HANDSHAKE_METHOD);
 * - a missing or invalid Host, a request-target with controls, a body (Content-Length other
 *   than 0 or any Transfer-Encoding, whose bytes would be read as frames), or an unparsable
 *   Sec-WebSocket-Protocol/-Extensions → 400 (WK_ERR_HANDSHAKE_MALFORMED);
 * - Upgrade without `websocket` or Connection without `upgrade` → 400 (WK_ERR_HANDSHAKE_UPGRADE);
 * - Sec-WebSocket-Version missing or not 13 → 426 with `Sec-WebSocket-Version: 13`
 *   (WK_ERR_HANDSHAKE_VERSION). It is checked before the key, so that pre-RFC clients, which
 *   send neither, learn which version to speak;
 * - Sec-WebSocket-Key missing or not 16 base64 bytes → 400 (WK_ERR_HANDSHAKE_KEY).
 *
 * @param input a parsed request head (see {@link UpgradeRequestInput}).
 * @see https://www.rfc-editor.org/rfc/rfc6455#section-4.2.1
 */
export function validateUpgradeRequest(input: UpgradeRequestInput): UpgradeValidation {
  const headers = normalizeHeaders(input.headers);
  const version = /^(?:HTTP\/)?(\d+)\.(\d+)$/.exec(input.httpVersion);
  if (version === null) return invalidUpgrade('WK_ERR_HANDSHAKE_MALFORMED', 400, `Invalid HTTP version "${input.httpVersion}"`);
  if (version[1] !== '1') return invalidUpgrade('WK_ERR_HANDSHAKE_METHOD', 505, `HTTP/${input.httpVersion} is not supported; use HTTP/1.1`);
  // RFC 6455 §4.2.1 item 1: an HTTP/1.1 or higher GET request.
  if (version[2] === '0') return invalidUpgrade('WK_ERR_HANDSHAKE_METHOD', 400, 'A WebSocket upgrade needs HTTP/1.1 (RFC 6455 §4.2.1)');
  if (input.method !== 'GET') {
    return invalidUpgrade('WK_ERR_HANDSHAKE_METHOD', 405, 'A WebSocket upgrade must be a GET request (RFC 6455 §4.2.1)', [['Allow', 'GET']]);
  }
  const target = input.url;
  if (target === undefined || !/^[\x21-\x7e]+$/.test(target)) return invalidUpgrade('WK_ERR_HANDSHAKE_MALFORMED', 400, 'Missing or invalid request-target');
  // RFC 6455 §4.2.1 item 2 and RFC 7230 §5.4: exactly one valid Host (duplicates were joined with ", ").
  const host = headers.get('host');
  if (host === undefined || !HOST.test(host)) return invalidUpgrade('WK_ERR_HANDSHAKE_MALFORMED', 400, 'Missing or invalid Host header (RFC 7230 §5.4)');
  // RFC 6455 §4.2.1 items 3 and 4.
  if (!listContainsToken(headers.get('upgrade') ?? '', 'websocket')) {
    return invalidUpgrade('WK_ERR_HANDSHAKE_UPGRADE', 400, 'Missing or invalid Upgrade header: it must contain "websocket" (RFC 6455 §4.2.1)');
  }
  if (!listContainsToken(headers.get('connection') ?? '', 'upgrade')) {
    return invalidUpgrade('WK_ERR_HANDSHAKE_UPGRADE', 400, 'Missing or invalid Connection header: it must contain "Upgrade" (RFC 6455 §4.2.1)');
  }
  // RFC 7230 §6.7: the upgrade takes effect after the request body, which a handshake must not have.
  const contentLength = headers.get('content-length');
  if (headers.has('transfer-encoding') || (contentLength !== undefined && contentLength !== '0')) {
    return invalidUpgrade('WK_ERR_HANDSHAKE_MALFORMED', 400, 'A WebSocket upgrade request must not have a body');
  }
  // RFC 6455 §4.2.1 item 6 and §4.4: answer an unknown version with 426 and the versions we speak.
  if (headers.get('sec-websocket-version') !== '13') {
    return invalidUpgrade('WK_ERR_HANDSHAKE_VERSION', 426, 'Missing or unsupported Sec-WebSocket-Version: only 13 is supported (RFC 6455 §4.4)', [
      ['Upgrade', 'websocket'],
      ['Sec-WebSocket-Version', '13'],
    ]);
  }
  // RFC 6455 §4.2.1 item 5.
  const key = headers.get('sec-websocket-key');
  if (key === undefined || !isValidWebSocketKey(key)) {
    return invalidUpgrade('WK_ERR_HANDSHAKE_KEY', 400, 'Missing or invalid Sec-WebSocket-Key: it must be 16 base64-encoded bytes (RFC 6455 §4.2.1)');
  }
  // RFC 6455 §4.1 item 10: 1#token with no duplicates (browsers refuse to send duplicates).
  const protocols = parseTokenList(headers.get('sec-websocket-protocol') ?? '');
  if (protocols.kind === 'invalid') return invalidUpgrade('WK_ERR_HANDSHAKE_MALFORMED', 400, `Invalid Sec-WebSocket-Protocol: ${protocols.reason}`);
  if (new Set(protocols.value).size !== protocols.value.length) {
    return invalidUpgrade('WK_ERR_HANDSHAKE_MALFORMED', 400, 'Invalid Sec-WebSocket-Protocol: a subprotocol is listed twice');
  }
  const extensions = parseExtensionHeader(headers.get('sec-websocket-extensions') ?? '');
  if (extensions.kind === 'invalid') return invalidUpgrade('WK_ERR_HANDSHAKE_MALFORMED', 400, `Invalid Sec-WebSocket-Extensions: ${extensions.reason}`);

  return {
    kind: 'upgrade',
    request: {
      method: 'GET',
      target,
      httpVersion: `${version[1]}.${version[2]!}`,
      headers,
      key,
      version: 13,
      host,
      origin: headers.get('origin'),
      protocols: protocols.value,
      extensionOffers: extensions.value,
    },
  };
}

/**
 * A failed validation with its ready-made response. The body repeats the message so that a
 * developer looking at a failed handshake in browser tools sees why.
 *
 * @param code the handshake error code.
 * @param status the HTTP status to answer with; also set as the error's `status`.
 * @param message the error message and response body.
 * @param headers extra response headers (Allow, Sec-WebSocket-Version).
 */
export function invalidUpgrade(
  code: ProtocolErrorCode,
  status: number,
  message: string,
  headers: ReadonlyArray<readonly [string, string]> = [],
): Extract<UpgradeValidation, { kind: 'invalid' }> {
  return {
    kind: 'invalid',
    error: new ProtocolError(code, message, { status }),
    status,
    response: rejectUpgrade(status, { headers, body: message }),
  };
}

/** Lower-cased names; arrays (node:http's repeated fields) joined with ", " as RFC 7230 §3.2.2 allows. */
function normalizeHeaders(input: HttpHeaders | NodeStyleHeaders): HttpHeaders {
  if (typeof (input as HttpHeaders).get === 'function') return input as HttpHeaders;
  const out = new Map<string, string>();
  for (const [rawName, rawValue] of Object.entries(input as NodeStyleHeaders)) {
    if (rawValue === undefined) continue;
    const name = rawName.toLowerCase();
    const value = typeof rawValue === 'string' ? rawValue : rawValue.join(', ');
    const previous = out.get(name);
    out.set(name, previous === undefined ? value : `${previous}, ${value}`);
  }
  return out;
}
