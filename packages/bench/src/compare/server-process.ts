/**
 * A benchmark server in its own process: `wirekit` (@wirekit/server), `ws`, or `raw` (a byte
 * echo for length-prefixed messages). Echoes every message. Talks to the orchestrator over IPC:
 * sends { port } when listening; answers { type: 'mark' } and { type: 'measure' } with memory.
 */
import { createServer } from 'node:net';
import { WireKitServer } from '@wirekit/server';
import { WebSocketServer } from 'ws';
import type { ServerKind } from './clients.js';
import { isBroadcast, type WorkloadName } from './workloads.js';

const kind = process.argv[2] as ServerKind;
/** In the broadcast workloads every message is relayed to every connection instead of echoed. */
const relay = isBroadcast(process.argv[3] as WorkloadName);
const send = (message: unknown): void => {
  process.send?.(message);
};
const gc = (): void => (globalThis as { gc?: () => void }).gc?.();

async function listen(): Promise<number> {
  if (kind === 'wirekit') {
    // Text as bytes, as a ws user echoes the Buffer: an echo or relay need not decode and re-encode.
    const server = new WireKitServer({ host: '127.0.0.1', port: 0, textAsBytes: true });
    server.on('connection', (connection) => {
      connection.on('message', (message) => {
        if (relay) void server.broadcast(message);
        // A send nobody awaits never becomes an unhandled rejection: as ws's echo, no handler per send.
        else void connection.send(message);
      });
    });
    const { port } = await server.listen();
    return port;
  }
  if (kind === 'ws') {
    const server = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: false });
    server.on('connection', (socket) => {
      socket.on('message', (data, isBinary) => {
        // ws has no broadcast: its documentation's loop of send() over the server's clients.
        if (relay) for (const client of server.clients) client.send(data, { binary: isBinary });
        else socket.send(data, { binary: isBinary });
      });
    });
    await new Promise<void>((resolve) => server.once('listening', () => resolve()));
    return (server.address() as { port: number }).port;
  }
  const server = createServer({ noDelay: true }, (socket) => {
    socket.pipe(socket);
    socket.on('error', () => socket.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return (server.address() as { port: number }).port;
}

let mark = process.memoryUsage();
process.on('message', (message: { type: string }) => {
  if (message.type === 'mark') {
    gc();
    mark = process.memoryUsage();
    send({ type: 'marked' });
  } else if (message.type === 'measure') {
    gc();
    const now = process.memoryUsage();
    send({ type: 'measured', heapUsed: now.heapUsed - mark.heapUsed, rss: now.rss - mark.rss });
  }
});
process.on('disconnect', () => process.exit(0));

listen().then(
  (port) => send({ type: 'listening', port }),
  (error: Error) => {
    console.error(error);
    process.exit(1);
  },
);
