/**
 * The five WireKit transports by name, each with the iOS API it models. Every one exports the
 * same `connect: ConnectionFactory`, so the tour, the CLI and the chat client take a transport
 * by name and never touch anything transport-specific.
 */
import type { ConnectionFactory } from '@wirekit/core';
import { connect as adapterConnect } from '@wirekit/adapter';
import { connect as framedConnect } from '@wirekit/framed';
import { connect as socketConnect } from '@wirekit/socket';
import { connect as streamsConnect } from '@wirekit/streams';
import { connect as taskConnect } from '@wirekit/task';

/** A transport's short name, as in its package name (`@wirekit/<name>`). */
export type TransportName = 'task' | 'framed' | 'streams' | 'socket' | 'adapter';

/** One transport: its factory and the iOS original it imitates. */
export interface Transport {
  readonly name: TransportName;
  readonly iosOriginal: string;
  readonly connect: ConnectionFactory;
}

/** The five transports, in the order of the seed article (URLSession first, third-party last). */
export const TRANSPORTS: readonly Transport[] = [
  { name: 'task', iosOriginal: 'URLSessionWebSocketTask', connect: taskConnect },
  { name: 'framed', iosOriginal: 'NWConnection (Network)', connect: framedConnect },
  { name: 'streams', iosOriginal: 'InputStream/OutputStream', connect: streamsConnect },
  { name: 'socket', iosOriginal: 'CFSocket / BSD socket', connect: socketConnect },
  { name: 'adapter', iosOriginal: 'Starscream (3rd party, on ws)', connect: adapterConnect },
];

/**
 * The transport `pnpm chat` and `wirekit connect` use unless `--transport` says otherwise:
 * @wirekit/framed, the engine over node:net/node:tls with every ConnectOptions field.
 */
export const DEFAULT_TRANSPORT: TransportName = 'framed';

/** The names, for usage messages. */
export const TRANSPORT_NAMES: readonly TransportName[] = TRANSPORTS.map((transport) => transport.name);

/** The transport called `name`, or undefined. */
export function findTransport(name: string): Transport | undefined {
  return TRANSPORTS.find((transport) => transport.name === name);
}
