import type { Connection, ConnectionFactory, ConnectOptions } from '@wirekit/core';
import { checkSupported, createConnect, type BrowserConnectInit } from './browser-connect.js';
import type { URLSessionConfiguration } from './url-session-configuration.js';
import { URLSessionBase, type URLSessionWebSocketDelegate } from './url-session-base.js';

/**
 * `URLSession` for browsers: its WebSocket tasks run on the platform's WHATWG `WebSocket`.
 * Header fields (in `httpAdditionalHeaders` or a request) are refused with WK_ERR_UNSUPPORTED
 * when the task is created, and `sendPing` fails with WK_ERR_UNSUPPORTED: a browser can do neither.
 * The third argument, in place of Swift's `delegateQueue`, can pass a WebSocket constructor.
 */
export class URLSession extends URLSessionBase {
  /** A session with the default configuration and no delegate, as `URLSession.shared`. */
  static readonly shared: URLSession = new URLSession();
  private readonly factory: ConnectionFactory;

  constructor(configuration?: URLSessionConfiguration, delegate?: URLSessionWebSocketDelegate | null, platform: BrowserConnectInit = {}) {
    super(configuration, delegate ?? null);
    this.factory = createConnect(platform);
  }

  protected openConnection(url: string, options: ConnectOptions): Promise<Connection> {
    return this.factory(url, options);
  }

  protected override checkSupported(headers: Readonly<Record<string, string>>): void {
    checkSupported({ headers });
  }
}
