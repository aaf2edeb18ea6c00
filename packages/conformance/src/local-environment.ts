import { createServer, type AddressInfo } from 'node:net';
import type { ServerKind } from './contract-server.js';
import type { ContractEnvironment, EnvironmentFaultServer } from './environment.js';
import { startFaultServer } from './fault-server.js';
import { startWirekitContractServer, wirekitServerUnavailable } from './wirekit-contract-server.js';
import { startWsContractServer } from './ws-contract-server.js';

/** A loopback port with nothing listening: bound, then released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Options of {@link localEnvironment}. */
export interface LocalEnvironmentOptions {
  /** Serve the WireKit target on a node:http2 server (h2c, RFC 8441) instead of HTTP/1.1. */
  readonly http2?: boolean;
}

/** The servers of the contract suite in this Node process: what {@link describeConnection} uses. */
export function localEnvironment(options: LocalEnvironmentOptions = {}): ContractEnvironment {
  return {
    targetUnavailable: (kind: ServerKind) => (kind === 'wirekit' ? wirekitServerUnavailable() : Promise.resolve(undefined)),
    startTarget: (kind: ServerKind) => (kind === 'ws' ? startWsContractServer() : startWirekitContractServer({ http2: options.http2 === true })),
    async startFaultServer(options): Promise<EnvironmentFaultServer> {
      const server = await startFaultServer(options);
      return {
        url: server.url,
        mode: server.mode,
        connections: () => Promise.resolve(server.connections),
        pings: () => Promise.resolve(server.pings),
        clientClose: (ms) => server.clientClose(ms),
        received: () => Promise.resolve([...server.received]),
        close: () => server.close(),
      };
    },
    closedPortUrl: async () => `ws://127.0.0.1:${await closedPort()}/`,
  };
}
