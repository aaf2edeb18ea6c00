/** A ws server on loopback (the independent reference peer of the transports' integration tests). */
import type { IncomingMessage } from 'node:http';
import type { Server as HttpsServer } from 'node:https';
import { WebSocketServer, type WebSocket } from 'ws';

export interface WsServer {
  readonly server: WebSocketServer;
  readonly port: number;
  readonly url: string;
  /** Connections seen so far, with their upgrade requests, in the order they were accepted. */
  readonly peers: Array<{ readonly socket: WebSocket; readonly request: IncomingMessage }>;
  /** Close codes and reasons received from clients, in order. */
  readonly closes: Array<{ readonly code: number; readonly reason: string }>;
  close(): Promise<void>;
}

export interface WsServerOptions {
  /** Echo every message back with its type (default true: most tests want an echo peer). */
  readonly echo?: boolean;
  /** Serve wss:// on this https server (see `httpsServer`) instead of ws:// on its own port. */
  readonly https?: HttpsServer;
  readonly handleProtocols?: (protocols: Set<string>) => string | false;
}

/** A ws server on an ephemeral loopback port that echoes every message (unless `echo` is false). */
export async function wsServer(options: WsServerOptions = {}): Promise<WsServer> {
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
