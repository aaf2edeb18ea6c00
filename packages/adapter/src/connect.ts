import type { Connection, ConnectionFactory, ConnectOptions } from '@wirekit/core';
import { connectWebSocket } from './connect-websocket.js';
import { connectWs } from './connect-ws.js';

type Runtime = { process?: { versions?: Record<string, string | undefined> }; Deno?: unknown };

/**
 * Whether this is Node itself (not Bun or Deno, which also expose `process.versions.node`).
 * Bun and Deno have a global WebSocket that takes request headers; Node 20 has none.
 */
export function isNodeRuntime(runtime: Runtime = globalThis as Runtime): boolean {
  const versions = runtime.process?.versions;
  return typeof versions?.node === 'string' && versions.bun === undefined && runtime.Deno === undefined;
}

/**
 * WireKit's common factory on this transport, the best for the platform: in Node, the `ws`
 * client ({@link connectWs}: headers, origin, TLS options, ping RTT, the HTTP status of a refused
 * upgrade); everywhere else (browsers, Deno, Bun, workers), the global WHATWG WebSocket
 * ({@link connectWebSocket}: no ping; request headers in Deno and Bun only, through their
 * WebSocketInit). The choice is made at each call.
 *
 * @example
 * ```ts
 * import { connect } from '@wirekit/adapter'; // was: '@wirekit/framed'
 * const connection = await connect('wss://example.com/chat');
 * ```
 */
export const connect: ConnectionFactory = (url: string | URL, options?: ConnectOptions): Promise<Connection> => {
  if (isNodeRuntime()) return connectWs(url, options);
  return connectWebSocket(undefined, { requestInit: acceptsRequestInit() })(url, options);
};

/** Deno and Bun take `new WebSocket(url, { protocols, headers })`; browsers do not. */
function acceptsRequestInit(runtime: Runtime = globalThis as Runtime): boolean {
  return runtime.Deno !== undefined || runtime.process?.versions?.bun !== undefined;
}
