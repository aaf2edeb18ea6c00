import { WireKitServer } from '@wirekit/server';

/** The in-process server the samples run against: echoes every message on every path. */
export async function startEchoServer(): Promise<{ url: string; close(): Promise<void> }> {
  const server = new WireKitServer({ host: '127.0.0.1', port: 0 });
  server.on('connection', (connection) => {
    connection.on('message', (message) => {
      connection.send(message).catch(() => undefined); // the client may already be gone
    });
  });
  const { url } = await server.listen();
  return { url, close: () => server.close() };
}
