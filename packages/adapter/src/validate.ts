import type { Message } from '@wirekit/core';
import { usageError } from './adapter-errors.js';

/** RFC 7230 §3.2.6 token characters: what a subprotocol name may hold (RFC 6455 §4.1). */
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/** The ws: or wss: form of a URL (http: → ws:, https: → wss:), for WebSockets that accept only those. */
export function webSocketHref(url: URL): string {
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return url.href;
  const copy = new URL(url.href);
  copy.protocol = url.protocol === 'http:' ? 'ws:' : 'wss:';
  return copy.href;
}

/**
 * Checks the subprotocols to offer.
 *
 * @throws {WireKitError} WK_ERR_INVALID_PROTOCOL (domain usage) for a name that is not an HTTP
 *   token, or one listed twice.
 */
export function checkProtocols(protocols: readonly string[] | undefined): readonly string[] {
  const list = protocols ?? [];
  const seen = new Set<string>();
  for (const protocol of list) {
    if (typeof protocol !== 'string' || !TOKEN.test(protocol)) throw usageError('WK_ERR_INVALID_PROTOCOL', `subprotocol ${JSON.stringify(protocol)} is not an HTTP token`);
    if (seen.has(protocol)) throw usageError('WK_ERR_INVALID_PROTOCOL', `subprotocol ${protocol} is listed twice`);
    seen.add(protocol);
  }
  return list;
}

/** Whether `data` is something send() takes: a string (Text) or a Uint8Array (Binary). */
export function isMessage(data: unknown): data is Message {
  return typeof data === 'string' || data instanceof Uint8Array;
}

/**
 * Checks a connect timeout in ms.
 *
 * @throws {WireKitError} WK_ERR_INVALID_ARGUMENT unless it is a positive number.
 */
export function checkTimeout(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !(value > 0)) throw usageError('WK_ERR_INVALID_ARGUMENT', `${name} must be a positive number of ms, got ${String(value)}`);
  return value;
}

/** The bytes a message takes on the wire before framing: UTF-8 for text (as WHATWG's bufferedAmount counts). */
export function payloadSize(data: Message): number {
  if (typeof data !== 'string') return data.byteLength;
  let bytes = 0;
  for (let i = 0; i < data.length; i++) {
    const unit = data.charCodeAt(i);
    if (unit < 0x80) bytes += 1; // arch-allow: frame-literal (UTF-8 sequence lengths, not frame bits)
    else if (unit < 0x800) bytes += 2;
    else if (unit >= 0xd800 && unit < 0xdc00 && (data.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      bytes += 4;
      i++;
    } else bytes += 3;
  }
  return bytes;
}
