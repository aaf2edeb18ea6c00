import { isIPv6 } from 'node:net';
import { AF_INET, AF_INET6, type AddressFamily } from './constants.js';
import { decodeSockaddr, encodeSockaddr, sockaddr_in, sockaddr_in6, type SocketAddress } from './sockaddr.js';
import { posixError } from './socket-error.js';

/** An address as the socket calls take it: sockaddr bytes (the CFData of CFSocket) or decoded. */
export type SocketAddressInput = Uint8Array | SocketAddress;

/** Decodes an address argument and checks it belongs to the socket's family (EAFNOSUPPORT otherwise, as BSD). */
export function addressFor(family: AddressFamily, input: SocketAddressInput): SocketAddress {
  const address = input instanceof Uint8Array ? decodeSockaddr(input) : decodeSockaddr(encodeSockaddr(input));
  if (address.family !== family) {
    throw posixError('EAFNOSUPPORT', `a ${address.family === AF_INET ? 'sockaddr_in' : 'sockaddr_in6'} was given to an ${family === AF_INET ? 'AF_INET' : 'AF_INET6'} socket`);
  }
  return address;
}

/** The sockaddr bytes of an address and port as Node reports them (`::ffff:a.b.c.d` stays IPv6). */
export function sockaddrOf(host: string | undefined, port: number | undefined, family: AddressFamily): Uint8Array {
  if (host === undefined || port === undefined) return family === AF_INET ? sockaddr_in('0.0.0.0', 0) : sockaddr_in6('::', 0);
  return isIPv6(host) ? sockaddr_in6(host.replace(/%.*$/, ''), port) : sockaddr_in(host, port);
}

/** The wildcard address of a family (INADDR_ANY, in6addr_any). */
export function anyAddress(family: AddressFamily): SocketAddress {
  return family === AF_INET ? { family: AF_INET, address: '0.0.0.0', port: 0 } : { family: AF_INET6, address: '::', port: 0, flowinfo: 0, scopeId: 0 };
}
