import { bytesToBinaryString } from './accept-key.js';
import { ProtocolError, WireKitUsageError } from './errors.js';

/** Header fields of a parsed head: lower-cased names, repeated fields joined with ", ". */
export type HttpHeaders = ReadonlyMap<string, string>;

/** A parsed request head (RFC 7230 §3.1.1). */
export interface HttpRequestHead {
  readonly kind: 'request';
  /** Case-sensitive, as RFC 7230 §3.1.1 requires: `get` is not `GET`. */
  readonly method: string;
  /** The request-target as sent, e.g. `/chat?room=1`. */
  readonly target: string;
  /** `major.minor`, as `node:http` reports it: `1.1`. */
  readonly httpVersion: string;
  readonly headers: HttpHeaders;
  /**
   * The fields as sent: name, value, name, value…, names in their own case, values without
   * surrounding whitespace, as `node:http`'s `IncomingMessage.rawHeaders`, for a server that hands
   * the request to code written for `node:http`.
   */
  readonly rawHeaders: readonly string[];
}

/** A parsed response head (RFC 7230 §3.1.2). */
export interface HttpResponseHead {
  readonly kind: 'response';
  /** `major.minor`: `1.1`. */
  readonly httpVersion: string;
  readonly status: number;
  /** The reason phrase, possibly empty; RFC 7230 §3.1.2 says clients should ignore it. */
  readonly reason: string;
  readonly headers: HttpHeaders;
}

/** Which start line a reader expects. */
export type HttpHeadKind = 'request' | 'response';

/** The head type a reader of kind `K` produces. */
export type HttpHeadOf<K extends HttpHeadKind> = K extends 'request' ? HttpRequestHead : HttpResponseHead;

/**
 * What {@link HttpHeadReader.push} returns once the head is complete or broken. `remainder`
 * holds the bytes after the empty line that arrived in the same chunk (typically the first
 * WebSocket frames); it is a view into that chunk, not a copy.
 */
export type HttpHeadResult<K extends HttpHeadKind> =
  | { readonly kind: 'complete'; readonly head: HttpHeadOf<K>; readonly remainder: Uint8Array }
  | { readonly kind: 'error'; readonly error: ProtocolError };

/** Options of an {@link HttpHeadReader}. */
export interface HttpHeadReaderOptions {
  /**
   * Largest head accepted, in bytes, counting the start line, the fields and every CRLF,
   * including the final empty line. Defaults to {@link DEFAULT_MAX_HEADER_BYTES}.
   */
  readonly maxHeaderBytes?: number;
}

/**
 * 16 KiB: Node's default `--max-http-header-size`, so a WireKit server accepts exactly the
 * heads `node:http` would, while a peer that trickles bytes without ever ending its head
 * (slowloris) cannot make one connection buffer more than this.
 */
export const DEFAULT_MAX_HEADER_BYTES = 16 * 1024;

const CR = 0x0d;
const LF = 0x0a;

