/**
 * The server side of the server columns, bundled and run inside the runtime under test (a Node
 * child, Bun or Deno): WireKitServer on the runtime's node:http and node:net. It serves the
 * contract suite's control channel with only the WireKit contract server behind it (the Node
 * parent's clients drive it), and a few servers with one feature each for the server cases
 * (test/support/server-cases.ts). It prints one JSON line ({@link HostReady}) on stdout once
 * everything listens, and closes everything and exits when its stdin ends.
 */
import { serveContractEnvironment, startWirekitContractServer, type ContractEnvironment, type WirekitServerModule } from '@wirekit/conformance';
import { perMessageDeflate } from '@wirekit/permessage-deflate';
import * as serverModule from '@wirekit/server';
import { WireKitServer } from '@wirekit/server';

/** What the host prints once it listens. */
export interface HostReady {
  readonly kind: 'ready';
  /** The runtime's own version string, e.g. `Bun 1.4.5`. */
  readonly version: string;
  /** The control channel: `connectEnvironment(controlUrl)` gets a WireKit contract server in this runtime. */
  readonly controlUrl: string;
  /** The feature servers, by name: see {@link FEATURE_SERVERS}. */
  readonly servers: Readonly<Record<FeatureServer, string>>;
}

/** The feature servers, each a WireKitServer with the options its server case needs. */
export const FEATURE_SERVERS = ['deflate', 'rooms', 'limits', 'handshake', 'capacity'] as const;
export type FeatureServer = (typeof FEATURE_SERVERS)[number];

/** Small bounds, so that the cases prove them quickly: 1 KiB messages, 500 ms handshakes, 2 connections. */
export const HOST_LIMITS = { maxMessageSize: 1024, handshakeTimeout: 500, maxConnections: 2 } as const;

interface RuntimeGlobals {
  Bun?: { readonly version: string };
  Deno?: { readonly version: { readonly deno: string } };
  process: { readonly versions: Readonly<Record<string, string | undefined>> };
}

function runtimeVersion(): string {
  const globals = globalThis as unknown as RuntimeGlobals;
  if (globals.Bun !== undefined) return `Bun ${globals.Bun.version}`;
  if (globals.Deno !== undefined) return `Deno ${globals.Deno.version.deno}`;
  return `Node ${globals.process.versions.node ?? '?'}`;
}

/** Only the WireKit contract server lives here; the ws and fault servers are the Node parent's. */
const environment: ContractEnvironment = {
  targetUnavailable: (kind) => Promise.resolve(kind === 'wirekit' ? undefined : `the ${kind} server is not hosted in the runtime under test`),
  startTarget: (kind) => (kind === 'wirekit' ? startWirekitContractServer({ module: serverModule as unknown as WirekitServerModule }) : Promise.reject(new Error(`no ${kind} server here`))),
  startFaultServer: () => Promise.reject(new Error('the fault servers run in the Node parent')),
  closedPortUrl: () => Promise.reject(new Error('the closed port is found by the Node parent')),
};

function featureServers(): Record<FeatureServer, WireKitServer> {
  const host = '127.0.0.1';
  const deflate = new WireKitServer({ host, port: 0, extensions: [perMessageDeflate()] });
  deflate.on('connection', (connection) => connection.on('message', (data) => void connection.send(data).catch(() => undefined)));
  const rooms = new WireKitServer({ host, port: 0 });
  rooms.on('connection', (connection) => {
    const room = rooms.rooms.get('lobby');
    room.join(connection);
    // Every message goes to the others in the room; `broadcast:` prefixed ones to every connection.
    connection.on('message', (data) => {
      if (typeof data === 'string' && data.startsWith('broadcast:')) void rooms.broadcast(data);
      else void room.broadcast(data, { except: [connection] });
    });
  });
  const limits = new WireKitServer({ host, port: 0, maxMessageSize: HOST_LIMITS.maxMessageSize });
  limits.on('connection', (connection) => connection.on('message', (data) => void connection.send(data).catch(() => undefined)));
  const handshake = new WireKitServer({ host, port: 0, handshakeTimeout: HOST_LIMITS.handshakeTimeout });
  const capacity = new WireKitServer({ host, port: 0, maxConnections: HOST_LIMITS.maxConnections });
  for (const server of [deflate, rooms, limits, handshake, capacity]) server.on('error', () => undefined);
  return { deflate, rooms, limits, handshake, capacity };
}

/** Starts everything, prints {@link HostReady}, and runs until stdin ends. */
export async function hostServers(): Promise<void> {
  const control = await serveContractEnvironment({ environment });
  const servers = featureServers();
  const urls = {} as Record<FeatureServer, string>;
  for (const name of FEATURE_SERVERS) urls[name] = (await servers[name].listen()).url;
  const ready: HostReady = { kind: 'ready', version: runtimeVersion(), controlUrl: control.controlUrl, servers: urls };
  process.stdout.write(`${JSON.stringify(ready)}\n`);
  await new Promise<void>((resolve) => {
    process.stdin.on('end', resolve).on('close', resolve).on('error', resolve).resume();
  });
  await Promise.all([control.close(), ...Object.values(servers).map((server) => server.close())]);
  process.exit(0);
}
