/**
 * Loopback helpers for the integration tests: ws clients and raw TCP clients, every wait bounded.
 */
import { connect } from 'node:net';
import WebSocket, { type RawData } from 'ws';

/** Rejects when `promise` has not settled within `ms`, naming what was awaited. */
export function within<T>(ms: number, promise: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${String(ms)} ms waiting for ${what}`)), ms);
  });
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}

const WAIT = 5_000;

/**
 * A ws client, open. Its messages are collected from the start: frames that arrive with the 101
 * are emitted on a nextTick, before the caller's `await` resumes.
 */
export function openClient(url: string, protocols?: string | string[]): Promise<WebSocket> {
  const ws = new WebSocket(url, protocols);
  collect(ws);
  return within(
    WAIT,
    new Promise<WebSocket>((resolve, reject) => {
      ws.once('open', () => resolve(ws));
      ws.once('error', reject);
    }),
    `ws open ${url}`,
  );
}

/** A message as the test compares it: text as string, binary as Uint8Array. */
export function decode(data: RawData, isBinary: boolean): string | Uint8Array {
  const buffer = Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as ArrayBuffer);
  return isBinary ? new Uint8Array(buffer) : buffer.toString('utf8');
}

interface Inbox {
  readonly messages: Array<string | Uint8Array>;
  /** The first `count` messages, once they have arrived. */
  next(count: number): Promise<Array<string | Uint8Array>>;
}

const inboxes = new WeakMap<WebSocket, Inbox>();

/** Every message of `ws` (since {@link openClient} made it, or from now on). */
export function collect(ws: WebSocket): Inbox {
  const existing = inboxes.get(ws);
  if (existing !== undefined) return existing;
  const messages: Array<string | Uint8Array> = [];
  const waiters: Array<() => void> = [];
  ws.on('message', (data, isBinary) => {
    messages.push(decode(data, isBinary));
    for (const wake of waiters.splice(0)) wake();
  });
  const inbox: Inbox = {
    messages,
    next(count) {
      return within(
        WAIT,
        new Promise((resolve) => {
          const check = (): void => {
            if (messages.length >= count) resolve(messages.slice(0, count));
            else waiters.push(check);
          };
          check();
        }),
        `${String(count)} messages (got ${String(messages.length)})`,
      );
    },
  };
  inboxes.set(ws, inbox);
  return inbox;
}

/** The close code and reason a ws client saw. */
export function closeOf(ws: WebSocket): Promise<{ code: number; reason: string }> {
  if (ws.readyState === WebSocket.CLOSED) return Promise.reject(new Error('already closed'));
  return within(
    WAIT,
    new Promise((resolve) => ws.once('close', (code, reason) => resolve({ code, reason: reason.toString('utf8') }))),
    'ws close',
  );
}

/** Connects a ws client expecting a refusal; resolves with the HTTP status and headers it got. */
export function refusalOf(url: string, protocols?: string | string[]): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  const ws = new WebSocket(url, protocols);
  return within(
    WAIT,
    new Promise((resolve, reject) => {
      ws.once('open', () => reject(new Error('the handshake was accepted')));
      ws.once('unexpected-response', (_request, response) => {
        let body = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (body += chunk));
        response.on('end', () => {
          resolve({ status: response.statusCode ?? 0, headers: response.headers, body });
          ws.terminate();
        });
      });
      ws.once('error', (error) => reject(error));
    }),
    `refusal from ${url}`,
  );
}

/** Opens a raw TCP connection, writes `text`, and resolves with all it got once the server closes it. */
export function rawExchange(port: number, text: string, ms = WAIT): Promise<{ response: string }> {
  const socket = connect({ host: '127.0.0.1', port });
  let response = '';
  socket.setEncoding('latin1');
  socket.on('data', (chunk: string) => (response += chunk));
  socket.on('error', () => undefined);
  socket.once('connect', () => socket.write(text));
  return within(
    ms,
    new Promise<{ response: string }>((resolve) => socket.once('close', () => resolve({ response }))),
    'the server to close a raw connection',
  ).finally(() => socket.destroy());
}

/** A valid upgrade request head for `path`, with overrides (a null value drops the header). */
export function upgradeRequest(path: string, overrides: Record<string, string | null> = {}): string {
  const headers: Record<string, string | null> = {
    Host: '127.0.0.1',
    Upgrade: 'websocket',
    Connection: 'Upgrade',
    'Sec-WebSocket-Key': 'dGhlIHNhbXBsZSBub25jZQ==',
    'Sec-WebSocket-Version': '13',
    ...overrides,
  };
  const lines = Object.entries(headers).flatMap(([name, value]) => (value === null ? [] : [`${name}: ${value}`]));
  return `GET ${path} HTTP/1.1\r\n${lines.join('\r\n')}\r\n\r\n`;
}
