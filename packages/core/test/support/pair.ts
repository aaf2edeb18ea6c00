import { createHash, randomFillSync } from 'node:crypto';
import { acceptUpgrade, rejectUpgrade, ServerHandshake, type UpgradeRequest } from '@wirekit/protocol';
import {
  acceptServerConnection,
  memoryChannelPair,
  openClientConnection,
  type ClientConnectionOptions,
  type EngineConnection,
  type MemoryChannel,
  type ServerConnectionOptions,
} from '../../src/index.js';

export const random = (length: number): Uint8Array => randomFillSync(new Uint8Array(length));
export const sha1 = (data: Uint8Array): Uint8Array => createHash('sha1').update(data).digest();

export const URL = 'ws://test.local/chat';

/** What the in-memory server does with the upgrade request. */
export interface ServeOptions {
  /** Refuse with this status instead of accepting. */
  readonly refuse?: number;
  /** Pick a subprotocol from the offered ones. */
  readonly protocol?: (offered: string[]) => string;
  /** Bytes to send right after the 101 in the same write (first frames); several arrays arrive as several reads in one turn. */
  readonly after?: Uint8Array | readonly Uint8Array[];
  readonly connection?: Partial<Omit<ServerConnectionOptions, 'url' | 'protocol' | 'extensions' | 'extensionsHeader' | 'remainder'>>;
  /** Called with the request, e.g. to inspect headers. */
  readonly onRequest?: (request: UpgradeRequest) => void;
}

/**
 * The server side over a memory channel: protocol's ServerHandshake reads the request, then
 * acceptUpgrade writes the 101 and acceptServerConnection takes over the channel.
 */
export function serveOnce(channel: MemoryChannel, options: ServeOptions = {}): Promise<EngineConnection> {
  const handshake = new ServerHandshake();
  return new Promise((resolve, reject) => {
    channel.bind({
      data(chunk) {
        const result = handshake.receive(chunk);
        if (result === null) return;
        if (result.kind === 'invalid') {
          channel.write([result.response], () => channel.end());
          reject(result.error);
          return;
        }
        options.onRequest?.(result.request);
        if (options.refuse !== undefined) {
          channel.write([rejectUpgrade(options.refuse)], () => channel.end());
          reject(new Error(`refused with ${options.refuse}`));
          return;
        }
        const accepted = acceptUpgrade(result.request, { sha1, protocol: options.protocol?.(result.request.protocols) ?? '' });
        const after = options.after === undefined ? [] : options.after instanceof Uint8Array ? [options.after] : options.after;
        channel.write([accepted.response, ...after], () => undefined);
        resolve(
          acceptServerConnection(channel, {
            url: `ws://${result.request.host}${result.request.target}`,
            protocol: accepted.protocol,
            extensions: accepted.extensions,
            extensionsHeader: accepted.extensionsHeader,
            remainder: result.remainder,
            ...options.connection,
          }),
        );
      },
      end: () => channel.end(),
      error: reject,
      close: () => reject(new Error('closed before the handshake')),
      drain: () => undefined,
    });
  });
}

export interface Pair {
  readonly client: EngineConnection;
  readonly server: EngineConnection;
  readonly clientChannel: MemoryChannel;
  readonly serverChannel: MemoryChannel;
}

/** A client and a server EngineConnection joined by a memory channel pair, both open. */
export async function connectPair(client: Partial<ClientConnectionOptions> = {}, serve: ServeOptions = {}): Promise<Pair> {
  const [clientChannel, serverChannel] = memoryChannelPair();
  const server = serveOnce(serverChannel, serve);
  const connection = await openClientConnection(clientChannel, { url: URL, random, sha1, ...client });
  return { client: connection, server: await server, clientChannel, serverChannel };
}

/** Waits for `ms` of real time (bounded waits for async delivery). */
export function tick(ms = 0): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Resolves with the next `event` of a connection, or rejects after `ms`. */
export function next<T>(subscribe: (listener: (value: T) => void) => () => void, ms = 2_000): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      reject(new Error(`no event within ${ms} ms`));
    }, ms);
    const off = subscribe((value) => {
      clearTimeout(timer);
      off();
      resolve(value);
    });
  });
}

/** Runs `body` and returns the unhandled rejections reported meanwhile (after two macrotasks, when Node reports them). */
export async function unhandledRejections(body: () => Promise<void>): Promise<unknown[]> {
  const unhandled: unknown[] = [];
  const record = (reason: unknown): void => void unhandled.push(reason);
  process.on('unhandledRejection', record);
  try {
    await body();
    await tick(10);
    await tick(10);
  } finally {
    process.off('unhandledRejection', record);
  }
  return unhandled;
}
