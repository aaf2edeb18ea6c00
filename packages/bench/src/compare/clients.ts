/**
 * The clients under comparison, each behind one small callback interface so that every
 * workload drives them the same way: fire a message, count echoes through `onMessage`.
 * WireKit transports are used through their `connect` (the shared Connection) and, in the
 * rows of native-clients.ts named "<transport> (… API)", through their own iOS-style API. A transport whose package
 * does not export what is needed yet is reported as unavailable, never faked.
 */
import { connect as netConnect, type Socket } from 'node:net';
import type { Connection, ConnectionFactory, Message } from '@wirekit/core';
import { WebSocket } from 'ws';
import { connectionRowOf, NATIVE_TRANSPORTS, SOCKET_TABLE_LIMIT } from './native-clients.js';

export interface BenchClient {
  /** Sends without waiting; failures are recorded and fail the run. */
  send(data: Message): void;
  /** Set by the workload. */
  onMessage: (data: Message) => void;
  close(): Promise<void>;
  /** The first error seen, if any. */
  readonly error: Error | null;
}

export type Dialer = (url: string, text: boolean) => Promise<BenchClient>;

/** The server a client talks to: the WireKit server, a ws server, or a raw length-prefix echo. */
export type ServerKind = 'wirekit' | 'ws' | 'raw';

export interface TransportEntry {
  readonly name: string;
  readonly server: ServerKind;
  /** Environment of both the server and the client process of this row (e.g. ws without its addon). */
  readonly env?: Readonly<Record<string, string>>;
  /** Whether the broadcast workloads run in this row (they measure the server: one row per server). */
  readonly broadcasts?: boolean;
  /** Loads the dialer; rejects with the reason when the transport is not available. */
  load(): Promise<Dialer>;
}

const noop = (): void => undefined;

function fromConnection(connection: Connection): BenchClient {
  const client: BenchClient & { error: Error | null } = {
    error: null,
    onMessage: noop,
    send(data) {
      connection.send(data).catch((error: Error) => {
        client.error ??= error;
      });
    },
    async close() {
      await connection.close();
    },
  };
  connection.on('message', (data) => client.onMessage(data));
  connection.on('error', (error) => {
    client.error ??= error;
  });
  return client;
}

async function loadFactory(specifier: string): Promise<{ connect: ConnectionFactory; options: Record<string, unknown> }> {
  const module = (await import(specifier)) as { connect?: unknown; SocketTable?: new (options: { limit: number }) => unknown };
  if (typeof module.connect !== 'function') throw new Error(`${specifier} exports no connect yet`);
  // @wirekit/socket's connect takes the table its descriptors come from.
  const options = module.SocketTable === undefined ? {} : { table: new module.SocketTable({ limit: SOCKET_TABLE_LIMIT }) };
  return { connect: module.connect as ConnectionFactory, options };
}

function connectionEntry(name: string, specifier: string): TransportEntry {
  return {
    name,
    server: 'wirekit',
    async load() {
      const { connect, options } = await loadFactory(specifier);
      return async (url) => fromConnection(await connect(url, options));
    },
  };
}

/** The reference row: ws with bufferutil. */
export const WS_ROW = 'ws + bufferutil';
/** ws without its native addon. */
export const WS_PLAIN_ROW = 'ws (no addon)';
/** The raw TCP anchor row. */
export const RAW_ROW = 'raw TCP';

/**
 * The ws dialer, after checking that bufferutil loads beside ws for the row that claims it
 * (a row that cannot be what it says is reported unavailable). Whether ws uses it is decided by
 * WS_NO_BUFFER_UTIL in the row's processes (see the orchestrator's childEnv).
 */
async function loadWs(withAddon: boolean): Promise<Dialer> {
  if (withAddon) {
    const { createRequire } = await import('node:module');
    const wsEntry = createRequire(import.meta.url).resolve('ws');
    try {
      createRequire(wsEntry)('bufferutil');
    } catch (error) {
      throw new Error(`bufferutil cannot be loaded beside ws (${(error as Error).message})`);
    }
  }
  return wsDialer;
}

const wsDialer: Dialer = (url) =>
  new Promise((resolve, reject) => {
    const socket = new WebSocket(url, { perMessageDeflate: false });
    const client: BenchClient & { error: Error | null } = {
      error: null,
      onMessage: noop,
      send(data) {
        socket.send(data, (error) => {
          if (error) client.error ??= error;
        });
      },
      close: () =>
        new Promise<void>((done) => {
          socket.once('close', () => done());
          socket.close(1000);
        }),
    };
    socket.on('message', (data: Buffer, isBinary) => client.onMessage(isBinary ? data : data.toString()));
    socket.once('open', () => resolve(client));
    socket.once('error', (error) => {
      client.error ??= error;
      reject(error);
    });
  });

