import { bytesToBase64, computeAcceptKey, resolveSha1 } from './accept-key.js';
import type { ProtocolErrorCode } from './error-codes.js';
import { ProtocolError, WireKitUsageError } from './errors.js';
import type { Extension, ExtensionFactory, ExtensionOffer, ExtensionParams } from './extension.js';
import {
  encodeHttpHead,
  formatExtensionHeader,
  isToken,
  listContainsToken,
  parseCommaList,
  parseExtensionHeader,
  validateHeaderFields,
  type HeaderInput,
} from './header-values.js';
import { HttpHeadReader, type HttpHeaders, type HttpResponseHead } from './http-head-reader.js';
import { parseWebSocketUrl } from './web-socket-url.js';


/** Options of a {@link ClientHandshake}. */
export interface ClientHandshakeOptions {
  /**
   * The server to connect to: `ws:`, `wss:`, `http:` or `https:` (RFC 6455 §3), without a
   * fragment. Any object with an `href`, such as a WHATWG `URL`, is accepted too.
   */
  readonly url: string | { readonly href: string };
  /** Source of the 16 random bytes of Sec-WebSocket-Key (RFC 6455 §4.1 item 7 wants a fresh nonce). */
  readonly random: (size: number) => Uint8Array;
  /** SHA-1 for Sec-WebSocket-Accept; defaults to the package's pure implementation, so no crypto is needed. */
  readonly sha1?: (data: Uint8Array) => Uint8Array;
  /** Subprotocols to offer, by preference; each a token, none twice (RFC 6455 §4.1 item 10). */
  readonly protocols?: readonly string[];
  /** Extensions to offer, in the order they would be applied (RFC 6455 §9.1). */
  readonly extensions?: readonly ExtensionFactory[];
  /** Extra request headers; Host may be overridden, the WebSocket fields may not. */
  readonly headers?: HeaderInput;
  /** Origin header value (RFC 6455 §4.1 item 8, §10.2); browsers always send one, other clients may. */
  readonly origin?: string;
  /** Largest response head accepted; defaults to 16 KiB (see DEFAULT_MAX_HEADER_BYTES). */
  readonly maxHeaderBytes?: number;
}

/** The outcome of the handshake, returned once by {@link ClientHandshake.receive}. */
export type ClientHandshakeResult =
  | {
      readonly kind: 'accepted';
      /** The subprotocol the server selected, or '' when it selected none. */
      readonly protocol: string;
      /** The accepted extensions, in the order the server listed them (the order they apply, §9.1). */
      readonly extensions: Extension[];
      /** Sec-WebSocket-Extensions as the server sent it, or ''. */
      readonly extensionsHeader: string;
      readonly headers: HttpHeaders;
      /** Bytes after the response head in the same chunk: the first frames, if any. */
      readonly remainder: Uint8Array;
    }
  | {
      readonly kind: 'rejected';
      readonly error: ProtocolError;
      /** The HTTP status, when a status line was parsed. */
      readonly status?: number;
      readonly headers?: HttpHeaders;
    };

/**
 * Request fields the handshake writes itself (RFC 6455 §4.1). Subprotocols, extensions and the
 * origin have their own options; Content-Length and Transfer-Encoding would give the GET a body
 * that the server would read as frames.
 */
const RESERVED_REQUEST_HEADERS: ReadonlySet<string> = new Set([
  'upgrade', 'connection', 'sec-websocket-key', 'sec-websocket-version', 'sec-websocket-accept',
  'sec-websocket-protocol', 'sec-websocket-extensions', 'origin', 'content-length', 'transfer-encoding',
]);

/**
 * The client side of the opening handshake (RFC 6455 §4.1), sans-IO: write {@link request}
 * to the connection, feed what comes back to {@link receive}.
 *
 * Everything the caller supplies is validated in the constructor, so a handshake that was
 * constructed can only fail because of the server.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6455#section-4.1
 */
