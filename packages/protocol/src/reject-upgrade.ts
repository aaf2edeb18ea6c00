import { WireKitUsageError } from './errors.js';
import { encodeHttpHead, validateHeaderFields, type HeaderInput } from './header-values.js';

/**
 * Reason phrases (RFC 9110 §15) of the statuses a server is likely to refuse an upgrade with.
 * Clients ignore the phrase (RFC 7230 §3.1.2); it is there for humans reading traces.
 */
export const STATUS_REASONS: Readonly<Record<number, string>> = {
  300: 'Multiple Choices',
  301: 'Moved Permanently',
  302: 'Found',
  303: 'See Other',
  307: 'Temporary Redirect',
  308: 'Permanent Redirect',
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  406: 'Not Acceptable',
  408: 'Request Timeout',
  409: 'Conflict',
  410: 'Gone',
  413: 'Content Too Large',
  421: 'Misdirected Request',
  426: 'Upgrade Required',
  429: 'Too Many Requests',
  431: 'Request Header Fields Too Large',
  451: 'Unavailable For Legal Reasons',
  500: 'Internal Server Error',
  501: 'Not Implemented',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
  505: 'HTTP Version Not Supported',
};

/** Options of {@link rejectUpgrade}. */
export interface RejectUpgradeOptions {
  /** Extra response headers (e.g. Location, WWW-Authenticate, Retry-After), validated like a client's. */
  readonly headers?: HeaderInput;
  /** Response body; a string is sent as UTF-8 with `Content-Type: text/plain; charset=utf-8` unless one is given. */
  readonly body?: string | Uint8Array;
  /** Reason phrase; defaults to the standard one ({@link STATUS_REASONS}), or '' for unlisted statuses. */
  readonly reason?: string;
}

/**
 * The response framing belongs to rejectUpgrade: a caller-supplied Content-Length or
 * Transfer-Encoding would desynchronise it, and Connection is always `close`.
 */
const RESERVED_REJECT_HEADERS: ReadonlySet<string> = new Set(['connection', 'content-length', 'transfer-encoding']);

/**
 * The bytes of an HTTP/1.1 response refusing a WebSocket upgrade, to write before closing the
 * connection (RFC 6455 §4.2.2: the server may answer with any HTTP status other than 101).
 *
 * It always carries `Connection: close`, since the connection is not kept alive after a refused
 * upgrade, and a Content-Length, so clients know where the body ends. No Date header is written:
 * the engine has no clock, and RFC 9110 §6.6.1 lets a server without one omit it. When the caller
 * adds an Upgrade header (a 426 must, RFC 9110 §15.5.22), Connection becomes `Upgrade, close`,
 * because RFC 9110 §7.8 requires the `upgrade` option alongside it.
 *
 * @param status a 3xx (redirects), 4xx or 5xx status.
 * @param options see {@link RejectUpgradeOptions}.
 * @throws {WireKitUsageError} WK_ERR_INVALID_ARGUMENT for a status outside 300–599 or a reason
 *   phrase with control characters; WK_ERR_INVALID_HEADER for an invalid or reserved header.
 * @see https://www.rfc-editor.org/rfc/rfc6455#section-4.2.2
 */
export function rejectUpgrade(status: number, options: RejectUpgradeOptions = {}): Uint8Array {
  if (!Number.isInteger(status) || status < 300 || status > 599) {
    throw new WireKitUsageError('WK_ERR_INVALID_ARGUMENT', `A refusal needs a 3xx, 4xx or 5xx status, got ${String(status)}`);
  }
  const reason = options.reason ?? STATUS_REASONS[status] ?? '';
  // RFC 7230 §3.1.2: reason-phrase = *( HTAB / SP / VCHAR / obs-text ).
  if (typeof reason !== 'string' || !/^[\t\x20-\x7e\x80-\xff]*$/.test(reason)) {
    throw new WireKitUsageError('WK_ERR_INVALID_ARGUMENT', 'reason must not contain control characters (RFC 7230 §3.1.2)');
  }
  const custom = validateHeaderFields(options.headers, RESERVED_REJECT_HEADERS);
  const body = options.body === undefined
    ? new Uint8Array(0)
    : typeof options.body === 'string' ? new TextEncoder().encode(options.body) : options.body;
  if (!(body instanceof Uint8Array)) throw new WireKitUsageError('WK_ERR_INVALID_ARGUMENT', 'body must be a string or a Uint8Array');

  const has = (name: string): boolean => custom.some(([field]) => field.toLowerCase() === name);
  const fields: Array<readonly [string, string]> = [['Connection', has('upgrade') ? 'Upgrade, close' : 'close']];
  if (typeof options.body === 'string' && body.length > 0 && !has('content-type')) {
    fields.push(['Content-Type', 'text/plain; charset=utf-8']);
  }
  fields.push(['Content-Length', String(body.length)], ...custom);
  const head = encodeHttpHead(`HTTP/1.1 ${status} ${reason}`, fields);
  const out = new Uint8Array(head.length + body.length);
  out.set(head);
  out.set(body, head.length);
  return out;
}

