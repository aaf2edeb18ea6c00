import { checkConnectUrl } from '@wirekit/core';
import { isToken, WireKitUsageError } from '@wirekit/protocol';

/**
 * RFC 6455 §3: a ws:, wss:, http: or https: URL with a host and no fragment or credentials —
 * core's one URL check, as every transport's connect makes it; returns the URL as given.
 *
 * @throws {WireKitError} WK_ERR_INVALID_URL (domain usage).
 */
export function checkURL(url: string | URL): string {
  checkConnectUrl(url);
  return url instanceof URL ? url.href : url;
}

/** RFC 6455 §4.1: each subprotocol is an HTTP token, offered once. */
export function checkProtocols(protocols: readonly string[]): string[] {
  if (!Array.isArray(protocols)) throw new WireKitUsageError('WK_ERR_INVALID_PROTOCOL', 'protocols must be an array of strings');
  const seen = new Set<string>();
  for (const protocol of protocols) {
    if (typeof protocol !== 'string' || !isToken(protocol)) throw new WireKitUsageError('WK_ERR_INVALID_PROTOCOL', `invalid subprotocol ${JSON.stringify(protocol)}`);
    if (seen.has(protocol)) throw new WireKitUsageError('WK_ERR_INVALID_PROTOCOL', `subprotocol ${protocol} is offered twice`);
    seen.add(protocol);
  }
  return [...protocols];
}
