/** A ws server on loopback for the adapter's own integration tests, closed by the test's afterEach. */
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type ServerOptions, type WebSocket } from 'ws';

export interface TestServer {
  readonly url: string;
  readonly wss: WebSocketServer;
  /** The next server-side socket to connect. */
  nextClient(): Promise<WebSocket>;
  close(): Promise<void>;
}

export async function startServer(options: ServerOptions = {}): Promise<TestServer> {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: false, ...options });
  await once(wss, 'listening');
  wss.on('connection', (socket) => socket.on('error', () => undefined));
  const { port } = wss.address() as AddressInfo;
  return {
    url: `ws://127.0.0.1:${port}`,
    wss,
    nextClient: async () => (await once(wss, 'connection'))[0] as WebSocket,
    close: () => new Promise<void>((resolve) => {
      for (const client of wss.clients) client.terminate();
      wss.close(() => resolve());
    }),
  };
}

/** Resolves after `ms`, for bounded waits. */
export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