/**
 * The anchor: the fastest plain TCP echo we could write, so that no WebSocket row can honestly
 * beat it. node:net with a 4-byte big-endian length prefix; a message sent again (as every
 * workload does) reuses its framed bytes, writes are corked to the end of the turn (one writev),
 * and a received message is a view into its chunk when it lies in one, joined once otherwise.
 */
const rawDialer: Dialer = (url, text) =>
  new Promise((resolve, reject) => {
    const { hostname, port } = new URL(url);
    const socket: Socket = netConnect({ host: hostname, port: Number(port), noDelay: true });
    const encoder = new TextEncoder();
    const decoder = new TextDecoder();
    let lastData: Message | null = null;
    let lastFrame: Buffer[] = [];
    let corked = false;
    const uncork = (): void => {
      corked = false;
      socket.uncork();
    };
    // Receive state: the current chunk's unread part, the message being joined, and its length.
    let head = Buffer.allocUnsafe(4);
    let headBytes = 0;
    let parts: Buffer[] = [];
    let need = -1;
    let have = 0;
    const deliver = (body: Buffer): void => client.onMessage(text ? decoder.decode(body) : body);
    const client: BenchClient & { error: Error | null } = {
      error: null,
      onMessage: noop,
      send(data) {
        if (data !== lastData) {
          const body = typeof data === 'string' ? Buffer.from(encoder.encode(data)) : Buffer.from(data.buffer, data.byteOffset, data.length);
          const prefix = Buffer.allocUnsafe(4);
          prefix.writeUInt32BE(body.length, 0);
          lastData = data;
          lastFrame = body.length <= 1024 ? [Buffer.concat([prefix, body])] : [prefix, body];
        }
        if (!corked) {
          corked = true;
          socket.cork();
          process.nextTick(uncork);
        }
        for (const chunk of lastFrame) socket.write(chunk);
      },
      close: () =>
        new Promise<void>((done) => {
          socket.once('close', () => done());
          socket.end();
        }),
    };
    socket.on('data', (chunk: Buffer) => {
      let at = 0;
      while (at < chunk.length) {
        if (need < 0) {
          // The prefix, possibly split across chunks.
          if (headBytes === 0 && chunk.length - at >= 4) {
            need = chunk.readUInt32BE(at);
            at += 4;
          } else {
            head[headBytes++] = chunk[at++]!;
            if (headBytes < 4) continue;
            need = head.readUInt32BE(0);
            headBytes = 0;
            head = Buffer.allocUnsafe(4);
          }
          have = 0;
        }
        const take = Math.min(need - have, chunk.length - at);
        if (have === 0 && take === need) {
          const body = chunk.subarray(at, at + take);
          at += take;
          need = -1;
          deliver(body);
          continue;
        }
        parts.push(chunk.subarray(at, at + take));
        have += take;
        at += take;
        if (have === need) {
          const body = Buffer.concat(parts, need);
          parts = [];
          need = -1;
          deliver(body);
        }
      }
    });
    socket.once('connect', () => resolve(client));
    socket.on('error', (error) => {
      client.error ??= error;
      reject(error);
    });
  });

function nativeRow(connectionRow: string): TransportEntry {
  const entry = NATIVE_TRANSPORTS.find((candidate) => connectionRowOf(candidate.name) === connectionRow);
  if (entry === undefined) throw new Error(`no native row for ${connectionRow}`);
  return entry;
}

/** Every row of the comparison, in table order. */
export const TRANSPORTS: readonly TransportEntry[] = [
  { name: RAW_ROW, server: 'raw', load: () => Promise.resolve(rawDialer) },
  // ws as a performance-minded user runs it, with its optional native addon: the reference.
  { name: WS_ROW, server: 'ws', broadcasts: true, load: () => loadWs(true) },
  // ws with no native addon (its own switch, read when ws is loaded), as on platforms without a compiler or prebuild.
  { name: WS_PLAIN_ROW, server: 'ws', env: { WS_NO_BUFFER_UTIL: '1' }, broadcasts: true, load: () => loadWs(false) },
  connectionEntry('task', '@wirekit/task'),
  nativeRow('task'),
  { ...connectionEntry('framed', '@wirekit/framed'), broadcasts: true },
  nativeRow('framed'),
  connectionEntry('streams', '@wirekit/streams'),
  nativeRow('streams'),
  connectionEntry('socket', '@wirekit/socket'),
  nativeRow('socket'),
  connectionEntry('adapter', '@wirekit/adapter'),
  nativeRow('adapter'),
];
