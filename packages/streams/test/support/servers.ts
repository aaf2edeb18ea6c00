/** Loopback servers for the integration tests: a plain node:net echo server, a ws server, TLS material. */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import { createServer as createNetServer, type Socket } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WebSocketServer, type WebSocket } from 'ws';

export interface TcpServer {
  readonly port: number;
  /** The server side of each connection, in the order they were accepted. */
  readonly sockets: Socket[];
  close(): Promise<void>;
}

/** The seed's test server: node:net on loopback; `onSocket` decides what it does (default: echo). */
export async function tcpServer(onSocket: (socket: Socket) => void = (socket) => socket.pipe(socket), tls?: TlsMaterial): Promise<TcpServer> {
  const sockets: Socket[] = [];
  const accept = (socket: Socket): void => {
    sockets.push(socket);
    socket.on('error', () => undefined);
    onSocket(socket);
  };
  const server = tls === undefined ? createNetServer(accept) : createTlsServer({ cert: tls.cert, key: tls.key }, accept);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no address');
  return {
    port: address.port,
    sockets,
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

export interface WsServer {
  readonly port: number;
  readonly url: string;
  readonly peers: WebSocket[];
  /** The upgrade request headers of each peer, in the same order. */
  readonly headers: Array<Readonly<Record<string, string | string[] | undefined>>>;
  /** Close codes and reasons the server received, in order. */
  readonly closes: Array<{ readonly code: number; readonly reason: string }>;
  close(): Promise<void>;
}

/** A ws server on loopback that echoes every message with its type (unless `echo` is false). */
export async function wsServer(options: { echo?: boolean; https?: HttpsServer } = {}): Promise<WsServer> {
  const peers: WebSocket[] = [];
  const headers: WsServer['headers'] = [];
  const closes: WsServer['closes'] = [];
  const server = options.https === undefined ? new WebSocketServer({ host: '127.0.0.1', port: 0 }) : new WebSocketServer({ server: options.https });
  if (options.https !== undefined) await new Promise<void>((resolve) => options.https!.listen(0, '127.0.0.1', resolve));
  else await new Promise<void>((resolve) => server.once('listening', resolve));
  server.on('connection', (socket, request) => {
    peers.push(socket);
    headers.push(request.headers);
    socket.on('message', (data, isBinary) => {
      if (options.echo !== false) socket.send(data, { binary: isBinary });
    });
    socket.on('close', (code, reason) => closes.push({ code, reason: reason.toString() }));
    socket.on('error', () => undefined);
  });
  const address = (options.https ?? server).address();
  if (address === null || typeof address === 'string') throw new Error('no address');
  return {
    port: address.port,
    url: `${options.https === undefined ? 'ws' : 'wss'}://127.0.0.1:${address.port}`,
    peers,
    headers,
    closes,
    close: () =>
      new Promise<void>((resolve) => {
        for (const client of server.clients) client.terminate();
        server.close(() => (options.https === undefined ? resolve() : options.https.close(() => resolve())));
        options.https?.closeAllConnections();
      }),
  };
}

export interface TlsMaterial {
  readonly cert: string;
  readonly key: string;
}

/** A self-signed certificate for localhost and 127.0.0.1, made by the openssl CLI in a temp dir. */
export function selfSigned(): TlsMaterial {
  const dir = mkdtempSync(join(tmpdir(), 'wirekit-streams-tls-'));
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
