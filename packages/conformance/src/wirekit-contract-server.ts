import { createServer as createHttp2Server, type Http2Server } from 'node:http2';
import type { AddressInfo } from 'node:net';
import type { Message } from '@wirekit/core';
import { MessageLog, PeerDirectory, selectProtocol, type ContractServer, type PeerClose, type ServerPeer } from './contract-server.js';

/**
 * The parts of @wirekit/server's WireKitServer and its connections the contract server uses,
 * typed structurally: the package is loaded with a dynamic import, so the suite still runs
 * (with this target skipped and the reason shown) while the server does not build.
 */
interface ServerConnection {
  readonly protocol: string;
  readonly closed: Promise<{ readonly code: number; readonly reason: string }>;
  send(data: Message): Promise<void>;
  sendPart(data: Message, isComplete: boolean): Promise<void>;
  close(code?: number, reason?: string): Promise<unknown>;
  terminate(): void;
  on(event: 'message', listener: (data: Message) => void): () => void;
  on(event: 'error', listener: (error: Error) => void): () => void;
}

interface UpgradeRequestLike {
  readonly target: string;
  readonly headers: ReadonlyMap<string, string>;
}

interface WireKitServerLike {
  on(event: 'connection', listener: (connection: ServerConnection, request: UpgradeRequestLike, incoming: { readonly http2?: unknown }) => void): () => void;
  listen(): Promise<{ readonly url: string }>;
  close(): Promise<void>;
}

/** The part of @wirekit/server's module the contract server uses. */
export interface WirekitServerModule {
  readonly WireKitServer: new (options: {
    readonly host: string;
    readonly port: number;
    readonly maxMessageSize: number;
    readonly handleProtocols: (offered: readonly string[]) => string | undefined;
    readonly verifyClient: (info: { readonly request: UpgradeRequestLike }) => true | { readonly status: number };
  }) => WireKitServerLike;
  readonly attachHttp2?: (server: WireKitServerLike, http2: Http2Server) => unknown;
}

/**
 * Imported by a variable specifier so that type-checking this package does not type-check the
 * server's source too; the shape used is {@link WirekitServerModule}. Listed in dependencies.
 */
const SERVER_PACKAGE = '@wirekit/server';
const SERVER_MAX_MESSAGE = 100 * 1024 * 1024;
const FORBIDDEN_STATUS = 403;

/**
 * Starts the WireKit contract server on @wirekit/server, with the same routes as the ws one.
 *
 * @param options `http2` serves the target on an h2c server through `attachHttp2` (RFC 8441);
 *   `module` is the server module to use, loaded with a dynamic import by default. A bundled
 *   runner (the platform tests' server host in Bun and Deno) passes the one it bundled.
 * @throws {Error} when @wirekit/server cannot be loaded or lacks `WireKitServer`; the suite
 *   shows the message as the reason the target is skipped.
 */
export async function startWirekitContractServer(
  options: { readonly http2?: boolean; readonly module?: WirekitServerModule } = {},
): Promise<ContractServer & { readonly http2Streams: () => number }> {
  const module = options.module ?? (await loadServerModule());
  const directory = new PeerDirectory();
  const server = new module.WireKitServer({
    host: '127.0.0.1',
    port: 0,
    maxMessageSize: SERVER_MAX_MESSAGE,
    handleProtocols: (offered) => selectProtocol(offered) || undefined,
    verifyClient: ({ request }) => (request.target.startsWith('/forbidden') ? { status: FORBIDDEN_STATUS } : true),
  });
  let http2Streams = 0;
  server.on('connection', (connection, request, incoming) => {
    if (incoming.http2 !== undefined) http2Streams++;
    directory.add(wirekitPeer(connection, request));
  });
  const common = { kind: 'wirekit' as const, peer: (path: string, ms: number) => directory.get(path, ms), http2Streams: () => http2Streams };
  if (options.http2 !== true) {
    const { url } = await server.listen();
    return { ...common, url: url.replace(/\/$/, ''), close: () => server.close() };
  }
  if (module.attachHttp2 === undefined) throw new Error('@wirekit/server does not export attachHttp2');
  const h2 = createHttp2Server();
  module.attachHttp2(server, h2);
  await new Promise<void>((resolve) => h2.listen(0, '127.0.0.1', resolve));
  const { port } = h2.address() as AddressInfo;
  return {
    ...common,
    url: `ws://127.0.0.1:${String(port)}`,
    close: async () => {
      await server.close();
      await new Promise<void>((resolve) => h2.close(() => resolve()));
    },
  };
}

async function loadServerModule(): Promise<WirekitServerModule> {
  let module: Partial<WirekitServerModule>;
  try {
    module = (await import(SERVER_PACKAGE)) as Partial<WirekitServerModule>;
  } catch (error) {
    throw new Error(`@wirekit/server could not be loaded (${error instanceof Error ? error.message.split('\n')[0] : String(error)})`);
  }
  if (typeof module.WireKitServer !== 'function') throw new Error('@wirekit/server does not export WireKitServer');
  return module as WirekitServerModule;
}

/** Why the WireKit target cannot run (the package does not load), or undefined when it can. */
export async function wirekitServerUnavailable(): Promise<string | undefined> {
  try {
    await loadServerModule();
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

function wirekitPeer(connection: ServerConnection, request: UpgradeRequestLike): ServerPeer {
  const path = request.target;
  const log = new MessageLog();
  const headers: Record<string, string> = {};
  for (const [name, value] of request.headers) headers[name.toLowerCase()] = value;
  connection.on('error', () => undefined); // peer faults end in `closed`; the case asserts on that
  connection.on('message', (message) => {
    log.push(message);
    if (path.startsWith('/echo')) connection.send(message).catch(() => undefined);
  });
  const closed: Promise<PeerClose> = connection.closed.then(({ code, reason }) => ({ code, reason }));
  return {
    path,
    protocol: connection.protocol,
    headers,
    received: log.items,
    messages: (count, ms) => log.first(count, ms),
    closed,
    send: (data) => connection.send(data),
    sendFragments: async (fragments) => {
      await Promise.all(fragments.map((fragment, index) => connection.sendPart(fragment, index === fragments.length - 1)));
    },
    close: (code, reason) => void connection.close(code, reason).catch(() => undefined),
    drop: () => connection.terminate(),
  };
}
