/**
 * The peers the integration tests talk to: the first seed's node:net test server, made to echo
 * (it only logged what it got), and a node:dgram echo. Both listen on loopback only.
 */
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';

export interface TcpEchoServer {
  readonly port: number;
  /** Sockets the server accepted, in order. */
  readonly sockets: Socket[];
  close(): Promise<void>;
}

/** `net.createServer((socket) => socket.on('data', …))` from the seed, echoing each chunk and ending when the client ends. */
export async function startTcpEchoServer(host = '127.0.0.1'): Promise<TcpEchoServer> {
  const sockets: Socket[] = [];
  const server: Server = createServer({ allowHalfOpen: true }, (socket) => {
    sockets.push(socket);
    socket.on('error', () => undefined);
    socket.on('data', (data) => socket.write(data));
    socket.on('end', () => socket.end());
  });
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  return {
    port: (server.address() as AddressInfo).port,
    sockets,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

export interface UdpEchoServer {
  readonly port: number;
  close(): Promise<void>;
}

/** Sends every datagram back to its sender. */
export async function startUdpEchoServer(): Promise<UdpEchoServer> {
  const socket: UdpSocket = createSocket('udp4');
  socket.on('message', (message, info) => socket.send(message, info.port, info.address));
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  return { port: socket.address().port, close: () => new Promise<void>((resolve) => socket.close(() => resolve())) };
}

/** A port nothing listens on: bound, read, released. */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Resolves after `ms`; for bounded waits only. */
export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Waits for `check` to hold, polling every 5 ms, failing after `ms`. */
export async function until(check: () => boolean, ms = 2_000, what = 'the condition'): Promise<void> {
  for (let waited = 0; !check(); waited += 5) {
    if (waited >= ms) throw new Error(`${what} did not hold within ${ms} ms`);
    await sleep(5);
  }
}
