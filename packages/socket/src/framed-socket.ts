import { framedConnection, LengthPrefixFramer, type Connection, type MessageFramer } from '@wirekit/core';
import { decodeSockaddr } from './sockaddr.js';
import { AF_INET6 } from './constants.js';
import { descriptorChannel } from './descriptor-channel.js';
import type { SocketTable } from './socket-table.js';

/** Options of {@link framedSocket}. */
export interface FramedSocketOptions {
  /** How messages are cut from the byte stream; defaults to core's LengthPrefixFramer (4-byte big-endian length), the same framer as @wirekit/framed's. */
  readonly framer?: MessageFramer;
  /** Deliver received messages as bytes (the default) or UTF-8 text, for line protocols. */
  readonly messages?: 'binary' | 'text';
  /** ms to wait for the peer's FIN after close(); as core's framedConnection, 5 000 by default. */
  readonly closeTimeout?: number;
}

/**
 * A {@link Connection} of whole messages over a connected SOCK_STREAM descriptor (a client's
 * after connect, or one returned by accept), framed by core's framers and framedConnection:
 * raw TCP messaging that is used like any WireKit connection. The connection owns the
 * descriptor and closes it when done. `ping()` rejects WK_ERR_UNSUPPORTED (TCP has no ping).
 *
 * @throws {WireKitError} EBADF, ENOTCONN for a descriptor that is not a connected stream.
 */
export function framedSocket(table: SocketTable, fd: number, options: FramedSocketOptions = {}): Connection {
  const peer = decodeSockaddr(table.getpeername(fd));
  const host = peer.family === AF_INET6 ? `[${peer.address}]` : peer.address;
  return framedConnection(descriptorChannel(table, fd), options.framer ?? new LengthPrefixFramer(), {
    url: `tcp://${host}:${peer.port}`,
    ...(options.messages === undefined ? {} : { messages: options.messages }),
    ...(options.closeTimeout === undefined ? {} : { closeTimeout: options.closeTimeout }),
  });
}
