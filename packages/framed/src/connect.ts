import type { Connection, ConnectionFactory, ConnectOptions } from '@wirekit/core';
import { WireKitUsageError } from '@wirekit/protocol';
import { dialTarget, NWEndpoint } from './nw-endpoint.js';
import { openWebSocket } from './open-transport.js';

/**
 * WireKit's common factory on this transport: a WebSocket `Connection` (core's EngineConnection)
 * over `node:net`, or `node:tls` for wss:, honouring every `ConnectOptions` field (protocols,
 * headers, origin, connectTimeout over connect + TLS + handshake, tls with `verifyPeer` pinning,
 * signal, maxMessageSize, autoPong, extensions). Failures reject with a WireKitError:
 * WK_ERR_CONNECTION_REFUSED (posix), WK_ERR_DNS (dns), WK_ERR_TLS (tls), WK_ERR_CONNECT_TIMEOUT,
 * WK_ERR_ABORTED, WK_ERR_HANDSHAKE_*.
 *
 * @throws {WireKitUsageError} WK_ERR_INVALID_URL for a URL that is not ws:, wss:, http: or https:.
 * @example
 * ```ts
 * import { connect } from '@wirekit/framed'; // was: '@wirekit/task'
 * const connection = await connect('wss://example.com/chat', { protocols: ['chat.v1'] });
 * ```
 */
export const connect: ConnectionFactory = (url: string | URL, options: ConnectOptions = {}): Promise<Connection> => {
  const endpoint = NWEndpoint.url(url);
  if (endpoint.kind !== 'url' || !['ws:', 'wss:', 'http:', 'https:'].includes(endpoint.url.protocol)) {
    throw new WireKitUsageError('WK_ERR_INVALID_URL', `connect() needs a ws:, wss:, http: or https: URL, got ${String(url)}`);
  }
  const secure = endpoint.url.protocol === 'wss:' || endpoint.url.protocol === 'https:';
  return openWebSocket(dialTarget(endpoint, secure), secure, options).then((opened) => opened.connection);
};
