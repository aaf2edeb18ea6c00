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

/** The floor: node:net with a 4-byte big-endian length prefix, against a byte-echo server. */
const rawDialer: Dialer = (url, text) =>
  new Promise((resolve, reject) => {
    const { hostname, port } = new URL(url);
    const socket: Socket = netConnect({ host: hostname, port: Number(port), noDelay: true });
    const encoder = new TextEncoder();
    const decoder = new TextDecoder();
    let pending: Buffer = Buffer.alloc(0);
    let corked = false;
    const uncork = (): void => {
      corked = false;
      socket.uncork();
    };
    const client: BenchClient & { error: Error | null } = {
      error: null,
      onMessage: noop,
      send(data) {
        const body = typeof data === 'string' ? encoder.encode(data) : data;
        const head = Buffer.allocUnsafe(4);
        head.writeUInt32BE(body.length, 0);
        // Corked to the end of the turn, as the WireKit transports do: one writev per turn.
        if (!corked) {
          corked = true;
          socket.cork();
          process.nextTick(uncork);
        }
        socket.write(head);
        socket.write(body);
      },
      close: () =>
        new Promise<void>((done) => {
          socket.once('close', () => done());
          socket.end();
        }),
    };
    socket.on('data', (chunk: Buffer) => {
      pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
      while (pending.length >= 4) {
        const length = pending.readUInt32BE(0);
        if (pending.length < 4 + length) break;
        const body = pending.subarray(4, 4 + length);
        pending = pending.subarray(4 + length);
        client.onMessage(text ? decoder.decode(body) : body);
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
  { name: 'raw TCP (floor)', server: 'raw', load: () => Promise.resolve(rawDialer) },
  { name: 'ws', server: 'ws', load: () => Promise.resolve(wsDialer) },
  connectionEntry('task', '@wirekit/task'),
  nativeRow('task'),
  connectionEntry('framed', '@wirekit/framed'),
  nativeRow('framed'),
  connectionEntry('streams', '@wirekit/streams'),
  nativeRow('streams'),
  connectionEntry('socket', '@wirekit/socket'),
  nativeRow('socket'),
  connectionEntry('adapter', '@wirekit/adapter'),
  nativeRow('adapter'),
];
