import { defineConnect, type Connection, type EngineConnectOptions } from '@wirekit/core';
import { dialTarget } from './nw-endpoint.js';
import { openWebSocket } from './open-transport.js';

/**
 * WireKit's common factory on this transport: a WebSocket `Connection` (core's EngineConnection)
 * over `node:net`, or `node:tls` for wss:, honouring every `ConnectOptions` field (protocols,
 * headers, origin, connectTimeout over connect + TLS + handshake, tls with `verifyPeer` pinning,
 * signal, autoPong, extensions) and every limit of core's EngineLimits (maxMessageSize,
 * maxFragments, maxControlBacklog, outputStallTimeout, receiveHighWaterMark, maxBufferedAmount). Failures reject with a WireKitError:
 * WK_ERR_CONNECTION_REFUSED (posix), WK_ERR_DNS (dns), WK_ERR_TLS (tls), WK_ERR_CONNECT_TIMEOUT,
 * WK_ERR_ABORTED, WK_ERR_HANDSHAKE_*; a bad URL or option rejects too (WK_ERR_INVALID_URL,
 * domain usage, from core's one URL check): it never throws.
 * @example
 * ```ts
 * import { connect } from '@wirekit/framed'; // was: '@wirekit/task'
 * const connection = await connect('wss://example.com/chat', { protocols: ['chat.v1'] });
 * ```
 */
export const connect: (url: string | URL, options?: EngineConnectOptions) => Promise<Connection> = defineConnect((url: URL, options: EngineConnectOptions) => {
  const secure = url.protocol === 'wss:' || url.protocol === 'https:';
  // `url` is defineConnect's checked copy, the endpoint's own: no third parse (NWEndpoint.url copies).
  return openWebSocket(dialTarget({ kind: 'url', url }, secure), secure, options).then((opened) => opened.connection);
});
