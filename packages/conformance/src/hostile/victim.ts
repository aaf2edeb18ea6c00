// The victim of a hostile peer, run as a child process with a small heap (see VictimProcess):
// a WireKit or ws server, or a WireKit transport's or ws's client, with a typical application on
// top. It reports over IPC how each connection ended, and its memory after a forced GC, so
// that unbounded growth shows as a failed assertion, or as a process killed by its heap limit.
import type { Connection, ConnectionFactory, Message } from '@wirekit/core';
import type { ExtensionFactory } from '@wirekit/protocol';
import { InProcessBroker, InProcessHub, WireKitServer } from '@wirekit/server';
import { WebSocket, WebSocketServer, type RawData } from 'ws';

/** What to run; the transports and permessage-deflate are loaded from the paths given (see VictimProcess). */
export type VictimConfig =
  | {
      readonly kind: 'wirekit-server' | 'ws-server';
      readonly deflatePath?: string;
      readonly handshakeTimeout?: number;
      readonly outputStallTimeout?: number;
      readonly closeTimeout?: number;
      /** A WireKit server's in-process broker keeps at most this many session records (default 100 000). */
      readonly maxSessions?: number;
      /** `echo` (the default) answers every message up to 64 KiB; `relay` broadcasts every message to every connection. */
      readonly app?: 'echo' | 'relay';
    }
  | {
      readonly kind: 'wirekit-client' | 'ws-client';
      readonly url: string;
      readonly transportPath?: string;
      readonly deflatePath?: string;
      readonly connectTimeout?: number;
      /** `echo` answers every message up to 64 KiB; `idle` never takes a message. */
      readonly app: 'echo' | 'idle';
    };

/** How one connection ended, as the victim saw it. */
export interface VictimClose {
  readonly code: number;
  readonly errors: readonly string[];
  /** Messages delivered after the `close` event (must be 0). */
  readonly lateMessages: number;
}

/** What the victim sends its parent. */
export type VictimReport =
  | { readonly type: 'ready'; readonly port: number }
  | { readonly type: 'closed'; readonly close: VictimClose }
  | { readonly type: 'connected' }
  | { readonly type: 'connect-failed'; readonly code: string }
  | { readonly type: 'memory'; readonly heapUsed: number; readonly external: number; readonly rss: number; readonly maxRss: number }
  | { readonly type: 'cpu'; readonly ms: number }
  | { readonly type: 'failures'; readonly codes: Readonly<Record<string, number>>; readonly connections: number };

/** What the parent asks. */
export type VictimRequest = { readonly type: 'memory' } | { readonly type: 'cpu'; readonly windowMs: number } | { readonly type: 'failures' };

/** A relaying server's broadcast failures so far, by error code (none is dropped silently), and the connections they were for. */
const failures: Record<string, number> = {};
const failedConnections = new WeakSet<Connection>();
let failedConnectionCount = 0;

/** Messages up to this size are echoed; larger ones (inflated bombs) are only counted. */
const ECHO_LIMIT = 64 * 1024;

const send = (report: VictimReport): void => void process.send?.(report);
const sizeOf = (message: Message | RawData): number => (typeof message === 'string' ? message.length : Array.isArray(message) ? message.reduce((n, b) => n + b.length, 0) : (message as Uint8Array).byteLength);

/** Watches a WireKit connection the way the victim reports it; `app` runs the application. */
function watch(connection: Connection, app: 'echo' | 'idle'): void {
  const errors: string[] = [];
  let closed = false;
  let lateMessages = 0;
  connection.on('error', (error) => errors.push((error as { code?: string }).code ?? String(error)));
  connection.on('close', (info) => {
    closed = true;
    // Reported a turn later, so that messages delivered after the event are counted.
    setTimeout(() => send({ type: 'closed', close: { code: info.code, errors, lateMessages } }), 50);
  });
  if (app === 'idle') return;
  void (async () => {
    try {
      for await (const message of connection) {
        if (closed) lateMessages++;
        if (sizeOf(message) <= ECHO_LIMIT) await connection.send(message);
      }
    } catch {
      // The connection ended under the echo: how it ended is reported by `close`.
    }
  })();
}

