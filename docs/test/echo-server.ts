import { createSocket } from 'node:dgram';
import { createServer, type Socket } from 'node:net';
import { WireKitServer } from '@wirekit/server';

/** A running test server: where to reach it, and how to stop it. */
export interface RunningServer {
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

/**
 * The in-process WebSocket server the samples run against: echoes every message on every path,
 * picks the first subprotocol offered, and ends a connection with 1012 (service restart) when it
 * receives the text `drop` (the reconnecting sample uses it). `autoPong: false` makes a peer that
 * never answers pings (the keep-alive sample's dead peer).
 */
export async function startEchoServer(options: { readonly autoPong?: boolean } = {}): Promise<RunningServer> {
  const server = new WireKitServer({ host: '127.0.0.1', port: 0, handleProtocols: (offered) => offered[0], ...options });
  server.on('connection', (connection) => {
    connection.on('message', (message) => {
      if (message === 'drop') {
        connection.close(1012, 'restarting').catch(() => undefined);
        return;
      }
      connection.send(message).catch(() => undefined); // the client may already be gone
    });
  });
  const { url, port } = await server.listen();
  return { url, port, close: () => server.close() };
}

/** A plain TCP echo server on 127.0.0.1 (node:net): every byte comes back, for the raw-byte samples. */
export async function startTcpEchoServer(): Promise<RunningServer> {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined); // a client that resets is not a test failure
    socket.pipe(socket);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no TCP port');
  return {
    url: `tcp://127.0.0.1:${address.port}`,
    port: address.port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      }),
  };
}

/** A UDP echo server on 127.0.0.1 (node:dgram): every datagram goes back to its sender. */
export async function startUdpEchoServer(): Promise<RunningServer> {
  const socket = createSocket('udp4');
  socket.on('message', (message, from) => socket.send(message, from.port, from.address));
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(0, '127.0.0.1', () => resolve());
  });
  const { port } = socket.address();
  return { url: `udp://127.0.0.1:${port}`, port, close: () => new Promise<void>((resolve) => socket.close(() => resolve())) };
}
