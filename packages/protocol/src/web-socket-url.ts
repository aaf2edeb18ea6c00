// The WebSocket URL check of RFC 6455 §3, one for the whole project.
import { WireKitUsageError } from './errors.js';

/** The parts of a WHATWG URL a WebSocket client reads. */
export interface ParsedUrl {
  readonly href: string;
  readonly protocol: string;
  readonly username: string;
  readonly password: string;
  readonly host: string;
  readonly hostname: string;
  readonly port: string;
  readonly pathname: string;
  readonly search: string;
}
// The WHATWG URL parser exists in every target runtime but not in lib ES2023; declared here,
// module-scoped, rather than in globals.d.ts so that nothing else starts depending on it.
declare const URL: new (input: string) => ParsedUrl;

/** The messages of WK_ERR_INVALID_URL, one per mistake, the same in every transport. */
export const URL_ERRORS = {
  notStringOrUrl: 'the URL must be a string or a URL',
  notAUrl: (href: string): string => `not a URL: ${href}`,
  scheme: (protocol: string): string => `a WebSocket URL is ws:, wss:, http: or https:, got ${protocol}`,
  fragment: 'a WebSocket URL must not contain a fragment (RFC 6455 §3)',
  credentials: 'a WebSocket URL must not contain credentials; send an Authorization header instead',
  noHost: 'the URL has no host',
} as const;

/**
 * The one check of a WebSocket URL, shared by the engine's client handshake and (through
 * @wirekit/core's `checkConnectUrl`) every transport's `connect`, so that the same mistake gets
 * the same code and message everywhere. RFC 6455 §3: a ws: or wss: URI (http: and https: are
 * accepted as aliases, as browsers do), with a host, no fragment and no credentials.
 *
 * @throws {WireKitUsageError} WK_ERR_INVALID_URL, with one of the messages of {@link URL_ERRORS}.
 */
export function parseWebSocketUrl(input: string | { readonly href: string }): ParsedUrl {
  const href = typeof input === 'string' ? input : typeof input === 'object' && input !== null ? input.href : undefined;
  if (typeof href !== 'string') throw new WireKitUsageError('WK_ERR_INVALID_URL', URL_ERRORS.notStringOrUrl);
  let url: ParsedUrl;
  try {
    url = new URL(href);
  } catch {
    throw new WireKitUsageError('WK_ERR_INVALID_URL', URL_ERRORS.notAUrl(href));
  }
  if (!['ws:', 'wss:', 'http:', 'https:'].includes(url.protocol)) {
    throw new WireKitUsageError('WK_ERR_INVALID_URL', URL_ERRORS.scheme(url.protocol));
  }
  // RFC 6455 §3: fragment identifiers are meaningless here and must not be used ('#' → %23).
  if (url.href.includes('#')) throw new WireKitUsageError('WK_ERR_INVALID_URL', URL_ERRORS.fragment);
  if (url.username !== '' || url.password !== '') {
    throw new WireKitUsageError('WK_ERR_INVALID_URL', URL_ERRORS.credentials);
  }
  if (url.hostname === '') throw new WireKitUsageError('WK_ERR_INVALID_URL', URL_ERRORS.noHost);
  return url;
}
