import type { Connection, EngineConnectOptions } from '@wirekit/core';
import { connect as framedConnect } from '@wirekit/framed';

/**
 * WireKit's common factory on this package, in Node: the engine's `Connection` over `node:net`
 * or `node:tls`, opened by @wirekit/framed as URLSession sits on Network.framework. It honours
 * every `ConnectOptions` field and every limit of core's `EngineLimits`. Its `maxMessageSize` keeps the engine's 100 MiB default, the
 * limit every WireKit transport shares; the 1 MiB of {@link URLSessionWebSocketTask.maximumMessageSize}
 * is the Apple-style API's own default.
 *
 * Failures reject with a WireKitError (WK_ERR_CONNECTION_REFUSED, WK_ERR_DNS, WK_ERR_TLS,
 * WK_ERR_CONNECT_TIMEOUT, WK_ERR_ABORTED, WK_ERR_HANDSHAKE_*).
 *
 * @throws {WireKitUsageError} WK_ERR_INVALID_URL for a URL that is not ws:, wss:, http: or https:.
 * @example
 * ```ts
 * import { connect } from '@wirekit/task'; // or '@wirekit/framed', '@wirekit/streams', …
 * const connection = await connect('wss://example.com/chat', { protocols: ['chat.v1'] });
 * ```
 */
export const connect = (url: string | URL, options?: EngineConnectOptions): Promise<Connection> => framedConnect(url, options);
