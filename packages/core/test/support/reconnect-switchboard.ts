import { memoryChannelPair, openClientConnection, WireKitError, type ConnectionFactory, type ConnectOptions, type EngineConnection, type MemoryChannel } from '../../src/index.js';
import { random, serveOnce, sha1, type ServeOptions } from './pair.js';

/** What the switchboard does with the next connect attempt. */
export type Answer =
  | { readonly kind: 'accept'; readonly serve?: ServeOptions }
  | { readonly kind: 'fail'; readonly error: WireKitError }
  /** Never settles by itself; rejects WK_ERR_ABORTED when the attempt's signal aborts. */
  | { readonly kind: 'hang' };

/** One accepted link: the server end and its channel, for the test to drive. */
export interface Link {
  readonly server: EngineConnection;
  readonly channel: MemoryChannel;
}

/**
 * A fake ConnectionFactory over in-memory channels: each attempt takes the next scripted
 * answer (or the default), so reconnect tests are deterministic and need no socket.
 */
export class Switchboard {
  readonly calls: Array<{ readonly url: string; readonly options: ConnectOptions }> = [];
  readonly links: Link[] = [];
  private readonly script: Answer[] = [];

  constructor(private fallback: Answer = { kind: 'accept' }) {}

  /** Answers the next attempts with these, in order, then with the default. */
  next(...answers: Answer[]): this {
    this.script.push(...answers);
    return this;
  }

  /** Changes the default answer. */
  otherwise(answer: Answer): this {
    this.fallback = answer;
    return this;
  }

  get last(): Link {
    const link = this.links.at(-1);
    if (link === undefined) throw new Error('no link yet');
    return link;
  }

  readonly factory: ConnectionFactory = (url, options = {}) => {
    this.calls.push({ url: String(url), options });
    const answer = this.script.shift() ?? this.fallback;
    switch (answer.kind) {
      case 'fail':
        return Promise.reject(answer.error);
      case 'hang':
        return new Promise((_resolve, reject) => {
          options.signal?.addEventListener('abort', () => reject(new WireKitError('WK_ERR_ABORTED', 'aborted')), { once: true });
        });
      case 'accept': {
        const [clientChannel, serverChannel] = memoryChannelPair();
        const served = serveOnce(serverChannel, answer.serve ?? {}).then((server) => {
          this.links.push({ server, channel: serverChannel });
        });
        const { signal: _signal, ...rest } = options;
        return openClientConnection(clientChannel, { ...rest, url: String(url), random, sha1 }).then(async (client) => {
          await served;
          return client;
        });
      }
    }
  };
}

export const refused = (): Answer => ({ kind: 'fail', error: new WireKitError('WK_ERR_CONNECTION_REFUSED', 'connect ECONNREFUSED', { errno: 'ECONNREFUSED' }) });
