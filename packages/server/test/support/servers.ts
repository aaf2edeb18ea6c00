/** Starts WireKitServers on ephemeral loopback ports and closes them after each test. */
import { afterEach } from 'vitest';
import type { EngineConnection } from '@wirekit/core';
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

/**
 * The server's connections, in the order they opened: each next() waits (at most 5 s) for the
 * next one. Listeners added to `connection` before this call run first.
 */
export function arrivals(server: WireKitServer, what = 'a connection'): { next: () => Promise<EngineConnection> } {
  const opened: EngineConnection[] = [];
  const waiters: Array<() => void> = [];
  server.on('connection', (connection) => {
    opened.push(connection);
    for (const wake of waiters.splice(0)) wake();
  });
  let taken = 0;
  return {
    next: () =>
      within(5_000, new Promise((resolve) => {
        const check = (): void => {
          const connection = opened[taken];
          if (connection === undefined) return void waiters.push(check);
          taken++;
          resolve(connection);
        };
        check();
      }), what),
  };
}