/** RFC 7230 §3.1.1: request-line = method SP request-target SP HTTP-version. */
const REQUEST_LINE = /^([!#$%&'*+\-.^_`|~0-9A-Za-z]+) ([\x21-\x7e]+) HTTP\/(\d)\.(\d)$/;
/**
 * RFC 7230 §3.1.2: status-line = HTTP-version SP status-code SP reason-phrase. A missing
 * `SP reason-phrase` is also accepted (RFC 9112 §4 allows an empty phrase; servers that omit the
 * SP as well are common, and the status line stays unambiguous).
 */
const STATUS_LINE = /^HTTP\/(\d)\.(\d) (\d{3})(?: ([\t\x20-\x7e\x80-\xff]*))?$/;
/** RFC 7230 §3.2: header-field = field-name ":" OWS field-value OWS; no space before the colon (§3.2.4). */
const HEADER_FIELD = /^([!#$%&'*+\-.^_`|~0-9A-Za-z]+):[\t ]*(.*?)[\t ]*$/s;
const FIELD_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;

/**
 * Incremental reader of one HTTP/1.1 head: feed chunks as they arrive, get the parsed head and
 * the bytes that follow it.
 *
 * Lines must end with CRLF. RFC 7230 §3.5 lets a recipient also accept a bare LF, but does not
 * require it; WireKit refuses it (and a CR not followed by LF) because every browser and server
 * sends CRLF, Node's llhttp refuses bare LF too, and a reader that disagrees with the proxies in
 * front of it about where a line ends is how request smuggling starts. For the same reason
 * obs-fold continuation lines (§3.2.4) and whitespace before a field's colon are refused, and
 * no empty line is skipped before the start line.
 *
 * Errors are returned, never thrown: WK_ERR_HANDSHAKE_MALFORMED for a broken head and
 * WK_ERR_HANDSHAKE_HEADERS_TOO_LARGE as soon as more than `maxHeaderBytes` have arrived
 * without the head ending.
 */
export class HttpHeadReader<K extends HttpHeadKind> {
  private readonly kind: K;
  private readonly maxHeaderBytes: number;
  /** Head bytes of earlier chunks (copied: callers may reuse their buffers). */
  private readonly parts: Uint8Array[] = [];
  /** Head bytes seen so far. */
  private length = 0;
  /** Bytes in the current line, excluding its line ending. */
  private lineLength = 0;
  /** Lines completed so far; the empty line after the first one ends the head. */
  private lines = 0;
  private sawCR = false;
  private done = false;

  /**
   * @param kind `request` for a server reading an upgrade request, `response` for a client.
   * @param options see {@link HttpHeadReaderOptions}.
   * @throws {WireKitUsageError} WK_ERR_INVALID_ARGUMENT when `maxHeaderBytes` is not a positive integer.
   */
  constructor(kind: K, options: HttpHeadReaderOptions = {}) {
    this.kind = kind;
    this.maxHeaderBytes = validateMaxHeaderBytes(options.maxHeaderBytes);
  }

  /**
   * Consumes the next chunk.
   *
   * @returns null while the head is incomplete, then a result; a reader returns one result only.
   * @throws {WireKitUsageError} WK_ERR_INVALID_ARGUMENT when called again after a result.
   */
  push(chunk: Uint8Array): HttpHeadResult<K> | null {
    if (this.done) throw new WireKitUsageError('WK_ERR_INVALID_ARGUMENT', 'The HTTP head has already been read');
    for (let i = 0; i < chunk.length; i++) {
      const byte = chunk[i]!;
      this.length++;
      if (this.sawCR) {
        this.sawCR = false;
        if (byte !== LF) return this.fail('WK_ERR_HANDSHAKE_MALFORMED', 'CR not followed by LF in the HTTP head (RFC 7230 §3)');
        if (this.lineLength === 0) {
          if (this.lines === 0) return this.fail('WK_ERR_HANDSHAKE_MALFORMED', 'The HTTP head starts with an empty line');
          if (this.length > this.maxHeaderBytes) return this.tooLarge();
          this.parts.push(chunk.subarray(0, i + 1));
          return this.complete(chunk.subarray(i + 1));
        }
        this.lines++;
        this.lineLength = 0;
      } else if (byte === CR) {
        this.sawCR = true;
      } else if (byte === LF) {
        return this.fail('WK_ERR_HANDSHAKE_MALFORMED', 'Bare LF in the HTTP head: lines must end with CRLF (RFC 7230 §3)');
      } else {
        this.lineLength++;
      }
      if (this.length > this.maxHeaderBytes) return this.tooLarge();
    }
    this.parts.push(chunk.slice());
    return null;
  }

  private tooLarge(): HttpHeadResult<K> {
    return this.fail('WK_ERR_HANDSHAKE_HEADERS_TOO_LARGE', `The HTTP head exceeds maxHeaderBytes (${this.maxHeaderBytes})`);
  }

  private fail(code: 'WK_ERR_HANDSHAKE_MALFORMED' | 'WK_ERR_HANDSHAKE_HEADERS_TOO_LARGE', message: string): HttpHeadResult<K> {
    this.done = true;
    this.parts.length = 0;
    return { kind: 'error', error: new ProtocolError(code, message) };
  }

  private complete(remainder: Uint8Array): HttpHeadResult<K> {
    this.done = true;
    let text = '';
    for (const part of this.parts) text += bytesToBinaryString(part);
    this.parts.length = 0;
    const head = parseHead(this.kind, text);
    if (typeof head === 'string') return { kind: 'error', error: new ProtocolError('WK_ERR_HANDSHAKE_MALFORMED', head) };
    return { kind: 'complete', head: head as HttpHeadOf<K>, remainder };
  }
}

/**
 * Validates a `maxHeaderBytes` option, applying the default.
 *
 * @throws {WireKitUsageError} WK_ERR_INVALID_ARGUMENT when it is not a positive safe integer.
 */
export function validateMaxHeaderBytes(value: number | undefined): number {
  if (value === undefined) return DEFAULT_MAX_HEADER_BYTES;
  if (!Number.isSafeInteger(value) || value <= 0) {
    throw new WireKitUsageError('WK_ERR_INVALID_ARGUMENT', `maxHeaderBytes must be a positive integer, got ${String(value)}`);
  }
  return value;
}

/** Parses a complete head (Latin-1 text ending with CRLF CRLF); a string is the failure reason. */
function parseHead(kind: HttpHeadKind, text: string): HttpRequestHead | HttpResponseHead | string {
  const lines = text.slice(0, -4).split('\r\n');
  const startLine = lines[0]!;
  const headers = new Map<string, string>();
  const rawHeaders: string[] = [];
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.startsWith(' ') || line.startsWith('\t')) {
      return 'Obsolete line folding in the HTTP head (RFC 7230 §3.2.4)';
    }
    const match = HEADER_FIELD.exec(line);
    if (match === null) return `Invalid HTTP header field: ${JSON.stringify(line.slice(0, 64))}`;
    const value = match[2]!;
    if (!FIELD_VALUE.test(value)) return `Control character in the value of header "${match[1]!}" (RFC 7230 §3.2)`;
    rawHeaders.push(match[1]!, value);
    const name = match[1]!.toLowerCase();
    const previous = headers.get(name);
    // RFC 7230 §3.2.2: repeated fields combine into one comma-separated list, in order.
    headers.set(name, previous === undefined ? value : `${previous}, ${value}`);
  }

  if (kind === 'request') {
    const match = REQUEST_LINE.exec(startLine);
    if (match === null) return `Invalid HTTP request line: ${JSON.stringify(startLine.slice(0, 64))}`;
    return { kind, method: match[1]!, target: match[2]!, httpVersion: `${match[3]!}.${match[4]!}`, headers, rawHeaders };
  }
  const match = STATUS_LINE.exec(startLine);
  if (match === null) return `Invalid HTTP status line: ${JSON.stringify(startLine.slice(0, 64))}`;
  return {
    kind,
    httpVersion: `${match[1]!}.${match[2]!}`,
    status: Number(match[3]),
    reason: match[4] ?? '',
    headers,
  };
}
