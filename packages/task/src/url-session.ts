import type { Connection, ConnectOptions } from '@wirekit/core';
import { connect } from './connect.js';
import type { URLSessionConfiguration } from './url-session-configuration.js';
import { URLSessionBase, type URLSessionWebSocketDelegate } from './url-session-base.js';

/**
 * `URLSession` for Node: its WebSocket tasks run on WireKit's engine over `node:net` or
 * `node:tls` (through @wirekit/framed, as URLSession sits on Network.framework). There is no
 * delegate queue: delegates are called on Node's event loop.
 *
 * @example
 * ```ts
 * const session = new URLSession(URLSessionConfiguration.default, delegate);
 * const task = session.webSocketTask('wss://example.com/chat', ['chat.v1']);
 * task.resume();
 * await task.send({ type: 'string', string: 'hello' });
 * const message = await task.receive();
 * task.cancel(URLSessionWebSocketTask.CloseCode.goingAway);
 * ```
 */
export class URLSession extends URLSessionBase {
  /** A session with the default configuration and no delegate, as `URLSession.shared`. */
  static readonly shared: URLSession = new URLSession();

  constructor(configuration?: URLSessionConfiguration, delegate?: URLSessionWebSocketDelegate | null) {
    super(configuration, delegate ?? null);
  }

  protected openConnection(url: string, options: ConnectOptions): Promise<Connection> {
    return connect(url, options);
  }
}
