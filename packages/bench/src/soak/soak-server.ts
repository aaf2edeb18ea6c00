// Child process: the server side of a soak, for one target. Started by runSoak() with the target
// as its argument; talks to the orchestrator over the IPC channel (see soak-protocol.ts).
import type { AddressInfo } from 'node:net';
import { isAbsolute } from 'node:path';
import { pathToFileURL } from 'node:url';
import type * as WireKitServerModule from '@wirekit/server';
import { WebSocketServer } from 'ws';
import { ErrorLog, sampleMemory, type FromServer, type ServerStats, type SoakTarget, type ToChild } from './soak-protocol.js';

const target = process.argv[2] as SoakTarget;
/** '@wirekit/server' (sources) or the path of a compiled build (see soak-build.ts). */
const serverModule = process.argv[3] ?? '@wirekit/server';
const errors = new ErrorLog();
let accepted = 0;
let received = 0;
let peak = 0;
let stopping = false;

function send(message: FromServer): void {
  process.send?.(message);
}

/** One server of either stack, reduced to what the soak needs. */
interface EchoServer {
  readonly url: string;
  readonly open: () => number;
  readonly stop: () => Promise<void>;
}

async function wirekit(): Promise<EchoServer> {
  const specifier = isAbsolute(serverModule) ? pathToFileURL(serverModule).href : serverModule;
  const { WireKitServer } = (await import(specifier)) as typeof WireKitServerModule;
  const server = new WireKitServer({ host: '127.0.0.1', port: 0 });
  server.on('error', (error) => errors.add(error));
  server.on('connection', (connection) => {
    accepted += 1;
    peak = Math.max(peak, server.connections.size);
    connection.on('message', (data) => {
      received += 1;
      connection.send(data).catch((error: unknown) => {
        if (!stopping) errors.add(error);
      });
    });
    connection.on('error', (error) => {
      if (!stopping) errors.add(error);
    });
  });
  const { url } = await server.listen();
  return { url, open: () => server.connections.size, stop: () => server.close() };
}

async function ws(): Promise<EchoServer> {
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  server.on('error', (error) => errors.add(error));
  server.on('connection', (socket) => {
    accepted += 1;
    peak = Math.max(peak, server.clients.size);
    socket.on('message', (data, isBinary) => {
      received += 1;
      socket.send(data, { binary: isBinary }, (error) => {
        if (error !== undefined && error !== null && !stopping) errors.add(error);
      });
    });
    socket.on('error', (error) => {
      if (!stopping) errors.add(error);
    });
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `ws://127.0.0.1:${port}`,
    open: () => server.clients.size,
    stop: async () => {
      for (const client of server.clients) client.close(1001, 'Server shutting down');
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

const stats = (held: number): ServerStats => ({ held, peak, accepted, received, errors: errors.count, errorSamples: errors.samples });

async function main(): Promise<void> {
  // Sampled before listening; the server module is loaded first so that its code is not counted.
  if (target === 'wirekit') await import(isAbsolute(serverModule) ? pathToFileURL(serverModule).href : serverModule);
  const baseline = sampleMemory();
  const server = target === 'ws' ? await ws() : await wirekit();
  process.on('message', (message: ToChild) => {
    if (message.type === 'measure') {
      const held = server.open();
      send({ type: 'measured', loaded: sampleMemory(), stats: stats(held) });
      return;
    }
    stopping = true;
    void server.stop().then(() => {
      send({ type: 'stopped', stats: stats(server.open()) });
      process.disconnect?.();
    });
  });
  send({ type: 'listening', url: server.url, baseline });
}

void main();
