import { URL_ERRORS, WireKitUsageError } from '@wirekit/protocol';

/**
 * Where a connection goes, as Network.framework's `NWEndpoint`: a host and port, or a URL
 * (`ws:`/`wss:` for WebSocket; any scheme with an explicit port for framed TCP).
 *
 * @example
 * ```ts
 * NWEndpoint.hostPort('127.0.0.1', 8080);
 * NWEndpoint.url('wss://example.com/chat');
 * ```
 */
export type NWEndpoint =
  | { readonly kind: 'hostPort'; readonly host: string; readonly port: number }
  | { readonly kind: 'url'; readonly url: URL };

/** Builders of {@link NWEndpoint} values, named as Swift's enum cases. */
export const NWEndpoint = {
  /**
   * A host name or IP literal and a TCP port.
   *
   * @throws {WireKitUsageError} WK_ERR_INVALID_ARGUMENT when `port` is not an integer in 0–65535.
   */
  hostPort(host: string, port: number): NWEndpoint {
    if (!Number.isInteger(port) || port < 0 || port > 65_535) {
      throw new WireKitUsageError('WK_ERR_INVALID_ARGUMENT', `port must be an integer in 0–65535, got ${String(port)}`);
    }
    return { kind: 'hostPort', host, port };
  },
  /**
   * A URL; for WebSocket it is the request URL, so its path and query are sent.
   *
   * @throws {WireKitUsageError} WK_ERR_INVALID_URL when `url` does not parse.
   */
  url(url: string | URL): NWEndpoint {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw new WireKitUsageError('WK_ERR_INVALID_URL', URL_ERRORS.notAUrl(String(url)));
    }
    return { kind: 'url', url: parsed };
  },
} as const;

/** Where to dial, resolved from an endpoint: TCP target plus the WebSocket request URL. */
export interface DialTarget {
  readonly host: string;
  readonly port: number;
  /** The URL reported by the connection (and sent in the WebSocket request). */
  readonly url: string;
}

const SECURE_SCHEMES: ReadonlySet<string> = new Set(['wss:', 'https:']);

/**
 * Resolves an endpoint for dialing. A hostPort endpoint gets `ws://host:port/` (or `wss:`);
 * a URL without a port takes the scheme's default (80 for ws/http, 443 for wss/https).
 *
 * @throws {WireKitUsageError} WK_ERR_INVALID_URL for a URL with no port and an unknown scheme.
 */
export function dialTarget(endpoint: NWEndpoint, secure: boolean): DialTarget {
  if (endpoint.kind === 'hostPort') {
    const host = endpoint.host.includes(':') ? `[${endpoint.host}]` : endpoint.host;
    return { host: endpoint.host, port: endpoint.port, url: `${secure ? 'wss' : 'ws'}://${host}:${endpoint.port}/` };
  }
  const { url } = endpoint;
  const host = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
  if (url.port !== '') return { host, port: Number(url.port), url: url.href };
  if (url.protocol === 'ws:' || url.protocol === 'http:') return { host, port: 80, url: url.href };
  if (SECURE_SCHEMES.has(url.protocol)) return { host, port: 443, url: url.href };
  throw new WireKitUsageError('WK_ERR_INVALID_URL', `${url.href} has no port and its scheme has no default`);
}

/** Whether a URL endpoint asks for TLS by its scheme (wss:, https:). */
export function endpointWantsTls(endpoint: NWEndpoint): boolean {
  return endpoint.kind === 'url' && SECURE_SCHEMES.has(endpoint.url.protocol);
}
