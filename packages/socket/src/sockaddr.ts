import { WireKitUsageError } from '@wirekit/protocol';
import { HOST_IS_LITTLE_ENDIAN } from './byte-order.js';
import { AF_INET, AF_INET6 } from './constants.js';
import { inet_ntop, inet_pton } from './inet.js';
import { addressError } from './socket-error.js';

/** A decoded `struct sockaddr_in`: port in host order, address as text. */
export interface SockaddrIn {
  readonly family: typeof AF_INET;
  readonly address: string;
  readonly port: number;
}

/** A decoded `struct sockaddr_in6`. */
export interface SockaddrIn6 {
  readonly family: typeof AF_INET6;
  readonly address: string;
  readonly port: number;
  /** sin6_flowinfo, in host order (stored in network order). */
  readonly flowinfo: number;
  /** sin6_scope_id: the interface index of a link-local address (stored in host order, as Darwin does). */
  readonly scopeId: number;
}

/** Either decoded address. */
export type SocketAddress = SockaddrIn | SockaddrIn6;

/** sizeof(struct sockaddr_in) on BSD: len, family, port, addr, 8 bytes of sin_zero. */
export const SOCKADDR_IN_SIZE = 16;
/** sizeof(struct sockaddr_in6) on BSD: len, family, port, flowinfo, addr, scope_id. */
export const SOCKADDR_IN6_SIZE = 28;

function checkPort(port: number): void {
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new WireKitUsageError('WK_ERR_INVALID_ARGUMENT', `a port is an integer between 0 and 65535, got ${String(port)}`);
  }
}

function checkUint32(value: number, name: string): void {
  if (!Number.isInteger(value) || value < 0 || value > 4294967295) {
    throw new WireKitUsageError('WK_ERR_INVALID_ARGUMENT', `${name} is an integer between 0 and 2^32 - 1, got ${String(value)}`);
  }
}

/**
 * Builds a `struct sockaddr_in` in BSD layout (16 bytes): sin_len, sin_family (AF_INET),
 * sin_port in network order, sin_addr, zeroed sin_zero. This is the CFData an app passes to
 * CFSocketConnectToAddress.
 *
 * @throws {WireKitUsageError} WK_ERR_INVALID_ARGUMENT for a port outside 0…65535.
 * @throws {WireKitError} WK_ERR_INVALID_ARGUMENT (errno EINVAL) for an address that is not dotted decimal.
 */
export function sockaddr_in(address: string, port: number): Uint8Array {
  checkPort(port);
  const bytes = new Uint8Array(SOCKADDR_IN_SIZE);
  const view = new DataView(bytes.buffer);
  bytes[0] = SOCKADDR_IN_SIZE;
  bytes[1] = AF_INET;
  view.setUint16(2, port);
  bytes.set(inet_pton(AF_INET, address), 4);
  return bytes;
}

/**
 * Builds a `struct sockaddr_in6` in BSD layout (28 bytes): sin6_len, sin6_family (AF_INET6),
 * sin6_port and sin6_flowinfo in network order, sin6_addr, sin6_scope_id in host order.
 *
 * @throws {WireKitUsageError} WK_ERR_INVALID_ARGUMENT for a port, flowinfo or scopeId out of range.
 * @throws {WireKitError} WK_ERR_INVALID_ARGUMENT (errno EINVAL) for a malformed IPv6 address.
 */
export function sockaddr_in6(address: string, port: number, options: { readonly flowinfo?: number; readonly scopeId?: number } = {}): Uint8Array {
  checkPort(port);
  const flowinfo = options.flowinfo ?? 0;
  const scopeId = options.scopeId ?? 0;
  checkUint32(flowinfo, 'flowinfo');
  checkUint32(scopeId, 'scopeId');
  const bytes = new Uint8Array(SOCKADDR_IN6_SIZE);
  const view = new DataView(bytes.buffer);
  bytes[0] = SOCKADDR_IN6_SIZE;
  bytes[1] = AF_INET6;
  view.setUint16(2, port);
  view.setUint32(4, flowinfo);
  bytes.set(inet_pton(AF_INET6, address), 8);
  view.setUint32(24, scopeId, HOST_IS_LITTLE_ENDIAN);
  return bytes;
}

/** Encodes a decoded address back to its BSD bytes; see {@link sockaddr_in} and {@link sockaddr_in6}. */
export function encodeSockaddr(address: SocketAddress): Uint8Array {
  if (address.family === AF_INET) return sockaddr_in(address.address, address.port);
  if (address.family === AF_INET6) return sockaddr_in6(address.address, address.port, { flowinfo: address.flowinfo, scopeId: address.scopeId });
  throw addressError('EAFNOSUPPORT', `address family ${String((address as { family: unknown }).family)} is not AF_INET or AF_INET6`);
}

/**
 * Decodes a BSD `sockaddr_in` or `sockaddr_in6` by its family byte. sin_len may be the
 * structure's size or 0 (code ported from Linux, which has no sin_len, leaves it zero; the
 * BSD kernel reads the length argument instead); trailing bytes beyond the structure are
 * ignored, as the kernel ignores them.
 *
 * @throws {WireKitError} WK_ERR_INVALID_ARGUMENT (domain usage): EAFNOSUPPORT for another
 *   family, EINVAL when the bytes are too short or sin_len is wrong.
 */
export function decodeSockaddr(bytes: Uint8Array): SocketAddress {
  if (!(bytes instanceof Uint8Array) || bytes.length < 2) throw addressError('EINVAL', 'a sockaddr is a Uint8Array of at least 2 bytes');
  const family = bytes[1];
  const size = family === AF_INET ? SOCKADDR_IN_SIZE : family === AF_INET6 ? SOCKADDR_IN6_SIZE : -1;
  if (size < 0) throw addressError('EAFNOSUPPORT', `sa_family ${String(family)} is not AF_INET (${AF_INET}) or AF_INET6 (${AF_INET6})`);
  if (bytes.length < size) throw addressError('EINVAL', `a sockaddr of family ${String(family)} has ${size} bytes, got ${bytes.length}`);
  if (bytes[0] !== 0 && bytes[0] !== size) throw addressError('EINVAL', `sin_len is ${String(bytes[0])}, expected ${size}`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, size);
  const port = view.getUint16(2);
  if (family === AF_INET) return { family: AF_INET, address: inet_ntop(AF_INET, bytes.subarray(4, 8)), port };
  return {
    family: AF_INET6,
    address: inet_ntop(AF_INET6, bytes.subarray(8, 24)),
    port,
    flowinfo: view.getUint32(4),
    scopeId: view.getUint32(24, HOST_IS_LITTLE_ENDIAN),
  };
}
