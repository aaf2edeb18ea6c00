/** A plain node:net (or node:tls) server on loopback, for the transports' raw-byte tests. */
import { createServer as createNetServer, type Socket } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';
import type { TlsMaterial } from './tls-material.js';

export interface TcpServer {
  readonly port: number;
  /** The server side of each connection, in the order they were accepted (closed ones too). */
  readonly sockets: Socket[];
  /** Every chunk received, over all connections, in order (only with `record`). */
  readonly received: Buffer[];
  close(): Promise<void>;
}

export interface TcpServerOptions {
  /** Serve TLS with this material (node:tls) instead of plain TCP. */
  readonly tls?: TlsMaterial | undefined;
  /**
   * Keep every chunk received in `received`. Off by default: reading puts the socket in flowing
   * mode, which would hide the backpressure some tests build up on purpose.
   */
  readonly record?: boolean;
}

/** A node:net server on loopback; `onSocket` decides what it does (default: echo the bytes back). */
export async function tcpServer(onSocket: (socket: Socket) => void = (socket) => socket.pipe(socket), options: TcpServerOptions = {}): Promise<TcpServer> {
  const { tls, record = false } = options;
  const sockets: Socket[] = [];
  const received: Buffer[] = [];
  const accept = (socket: Socket): void => {
    sockets.push(socket);
    socket.on('error', () => undefined);
    if (record) socket.on('data', (chunk: Buffer) => received.push(chunk));
    onSocket(socket);
  };
  const server = tls === undefined ? createNetServer(accept) : createTlsServer({ cert: tls.cert, key: tls.key }, accept);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no address');
  return {
    port: address.port,
    sockets,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** A loopback port with nothing listening on it (bound, then released). */
export async function freePort(): Promise<number> {
  const server = await tcpServer();
  await server.close();
  return server.port;
}
