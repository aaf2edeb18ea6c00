import { randomFillSync } from 'node:crypto';
import { acceptServerConnection, EngineConnection, memoryChannelPair, WireKitError, type Connection, type ConnectOptions } from '@wirekit/core';
import { URLSessionBase, type URLSessionConfiguration, type URLSessionWebSocketDelegate } from '../../src/index.js';

const random = (length: number): Uint8Array => randomFillSync(new Uint8Array(length));

/**
 * A URLSession whose tasks connect over core's in-memory channel pair (no sockets): each task
 * gets a server EngineConnection in `servers`, and the options it connected with in `opened`.
 * With `hold`, connects wait until their signal aborts (a server that never answers).
 */
export class MemorySession extends URLSessionBase {
  readonly servers: EngineConnection[] = [];
  readonly opened: Array<{ url: string; options: ConnectOptions }> = [];
  hold = false;
  /** The subprotocol the server picks from those offered. */
  pick: (offered: readonly string[]) => string = (offered) => offered[0] ?? '';

  constructor(configuration?: URLSessionConfiguration, delegate?: URLSessionWebSocketDelegate | null) {
    super(configuration, delegate ?? null);
  }

  protected openConnection(url: string, options: ConnectOptions): Promise<Connection> {
    this.opened.push({ url, options });
    if (this.hold) {
      return new Promise((_, reject) => {
        options.signal?.addEventListener('abort', () => reject(new WireKitError('WK_ERR_ABORTED', 'aborted')), { once: true });
      });
    }
    const [clientChannel, serverChannel] = memoryChannelPair();
    const client = new EngineConnection(clientChannel, {
      role: 'client',
      url,
      random,
      ...(options.maxMessageSize === undefined ? {} : { maxMessageSize: options.maxMessageSize }),
    });
    const protocol = this.pick(options.protocols ?? []);
    this.servers.push(acceptServerConnection(serverChannel, { url, protocol, extensions: [], extensionsHeader: '' }));
    client.establish({ protocol, extensions: [], extensionsHeader: '' });
    return Promise.resolve(client);
  }
}

/** Records every delegate call, in order, as `[name, ...arguments without session and task]`. */
export function recordingDelegate(): URLSessionWebSocketDelegate & { readonly calls: unknown[][] } {
  const calls: unknown[][] = [];
  return {
    calls,
    didOpenWithProtocol: (_session, _task, protocol) => void calls.push(['open', protocol]),
    didCloseWith: (_session, _task, code, reason) => void calls.push(['close', code, reason === null ? null : new TextDecoder().decode(reason)]),
    didCompleteWithError: (_session, _task, error) => void calls.push(['complete', error?.code ?? null]),
    didBecomeInvalidWithError: (_session, error) => void calls.push(['invalid', error]),
  };
}

/** Resolves when `predicate` holds, polling every 5 ms; rejects after `ms`. */
export async function until(predicate: () => boolean, ms = 2_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
