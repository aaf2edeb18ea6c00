import { isToken, WireKitUsageError } from '@wirekit/protocol';

/** RFC 6455 §3: a ws:, wss:, http: or https: URL with a host and no fragment, and no credentials (the engine refuses them too). */
export function checkURL(url: string | URL): string {
  const href = url instanceof URL ? url.href : url;
  if (typeof href !== 'string') throw new WireKitUsageError('WK_ERR_INVALID_URL', 'the URL must be a string or a URL');
  let parsed: URL;
  try {
    parsed = new URL(href);
  } catch {
    throw new WireKitUsageError('WK_ERR_INVALID_URL', `invalid URL: ${href}`);
  }
  if (!['ws:', 'wss:', 'http:', 'https:'].includes(parsed.protocol)) throw new WireKitUsageError('WK_ERR_INVALID_URL', `the URL's scheme must be ws:, wss:, http: or https:, got ${parsed.protocol}`);
  if (parsed.hash !== '' || href.includes('#')) throw new WireKitUsageError('WK_ERR_INVALID_URL', 'the URL must not contain a fragment (RFC 6455 §3)');
  if (parsed.username !== '' || parsed.password !== '') throw new WireKitUsageError('WK_ERR_INVALID_URL', 'the URL must not contain credentials');
  if (parsed.hostname === '') throw new WireKitUsageError('WK_ERR_INVALID_URL', 'the URL has no host');
  return href;
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
