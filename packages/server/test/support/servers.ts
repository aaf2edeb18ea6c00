/** Starts WireKitServers on ephemeral loopback ports and closes them after each test. */
import { afterEach } from 'vitest';
import { WireKitServer, type WireKitServerOptions } from '../../src/index.js';
import { within } from './harness.js';

const started: WireKitServer[] = [];

afterEach(async () => {
  await within(10_000, Promise.all(started.splice(0).map((server) => server.close())), 'servers to close');
});

/** A listening server; closed after the test. */
export async function startServer(options: WireKitServerOptions = {}): Promise<{ server: WireKitServer; url: string; port: number }> {
  const server = new WireKitServer({ port: 0, host: '127.0.0.1', ...options });
  started.push(server);
  const { url, port } = await server.listen();
  return { server, url, port };
}

/** An echo server: every message comes back as it came. */
export async function startEchoServer(options: WireKitServerOptions = {}): Promise<{ server: WireKitServer; url: string; port: number }> {
  const started = await startServer(options);
  started.server.on('connection', (connection) => {
    connection.on('message', (message) => void connection.send(message).catch(() => undefined));
  });
  return started;
}
