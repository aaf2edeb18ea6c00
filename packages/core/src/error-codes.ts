import { protocolErrorCodes, type ProtocolErrorCode } from '@wirekit/protocol';

/**
 * Where an error comes from, as NWError's domains: the socket layer (`posix`), name resolution
 * (`dns`), TLS (`tls`), the WebSocket protocol or its handshake (`websocket`), or a misuse of
 * the API by the caller (`usage`).
 */
export type ErrorDomain = 'posix' | 'dns' | 'tls' | 'websocket' | 'usage';

/** One row of {@link errorCodes}. */
export interface ErrorCodeEntry {
  /** The close code a connection that fails with this error reports, or null when none applies. */
  readonly closeCode: number | null;
  /** The domain a {@link WireKitError} with this code has unless it says otherwise. */
  readonly domain: ErrorDomain;
  readonly description: string;
}

/** The protocol codes that are misuse of the API (thrown as WireKitUsageError), not peer faults. */
const USAGE_CODES: ReadonlySet<ProtocolErrorCode> = new Set<ProtocolErrorCode>([
  'WK_ERR_CLOSE_REASON_TOO_LONG',
  'WK_ERR_CONTROL_PAYLOAD_TOO_LONG',
  'WK_ERR_NOT_OPEN',
  'WK_ERR_FRAGMENT_ORDER',
  'WK_ERR_INVALID_ARGUMENT',
  'WK_ERR_INVALID_HEADER',
  'WK_ERR_INVALID_PROTOCOL',
  'WK_ERR_INVALID_URL',
]);

type ProtocolRows = { readonly [K in ProtocolErrorCode]: (typeof protocolErrorCodes)[K] & { readonly domain: ErrorDomain } };

function withDomains(): ProtocolRows {
  const rows: Record<string, ErrorCodeEntry> = {};
  for (const [code, entry] of Object.entries(protocolErrorCodes) as Array<[ProtocolErrorCode, (typeof protocolErrorCodes)[ProtocolErrorCode]]>) {
    rows[code] = { ...entry, domain: USAGE_CODES.has(code) ? 'usage' : 'websocket' };
  }
  return rows as ProtocolRows;
}

/**
 * WireKit's one error table (STYLE.md §5): every `WK_ERR_*` code of every package, with the
 * close code it maps to, its domain and a one-line description. The protocol layer's codes are
 * defined in `@wirekit/protocol` (which cannot depend on core) and merged here with a domain;
 * the codes below them are core's own: transport, DNS, TLS, timeouts, codec.
 *
 * Codes are stable API: messages may change, codes may not.
 */
export const errorCodes = {
  ...withDomains(),
  // Transport failures (domain posix unless noted). 1006: the connection ended without a Close frame.
  WK_ERR_CONNECTION_REFUSED: { closeCode: null, domain: 'posix', description: 'Nothing listens at the address (ECONNREFUSED).' },
  WK_ERR_CONNECTION_RESET: { closeCode: 1006, domain: 'posix', description: 'The peer reset the connection, or it closed during the opening handshake (ECONNRESET, EPIPE, ECONNABORTED).' },
  WK_ERR_HOST_UNREACHABLE: { closeCode: null, domain: 'posix', description: 'No route to the host or its network (EHOSTUNREACH, ENETUNREACH, EHOSTDOWN, ENETDOWN).' },
  WK_ERR_CONNECT_TIMEOUT: { closeCode: null, domain: 'posix', description: 'The connect and opening handshake did not finish within connectTimeout (or the OS reported ETIMEDOUT).' },
  WK_ERR_DNS: { closeCode: null, domain: 'dns', description: 'The host name could not be resolved (ENOTFOUND, EAI_AGAIN, EAI_FAIL, EAI_NONAME).' },
  WK_ERR_TLS: { closeCode: null, domain: 'tls', description: 'The TLS handshake failed or the server certificate was refused (ERR_TLS_*, ERR_SSL_*, CERT_*, EPROTO…).' },
  WK_ERR_TRANSPORT: { closeCode: 1006, domain: 'posix', description: 'Any other transport failure; `errno` carries the platform code when there is one.' },
  WK_ERR_ABORTED: { closeCode: null, domain: 'posix', description: 'The caller aborted the operation through its AbortSignal (errno ECANCELED, as NWError reports a cancelled connection).' },
  // WebSockets over HTTP/2 (RFC 8441). 1006: the stream ended without a Close frame.
  WK_ERR_HTTP2_STREAM_RESET: { closeCode: 1006, domain: 'posix', description: "The peer reset the WebSocket's HTTP/2 stream (RST_STREAM, node:http2's ERR_HTTP2_STREAM_ERROR); the other WebSockets of its session go on." },
  WK_ERR_HTTP2_SESSION: { closeCode: 1006, domain: 'posix', description: 'The HTTP/2 session under the WebSocket failed (GOAWAY with an error, a protocol error, the connection lost): every WebSocket of the session fails with this code.' },
  // Connection life.
  WK_ERR_CLOSED: { closeCode: null, domain: 'websocket', description: 'The connection closed while a receive() or ping() was pending; the error carries the close code.' },
  WK_ERR_CLOSE_TIMEOUT: { closeCode: 1006, domain: 'websocket', description: "The peer's Close frame did not arrive within closeTimeout; the transport was destroyed." },
  WK_ERR_PING_TIMEOUT: { closeCode: 1006, domain: 'websocket', description: 'keepAlive: a pong did not arrive within its timeout; the connection was terminated.' },
  WK_ERR_SERVER_CLOSED: { closeCode: 1001, domain: 'websocket', description: 'The server shut down (1001 Going Away): receive(), ping() and sends pending on its connections fail with this code instead of WK_ERR_CLOSED.' },
  WK_ERR_BUFFER_FULL: { closeCode: null, domain: 'posix', description: 'send() refused: the message would take bufferedAmount past maxBufferedAmount (errno ENOBUFS); nothing of it was sent and the connection stays open.' },
  WK_ERR_UNSUPPORTED: { closeCode: null, domain: 'usage', description: 'The operation does not exist on this transport (ping() on a framed TCP stream, for example).' },
  WK_ERR_OUTBOX_FULL: { closeCode: null, domain: 'usage', description: "reconnecting(): a message sent while disconnected did not fit the outbox's bounds, or was dropped from it by the 'drop-oldest' policy." },
  // Session resume (the wirekit.resume.v1 subprotocol).
  WK_ERR_RESUME: { closeCode: null, domain: 'websocket', description: 'Session resume: the peer broke the wirekit.resume.v1 format (a bad hello or envelope), or did not send its hello or welcome in time.' },
  // Codec service.
  WK_ERR_DECODE: { closeCode: 1007, domain: 'websocket', description: "A message could not be decoded by the CodecService's codec (with closeOnDecodeError the connection closes with 1007)." },
} as const satisfies Record<string, ErrorCodeEntry>;

/** Any code of WireKit's error table. */
export type WireKitErrorCode = keyof typeof errorCodes;
