import { WireKitUsageError } from '@wirekit/protocol';
import { AF_INET, AF_INET6, type AddressFamily } from './constants.js';
import { addressError } from './socket-error.js';

const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;
const HEX_GROUP = /^[0-9a-fA-F]{1,4}$/;

function family(af: number): AddressFamily {
  if (af !== AF_INET && af !== AF_INET6) throw addressError('EAFNOSUPPORT', `address family ${String(af)} is not AF_INET or AF_INET6`);
  return af;
}

/** Dotted decimal, four parts, no leading zeros (inet_pton refuses them: 010 would be octal to inet_aton). */
function parseIPv4(text: string, into: Uint8Array, offset: number): boolean {
  const match = IPV4.exec(text);
  if (match === null) return false;
  for (let i = 0; i < 4; i += 1) {
    const part = match[i + 1]!;
    if (part.length > 1 && part.startsWith('0')) return false;
    const value = Number(part);
    if (value > 255) return false;
    into[offset + i] = value;
  }
  return true;
}

/** RFC 4291 §2.2 text forms: eight groups, one `::` for one or more zero groups, an IPv4 tail. */
function parseIPv6(text: string, into: Uint8Array): boolean {
  // A scope ("%en0") is not part of the address: inet_pton refuses it, getaddrinfo parses it.
  if (text.length > 45 || text.includes('%')) return false;
  const halves = text.split('::');
  if (halves.length > 2) return false;
  const groups = (half: string): string[] => (half === '' ? [] : half.split(':'));
  const head = groups(halves[0]!);
  const tail = halves.length === 2 ? groups(halves[1]!) : [];
  const words: number[] = [];
  const last = halves.length === 2 ? tail : head;
  const ipv4 = last.length > 0 && last[last.length - 1]!.includes('.') ? last.pop()! : null;
  const toWords = (list: string[]): number[] | null => {
    const out: number[] = [];
    for (const group of list) {
      if (!HEX_GROUP.test(group)) return null;
      out.push(parseInt(group, 16));
    }
    return out;
  };
  const headWords = toWords(head);
  const tailWords = toWords(tail);
  if (headWords === null || tailWords === null) return false;
  const v4Bytes = new Uint8Array(4);
  if (ipv4 !== null && !parseIPv4(ipv4, v4Bytes, 0)) return false;
  const explicit = headWords.length + tailWords.length + (ipv4 === null ? 0 : 2);
  if (halves.length === 1 ? explicit !== 8 : explicit > 7) return false;
  words.push(...headWords, ...new Array<number>(8 - explicit).fill(0), ...tailWords);
  const view = new DataView(into.buffer, into.byteOffset, 16);
  words.forEach((word, index) => view.setUint16(index * 2, word));
  if (ipv4 !== null) into.set(v4Bytes, 12);
  return true;
}

/**
 * Text to network-order address bytes, as C's `inet_pton`: 4 bytes for AF_INET (strict
 * dotted decimal), 16 for AF_INET6 (with `::` compression and an IPv4 tail such as
 * `::ffff:192.0.2.1`). Where C returns 0 for malformed text, this throws.
 *
 * @throws {WireKitError} WK_ERR_INVALID_ARGUMENT (domain usage) with errno EINVAL for malformed
 *   text, EAFNOSUPPORT for a family other than AF_INET / AF_INET6.
 * @throws {WireKitUsageError} WK_ERR_INVALID_ARGUMENT when `text` is not a string.
 */
export function inet_pton(af: number, text: string): Uint8Array {
  const kind = family(af);
  if (typeof text !== 'string') throw new WireKitUsageError('WK_ERR_INVALID_ARGUMENT', 'inet_pton needs a string');
  const out = new Uint8Array(kind === AF_INET ? 4 : 16);
  const ok = kind === AF_INET ? parseIPv4(text, out, 0) : parseIPv6(text, out);
  if (!ok) throw addressError('EINVAL', `"${text.slice(0, 64)}" is not a valid ${kind === AF_INET ? 'IPv4' : 'IPv6'} address`);
  return out;
}

/**
 * Network-order address bytes to text, as C's `inet_ntop`: dotted decimal for AF_INET; for
 * AF_INET6 the RFC 5952 canonical form (lowercase, no leading zeros, the longest run of two or
 * more zero groups, the first on a tie, as `::`), with IPv4-mapped addresses as
 * `::ffff:a.b.c.d` (RFC 5952 §5).
 *
 * @throws {WireKitError} WK_ERR_INVALID_ARGUMENT (domain usage): EAFNOSUPPORT for an unknown
 *   family, EINVAL when `bytes` is not 4 (AF_INET) or 16 (AF_INET6) bytes long.
 */
export function inet_ntop(af: number, bytes: Uint8Array): string {
  const kind = family(af);
  const size = kind === AF_INET ? 4 : 16;
  if (!(bytes instanceof Uint8Array) || bytes.length !== size) throw addressError('EINVAL', `inet_ntop needs a Uint8Array of ${size} bytes`);
  if (kind === AF_INET) return Array.from(bytes).join('.');
  const view = new DataView(bytes.buffer, bytes.byteOffset, 16);
  const words = Array.from({ length: 8 }, (_, index) => view.getUint16(index * 2));
  if (words.slice(0, 5).every((word) => word === 0) && words[5] === 65535) {
    return `::ffff:${Array.from(bytes.subarray(12)).join('.')}`;
  }
  let bestStart = -1;
  let bestLength = 1;
  for (let start = 0; start < 8; start += 1) {
    let length = 0;
    while (start + length < 8 && words[start + length] === 0) length += 1;
    if (length > bestLength) {
      bestStart = start;
      bestLength = length;
    }
    start += length;
  }
  const hex = (list: number[]): string => list.map((word) => word.toString(16)).join(':');
  if (bestStart < 0) return hex(words);
  return `${hex(words.slice(0, bestStart))}::${hex(words.slice(bestStart + bestLength))}`;
}
