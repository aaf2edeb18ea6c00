import { WireKitUsageError } from '@wirekit/protocol';

/**
 * True on a little-endian host (x86-64, arm64: every iOS device and nearly every Node host),
 * where network order (big-endian) differs from host order and the conversions swap bytes.
 */
export const HOST_IS_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

function check(value: number, max: number, name: string): void {
  if (!Number.isInteger(value) || value < 0 || value > max) {
    throw new WireKitUsageError('WK_ERR_INVALID_ARGUMENT', `${name} needs an integer between 0 and ${max}, got ${String(value)}`);
  }
}

function swap16(value: number): number {
  return ((value & 255) << 8) | (value >>> 8);
}

function swap32(value: number): number {
  return (((value & 255) << 24) | (((value >>> 8) & 255) << 16) | (((value >>> 16) & 255) << 8) | (value >>> 24)) >>> 0;
}

/**
 * Host to network short: the 16-bit value whose bytes, stored in host order, are `value` in
 * network (big-endian) order; as C's `htons`, it is its own inverse.
 *
 * @throws {WireKitUsageError} WK_ERR_INVALID_ARGUMENT for anything but an integer in 0…65535
 *   (C would truncate silently; a port of 70000 is a bug worth a clear error).
 */
export function htons(value: number): number {
  check(value, 65535, 'htons');
  return HOST_IS_LITTLE_ENDIAN ? swap16(value) : value;
}

/** Network to host short; see {@link htons}. @throws {WireKitUsageError} WK_ERR_INVALID_ARGUMENT as htons. */
export function ntohs(value: number): number {
  check(value, 65535, 'ntohs');
  return HOST_IS_LITTLE_ENDIAN ? swap16(value) : value;
}

/** Host to network long, for a 32-bit unsigned value (an IPv4 address). @throws {WireKitUsageError} WK_ERR_INVALID_ARGUMENT outside 0…2³²−1. */
export function htonl(value: number): number {
  check(value, 4294967295, 'htonl');
  return HOST_IS_LITTLE_ENDIAN ? swap32(value) : value;
}

/** Network to host long; see {@link htonl}. @throws {WireKitUsageError} WK_ERR_INVALID_ARGUMENT outside 0…2³²−1. */
export function ntohl(value: number): number {
  check(value, 4294967295, 'ntohl');
  return HOST_IS_LITTLE_ENDIAN ? swap32(value) : value;
}