function watchWs(socket: WebSocket, app: 'echo' | 'idle'): void {
  const errors: string[] = [];
  let closed = false;
  let lateMessages = 0;
  socket.on('error', (error) => errors.push((error as { code?: string }).code ?? error.message));
  socket.on('message', (data, isBinary) => {
    if (closed) lateMessages++;
    if (app === 'echo' && sizeOf(data) <= ECHO_LIMIT) socket.send(data, { binary: isBinary });
  });
  socket.on('close', (code) => {
    closed = true;
    setTimeout(() => send({ type: 'closed', close: { code, errors, lateMessages } }), 50);
  });
}

async function deflate(path: string | undefined): Promise<readonly ExtensionFactory[] | undefined> {
  if (path === undefined) return undefined;
  const module = (await import(path)) as { perMessageDeflate: () => ExtensionFactory };
  return [module.perMessageDeflate()];
}

async function start(config: VictimConfig): Promise<void> {
  switch (config.kind) {
    case 'wirekit-server': {
      const extensions = await deflate(config.deflatePath);
      const { handshakeTimeout, outputStallTimeout, closeTimeout, maxSessions } = config;
      const server = new WireKitServer({
        ...(extensions === undefined ? {} : { extensions }),
        ...(handshakeTimeout === undefined ? {} : { handshakeTimeout }),
        ...(outputStallTimeout === undefined ? {} : { outputStallTimeout }),
        ...(closeTimeout === undefined ? {} : { closeTimeout }),
        ...(maxSessions === undefined ? {} : { broker: new InProcessBroker({ hub: new InProcessHub({ maxSessions }) }) }),
      });
      if (config.app === 'relay') {
        // A chat room's server: every message goes to every connection, the sender's included.
        server.on('connection', (connection) => {
          watch(connection, 'idle');
          connection.on('message', (message) => {
            void server.broadcast(message).then(({ failed }) => {
              for (const { connection: target, error } of failed) {
                failures[error.code] = (failures[error.code] ?? 0) + 1;
                if (failedConnections.has(target)) continue;
                failedConnections.add(target);
                failedConnectionCount++;
              }
            });
          });
        });
      } else server.on('connection', (connection) => watch(connection, 'echo'));
      const { port } = await server.listen();
      return send({ type: 'ready', port });
    }
    case 'ws-server': {
      const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: config.deflatePath !== undefined });
      wss.on('connection', (socket) => watchWs(socket, 'echo'));
      await new Promise<void>((resolve) => wss.once('listening', () => resolve()));
      return send({ type: 'ready', port: (wss.address() as { port: number }).port });
    }
    case 'wirekit-client': {
      const { connect } = (await import(config.transportPath!)) as { connect: ConnectionFactory };
      const extensions = await deflate(config.deflatePath);
      send({ type: 'ready', port: 0 });
      try {
        const connection = await connect(config.url, { ...(extensions === undefined ? {} : { extensions }), connectTimeout: config.connectTimeout ?? 5_000 });
        watch(connection, config.app);
        send({ type: 'connected' });
      } catch (error) {
        send({ type: 'connect-failed', code: (error as { code?: string }).code ?? String(error) });
      }
      return;
    }
    case 'ws-client': {
      send({ type: 'ready', port: 0 });
      const socket = new WebSocket(config.url, { perMessageDeflate: config.deflatePath !== undefined, handshakeTimeout: config.connectTimeout ?? 5_000 });
      let opened = false;
      socket.once('open', () => {
        opened = true;
        send({ type: 'connected' });
      });
      socket.once('error', (error) => {
        if (!opened) send({ type: 'connect-failed', code: (error as { code?: string }).code ?? error.message });
      });
      watchWs(socket, config.app);
      return;
    }
  }
}

function measureMemory(): VictimReport {
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  gc?.();
  const usage = process.memoryUsage();
  return { type: 'memory', heapUsed: usage.heapUsed, external: usage.external, rss: usage.rss, maxRss: process.resourceUsage().maxRSS * 1024 };
}

process.on('message', (request: VictimRequest) => {
  if (request.type === 'memory') return send(measureMemory());
  if (request.type === 'failures') return send({ type: 'failures', codes: { ...failures }, connections: failedConnectionCount });
  const before = process.cpuUsage();
  setTimeout(() => {
    const used = process.cpuUsage(before);
    send({ type: 'cpu', ms: (used.user + used.system) / 1000 });
  }, request.windowMs);
});
// The parent going away ends the victim: no orphan outlives a crashed test run.
process.on('disconnect', () => process.exit(0));

void start(JSON.parse(process.argv[2]!) as VictimConfig);
