/** Loopback servers for the integration tests: ws (the independent reference), plain TCP echo, TLS material. */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import { createServer as createNetServer, type Server as NetServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { IncomingMessage } from 'node:http';
import { WebSocketServer, type WebSocket } from 'ws';

export interface WsServer {
  readonly server: WebSocketServer;
  readonly port: number;
  readonly url: string;
  /** Connections seen so far, with their upgrade requests. */
  readonly peers: Array<{ readonly socket: WebSocket; readonly request: IncomingMessage }>;
  /** Close codes and reasons received from clients, in order. */
  readonly closes: Array<{ readonly code: number; readonly reason: string }>;
  close(): Promise<void>;
}

/** A ws server on an ephemeral loopback port that echoes every message (unless `echo` is false). */
export async function wsServer(options: { echo?: boolean; https?: HttpsServer; handleProtocols?: (protocols: Set<string>) => string | false } = {}): Promise<WsServer> {
  const peers: WsServer['peers'] = [];
  const closes: WsServer['closes'] = [];
  const base = { ...(options.handleProtocols === undefined ? {} : { handleProtocols: options.handleProtocols }) };
  const server = options.https === undefined ? new WebSocketServer({ host: '127.0.0.1', port: 0, ...base }) : new WebSocketServer({ server: options.https, ...base });
  if (options.https !== undefined) await new Promise<void>((resolve) => options.https!.listen(0, '127.0.0.1', resolve));
  else await new Promise<void>((resolve) => server.once('listening', resolve));
  server.on('connection', (socket, request) => {
    peers.push({ socket, request });
    socket.on('message', (data, isBinary) => {
      if (options.echo !== false) socket.send(data, { binary: isBinary });
    });
    socket.on('close', (code, reason) => closes.push({ code, reason: reason.toString() }));
    socket.on('error', () => undefined);
  });
  const address = (options.https ?? server).address();
  if (address === null || typeof address === 'string') throw new Error('no address');
  const scheme = options.https === undefined ? 'ws' : 'wss';
  return {
    server,
    port: address.port,
    url: `${scheme}://127.0.0.1:${address.port}`,
    peers,
    closes,
    close: () =>
      new Promise<void>((resolve) => {
        for (const client of server.clients) client.terminate();
        server.close(() => (options.https === undefined ? resolve() : options.https.close(() => resolve())));
        options.https?.closeAllConnections();
      }),
  };
}

export interface TcpServer {
  readonly port: number;
  readonly sockets: Set<Socket>;
  /** Everything received, per connection. */
  readonly received: Buffer[];
  close(): Promise<void>;
}

/** A node:net server on loopback; `onSocket` decides what it does (default: echo the bytes back). */
export async function tcpServer(onSocket: (socket: Socket) => void = (socket) => socket.pipe(socket)): Promise<TcpServer> {
  const sockets = new Set<Socket>();
  const received: Buffer[] = [];
  const server: NetServer = createNetServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => undefined);
    socket.on('data', (chunk) => received.push(chunk));
    socket.once('close', () => sockets.delete(socket));
    onSocket(socket);
  });
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

export interface TlsMaterial {
  readonly cert: string;
  readonly key: string;
}

/** A self-signed certificate for localhost and 127.0.0.1, made by the openssl CLI in a temp dir. */
export function selfSigned(): TlsMaterial {
  const dir = mkdtempSync(join(tmpdir(), 'wirekit-framed-tls-'));
  try {
    const key = join(dir, 'key.pem');
    const cert = join(dir, 'cert.pem');
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1', '-days', '1'], { stdio: 'ignore', timeout: 20_000 });
    return { cert: readFileSync(cert, 'utf8'), key: readFileSync(key, 'utf8') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** An https server with the material, for ws's WebSocketServer({ server }). */
export function httpsServer(material: TlsMaterial): HttpsServer {
  return createHttpsServer({ cert: material.cert, key: material.key });
}