export class ClientHandshake {
  /** Sec-WebSocket-Key: base64 of 16 bytes from `random(16)`. */
  readonly key: string;
  /** Whether the connection must use TLS (`wss:` or `https:`). */
  readonly secure: boolean;
  /** Host name to connect to, without IPv6 brackets. */
  readonly hostname: string;
  /** Port to connect to, the scheme's default when the URL has none. */
  readonly port: number;
  /** Request target: path and query, `/` at least. */
  readonly target: string;
  private readonly expectedAccept: string;
  private readonly protocols: readonly string[];
  private readonly offered: ReadonlyMap<string, ExtensionFactory>;
  private readonly requestBytes: Uint8Array;
  private readonly reader: HttpHeadReader<'response'>;
  private finished = false;

  /**
   * @param options see {@link ClientHandshakeOptions}.
   * @throws {WireKitUsageError} WK_ERR_INVALID_URL for a URL that is unparsable, of another
   *   scheme, has a fragment or credentials; WK_ERR_INVALID_PROTOCOL for a subprotocol that is
   *   not a token or is listed twice; WK_ERR_INVALID_HEADER for an invalid or reserved header,
   *   origin or extension parameter; WK_ERR_INVALID_ARGUMENT for a bad `random`, `sha1`,
   *   `maxHeaderBytes` or extension factory.
   */
  constructor(options: ClientHandshakeOptions) {
    const url = parseWebSocketUrl(options.url);
    this.secure = url.protocol === 'wss:' || url.protocol === 'https:';
    this.hostname = url.hostname.replace(/^\[(.*)\]$/, '$1');
    this.port = url.port === '' ? (this.secure ? 443 : 80) : Number(url.port);
    this.target = `${url.pathname === '' ? '/' : url.pathname}${url.search}`;
    this.protocols = validateProtocols(options.protocols ?? []);
    const { header: extensionsHeader, offered } = buildOffers(options.extensions ?? []);
    this.offered = offered;
    this.reader = new HttpHeadReader('response', options.maxHeaderBytes === undefined ? {} : { maxHeaderBytes: options.maxHeaderBytes });

    if (typeof options.random !== 'function') throw new WireKitUsageError('WK_ERR_INVALID_ARGUMENT', 'random must be a function returning random bytes');
    const nonce = options.random(16);
    if (!(nonce instanceof Uint8Array) || nonce.length !== 16) {
      throw new WireKitUsageError('WK_ERR_INVALID_ARGUMENT', 'random(16) must return a Uint8Array of 16 bytes');
    }
    this.key = bytesToBase64(nonce);
    this.expectedAccept = computeAcceptKey(this.key, resolveSha1(options.sha1));

    const custom = validateHeaderFields(options.headers, RESERVED_REQUEST_HEADERS);
    const hostOverrides = custom.filter(([name]) => name.toLowerCase() === 'host');
    if (hostOverrides.length > 1) throw new WireKitUsageError('WK_ERR_INVALID_HEADER', 'Host may be given once (RFC 7230 §5.4)');
    const fields: Array<readonly [string, string]> = [
      ['Host', hostOverrides[0]?.[1] ?? url.host],
      ['Upgrade', 'websocket'],
      ['Connection', 'Upgrade'],
      ['Sec-WebSocket-Key', this.key],
      ['Sec-WebSocket-Version', '13'],
    ];
    if (this.protocols.length > 0) fields.push(['Sec-WebSocket-Protocol', this.protocols.join(', ')]);
    if (extensionsHeader !== '') fields.push(['Sec-WebSocket-Extensions', extensionsHeader]);
    if (options.origin !== undefined) fields.push(['Origin', validateOrigin(options.origin)]);
    for (const field of custom) if (field[0].toLowerCase() !== 'host') fields.push(field);
    this.requestBytes = encodeHttpHead(`GET ${this.target} HTTP/1.1`, fields);
  }

  /** The GET request to write to the connection before anything else (a fresh copy each call). */
  request(): Uint8Array {
    return this.requestBytes.slice();
  }

