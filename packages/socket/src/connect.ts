import { isUtf8 } from 'node:buffer';
import { createHash, randomFillSync } from 'node:crypto';
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { defineConnect, openClientConnection, randomPool, toWireKitError, WireKitError, type Connection, type EngineConnectOptions } from '@wirekit/core';
import { AF_INET, AF_INET6, IPPROTO_TCP, SOCK_STREAM, TCP_NODELAY } from './constants.js';
import { descriptorChannel } from './descriptor-channel.js';
import { sockaddr_in, sockaddr_in6 } from './sockaddr.js';
import { defaultSocketTable, type SocketTable } from './socket-table.js';

/** Options of this package's {@link connect}: the common ones and engine limits, plus the descriptor table to use. */
export interface SocketConnectionOptions extends EngineConnectOptions {
  /** The table the connection's descriptor comes from; defaults to {@link defaultSocketTable}. */
  readonly table?: SocketTable;
}

/** Node's CSPRNG, for Sec-WebSocket-Key and masking keys: drawn from a pooled block (core's randomPool), as framed's. */
const random = randomPool((bytes) => randomFillSync(bytes));
const sha1 = (data: Uint8Array): Uint8Array => createHash('sha1').update(data).digest();

function aborted(signal: AbortSignal): WireKitError {
  return new WireKitError('WK_ERR_ABORTED', 'the connect was aborted', { errno: 'ECANCELED', cause: signal.reason });
}

/** BSD sockets cannot connect by name (Apple's TCPTransports sample): resolve first, as getaddrinfo does. */
async function resolveHost(host: string, signal: AbortSignal | undefined): Promise<{ family: 4 | 6; address: string }> {
  const literal = isIP(host);
  if (literal !== 0) return { family: literal as 4 | 6, address: host };
  try {
    const found = await lookup(host);
    if (signal?.aborted === true) throw aborted(signal);
    return { family: found.family === 6 ? 6 : 4, address: found.address };
  } catch (error) {
    throw toWireKitError(error);
  }
}

async function open(target: URL, options: SocketConnectionOptions): Promise<Connection> {
  const { signal } = options;
  if (signal?.aborted === true) throw aborted(signal);
  const table = options.table ?? defaultSocketTable;
  const port = target.port === '' ? 80 : Number(target.port);
  const host = await resolveHost(target.hostname.replace(/^\[|\]$/g, ''), signal);
  const fd = table.socket(host.family === 6 ? AF_INET6 : AF_INET, SOCK_STREAM);
  const address = host.family === 6 ? sockaddr_in6(host.address, port) : sockaddr_in(host.address, port);
  // WebSocket frames are whole messages: Nagle would hold a small one back for the peer's ACK
  // (up to a delayed-ACK timeout), so TCP_NODELAY, as ws and browsers set it.
  table.setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, true);
  // A background connect (CFSocket's negative timeout): the handshake is written at once and
  // leaves when the connect completes; connectTimeout and the signal cover both, in core.
  await table.connect(fd, address, { timeout: -1 });
  return openClientConnection(descriptorChannel(table, fd), { ...options, url: target.href, random, sha1, isUtf8 });
}

/**
 * WireKit's common factory on this transport: a WebSocket `Connection` (core's
 * EngineConnection) over a raw descriptor of a {@link SocketTable}: the host is resolved, a
 * SOCK_STREAM descriptor connects in the background, and the RFC 6455 handshake and frames run
 * on core's engine over {@link descriptorChannel}. Failures reject with a WireKitError:
 * WK_ERR_CONNECTION_REFUSED (posix), WK_ERR_DNS (dns), WK_ERR_CONNECT_TIMEOUT, WK_ERR_ABORTED,
 * WK_ERR_HANDSHAKE_*, and EMFILE (WK_ERR_TRANSPORT) when the table is full. wss: rejects
 * WK_ERR_UNSUPPORTED: CFSocket has no TLS (use @wirekit/framed or @wirekit/streams). A bad URL
 * or option rejects too (WK_ERR_INVALID_URL, domain usage, from core's one URL check): it never throws.
 * @example
 * ```ts
 * import { connect } from '@wirekit/socket'; // was: '@wirekit/framed'
 * const connection = await connect('ws://127.0.0.1:8080/chat');
 * ```
 */
export const connect: (url: string | URL, options?: SocketConnectionOptions) => Promise<Connection> = defineConnect((target: URL, options: SocketConnectionOptions) => {
  if (target.protocol === 'wss:' || target.protocol === 'https:') {
    return Promise.reject(new WireKitError('WK_ERR_UNSUPPORTED', 'CFSocket has no TLS: use @wirekit/framed or @wirekit/streams for wss:'));
  }
  return open(target, options);
});
