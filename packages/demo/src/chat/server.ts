/**
 * The chat server: one node:http server that serves the page (`/`) and its bundled script
 * (`/chat.js`), with a WireKitServer attached for the WebSocket endpoint (`/chat`). The chat
 * itself is a {@link ChatService} on the server's rooms.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { WireKitServer, type Broker } from '@wirekit/server';
import { bounded, describeError } from '../bounded.js';
import { ChatService, type ChatServiceOptions } from './chat-service.js';
import { FAVICON_ICO } from './favicon.js';
import { buildClientBundle, CHAT_PAGE } from './page.js';
import { CHAT_PROTOCOL, MAX_TEXT_LENGTH } from './protocol.js';

/** Options of {@link startChatServer}. */
export interface ChatServerOptions extends ChatServiceOptions {
  /** Defaults to 127.0.0.1: a demo is not reachable from the network unless asked. */
  readonly host?: string;
  /** Defaults to 0, an ephemeral port, printed once listening. */
  readonly port?: number;
  /** Where the server reports what it does and what failed; defaults to nowhere. */
  readonly log?: (line: string) => void;
  /** The broker shared with the other chat nodes (`--nodes N`); defaults to the server's in-process one. */
  readonly broker?: Broker;
}

/** A running chat server. */
export interface RunningChatServer {
  /** The page, e.g. http://127.0.0.1:8080/ */
  readonly url: string;
  /** The WebSocket endpoint, e.g. ws://127.0.0.1:8080/chat */
  readonly wsUrl: string;
  readonly chat: ChatService;
  /** Closes every chat connection (1001) and the HTTP server; bounded. */
  close(): Promise<void>;
}

/**
 * The largest WebSocket message accepted. A chat line is at most MAX_TEXT_LENGTH characters
 * (4 bytes each in UTF-8, plus the JSON around it); anything far bigger is not chat, and the
 * engine closes with 1009 instead of buffering it.
 */
const MAX_MESSAGE_SIZE = MAX_TEXT_LENGTH * 4 + 1_024;

/**
 * Builds the web client, then serves the page and the chat.
 * @throws {Error} when the bundle cannot be built, or the port cannot be bound (EADDRINUSE).
 */
export async function startChatServer(options: ChatServerOptions = {}): Promise<RunningChatServer> {
  const log = options.log ?? ((): void => undefined);
  const started = performance.now();
  const script = await buildClientBundle();
  log(`chat: web client bundled with esbuild (${String(Math.round(script.length / 1024))} KiB, ${(performance.now() - started).toFixed(0)} ms)`);
  const http = createServer((request, response) => serve(request, response, script));
  const wire = new WireKitServer({
    server: http,
    host: options.host ?? '127.0.0.1',
    port: options.port ?? 0,
    path: '/chat',
    handleProtocols: (offered) => (offered.includes(CHAT_PROTOCOL) ? CHAT_PROTOCOL : undefined),
    maxMessageSize: MAX_MESSAGE_SIZE,
    maxConnections: 1_000,
    // A chat client is small; a stalled one should not hold more than this in the server.
    maxBufferedAmount: 1024 * 1024,
    ...(options.broker === undefined ? {} : { broker: options.broker }),
  });
  const chat = new ChatService(wire.rooms, { ...options, report: options.report ?? log });
  wire.on('connection', (connection) => chat.accept(connection));
  wire.on('error', (error) => log(`chat: ${describeError(error)}`));
  const address = await wire.listen();
  const host = address.host.includes(':') ? `[${address.host}]` : address.host;
  const url = `http://${host}:${String(address.port)}/`;
  return {
    url,
    wsUrl: address.url,
    chat,
    async close() {
      await bounded(wire.close(), 10_000, 'closing the chat connections');
      http.closeAllConnections();
      await bounded(new Promise<void>((resolve) => http.close(() => resolve())), 5_000, 'closing the HTTP server');
    },
  };
}

function serve(request: IncomingMessage, response: ServerResponse, script: string): void {
  const path = new URL(request.url ?? '/', 'http://localhost').pathname;
  if (request.method !== 'GET' && request.method !== 'HEAD') return reply(response, 405, 'text/plain', 'only GET\n');
  if (path === '/') return reply(response, 200, 'text/html; charset=utf-8', CHAT_PAGE);
  if (path === '/chat.js') return reply(response, 200, 'text/javascript; charset=utf-8', script);
  if (path === '/favicon.ico') return reply(response, 200, 'image/x-icon', FAVICON_ICO);
  if (path === '/chat') return reply(response, 426, 'text/plain', 'this is the WebSocket endpoint: connect with ws://\n');
  reply(response, 404, 'text/plain', 'not found\n');
}

function reply(response: ServerResponse, status: number, type: string, body: string | Uint8Array): void {
  response.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
  response.end(body);
}