  /**
   * Feeds bytes received from the server. Peer bytes never make it throw.
   *
   * @returns null while the response head is incomplete, then the result (once).
   * @throws {WireKitUsageError} WK_ERR_INVALID_ARGUMENT when called after a result was returned.
   */
  receive(chunk: Uint8Array): ClientHandshakeResult | null {
    if (this.finished) throw new WireKitUsageError('WK_ERR_INVALID_ARGUMENT', 'The handshake has already completed');
    const result = this.reader.push(chunk);
    if (result === null) return null;
    this.finished = true;
    if (result.kind === 'error') return { kind: 'rejected', error: result.error };
    return this.check(result.head, result.remainder);
  }

  /** RFC 6455 §4.1, "the client MUST validate the server's response as follows". */
  private check(head: HttpResponseHead, remainder: Uint8Array): ClientHandshakeResult {
    const { status, headers } = head;
    // §4.1 item 1: anything but 101 is handled per HTTP, which for us means failure.
    if (status !== 101) return refused(status, headers, 'WK_ERR_HANDSHAKE_STATUS', `Unexpected server response: ${status}`);
    if (head.httpVersion !== '1.1') return refused(status, headers, 'WK_ERR_HANDSHAKE_MALFORMED', `A 101 response must be HTTP/1.1, got HTTP/${head.httpVersion}`);
    // §4.1 item 2: Upgrade must be "websocket", case-insensitively; a list naming more is not.
    const upgrade = parseCommaList(headers.get('upgrade') ?? '');
    if (upgrade.length !== 1 || upgrade[0]!.toLowerCase() !== 'websocket') {
      return refused(status, headers, 'WK_ERR_HANDSHAKE_UPGRADE', 'The Upgrade header of the response is missing or is not "websocket"');
    }
    // §4.1 item 3: Connection must contain the token "Upgrade".
    if (!listContainsToken(headers.get('connection') ?? '', 'upgrade')) {
      return refused(status, headers, 'WK_ERR_HANDSHAKE_UPGRADE', 'The Connection header of the response is missing or does not contain "Upgrade"');
    }
    // §4.1 item 4: Sec-WebSocket-Accept must be base64(SHA-1(key + GUID)).
    const accept = headers.get('sec-websocket-accept');
    if (accept !== this.expectedAccept) {
      return refused(status, headers, 'WK_ERR_HANDSHAKE_ACCEPT', accept === undefined ? 'The response lacks Sec-WebSocket-Accept' : 'Sec-WebSocket-Accept does not match the key sent');
    }
    // §4.1 item 6: a subprotocol must be one we offered (and only one, §4.2.2 item 5.4).
    const protocol = headers.get('sec-websocket-protocol');
    if (protocol !== undefined && !this.protocols.includes(protocol)) {
      return refused(status, headers, 'WK_ERR_HANDSHAKE_PROTOCOL', this.protocols.length === 0
        ? 'The server selected a subprotocol although none was offered'
        : `The server selected subprotocol "${protocol}", which was not offered`);
    }
    const header = headers.get('sec-websocket-extensions');
    // No header: no extension to accept (most handshakes), nothing to parse.
    const extensions = header === undefined ? [] : this.acceptExtensions(header);
    if (typeof extensions === 'string') return refused(status, headers, 'WK_ERR_HANDSHAKE_EXTENSION', extensions);
    return { kind: 'accepted', protocol: protocol ?? '', extensions, extensionsHeader: header ?? '', headers, remainder };
  }

  /**
   * RFC 6455 §4.1 item 5 and §9.1: every accepted extension must have been offered, at most once,
   * and with parameters its factory accepts. A string is the failure reason; extensions created
   * before a failure are disposed of.
   */
  private acceptExtensions(value: string): Extension[] | string {
    const parsed = parseExtensionHeader(value);
    if (parsed.kind === 'invalid') return `Invalid Sec-WebSocket-Extensions: ${parsed.reason}`;
    const extensions: Extension[] = [];
    const failure = (reason: string): string => {
      for (const extension of extensions) extension.dispose?.();
      return reason;
    };
    for (const response of parsed.value) {
      const factory = this.offered.get(response.name);
      if (factory === undefined) return failure(`The server accepted extension "${response.name}", which was not offered`);
      if (extensions.some((extension) => extension.name === response.name)) {
        return failure(`The server accepted extension "${response.name}" twice`);
      }
      let extension: Extension | null;
      try {
        extension = factory.accept(response.params);
      } catch (error) {
        return failure(`Extension "${response.name}" refused the server's parameters: ${error instanceof Error ? error.message : String(error)}`);
      }
      if (extension === null) return failure(`The server's parameters for extension "${response.name}" are not acceptable`);
      extensions.push(extension);
    }
    return extensions;
  }
}

/** What a handshake that offers no subprotocol, or no extension, shares with every other. */
const NO_PROTOCOLS: readonly string[] = [];
const NO_OFFERS: ReadonlyMap<string, ExtensionFactory> = new Map();

/** A refused 101 (RFC 6455 §4.1: the client fails the connection). */
function refused(status: number, headers: HttpHeaders, code: ProtocolErrorCode, message: string): ClientHandshakeResult {
  return { kind: 'rejected', error: new ProtocolError(code, message, { status }), status, headers };
}

function validateProtocols(protocols: readonly string[]): readonly string[] {
  if (!Array.isArray(protocols)) throw new WireKitUsageError('WK_ERR_INVALID_ARGUMENT', 'protocols must be an array of strings');
  if (protocols.length === 0) return NO_PROTOCOLS;
  const seen = new Set<string>();
  for (const protocol of protocols as readonly unknown[]) {
    if (typeof protocol !== 'string' || !isToken(protocol)) {
      throw new WireKitUsageError('WK_ERR_INVALID_PROTOCOL', `Subprotocol ${JSON.stringify(protocol)} is not a token (RFC 6455 §4.1 item 10)`);
    }
    if (seen.has(protocol)) throw new WireKitUsageError('WK_ERR_INVALID_PROTOCOL', `Subprotocol "${protocol}" is listed twice (RFC 6455 §4.1 item 10)`);
    seen.add(protocol);
  }
  return [...protocols];
}

function buildOffers(factories: readonly ExtensionFactory[]): { header: string; offered: ReadonlyMap<string, ExtensionFactory> } {
  if (!Array.isArray(factories)) throw new WireKitUsageError('WK_ERR_INVALID_ARGUMENT', 'extensions must be an array of extension factories');
  if (factories.length === 0) return { header: '', offered: NO_OFFERS };
  const offered = new Map<string, ExtensionFactory>();
  const offers: ExtensionOffer[] = [];
  for (const factory of factories) {
    if (typeof factory?.name !== 'string' || !isToken(factory.name)) {
      throw new WireKitUsageError('WK_ERR_INVALID_ARGUMENT', 'Each extension factory needs a token name (RFC 6455 §9.1)');
    }
    if (offered.has(factory.name)) throw new WireKitUsageError('WK_ERR_INVALID_ARGUMENT', `Extension "${factory.name}" is listed twice`);
    const paramSets: readonly ExtensionParams[] = factory.offer();
    if (paramSets.length === 0) continue;
    offered.set(factory.name, factory);
    for (const params of paramSets) offers.push({ name: factory.name, params });
  }
  return { header: formatExtensionHeader(offers), offered };
}

function validateOrigin(origin: string): string {
  if (typeof origin !== 'string' || origin === '' || !/^[\x21-\x7e]+$/.test(origin)) {
    throw new WireKitUsageError('WK_ERR_INVALID_HEADER', 'origin must be a non-empty serialized origin without spaces or control characters (RFC 6454 §6.2)');
  }
  return origin;
}
