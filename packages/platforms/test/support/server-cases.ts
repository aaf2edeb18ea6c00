/**
 * The server cases of the server columns: what WireKitServer does beyond the contract suite,
 * each against a feature server of the host (test/support/server-host.ts) in the runtime under
 * test, from a Node client in this process: permessage-deflate, rooms and broadcast, the
 * message limit (1009), a bad frame (1002), a slow handshake (408) and the connection limit
 * (503). Every case is bounded; a failure is recorded with its first line, never thrown.
 */
import { createHash, randomBytes } from 'node:crypto';
import { connect as netConnect, type Socket } from 'node:net';
import { expect, within, type CaseResult } from '@wirekit/conformance';
import type { Connection } from '@wirekit/core';
import { connect } from '@wirekit/framed';
import { perMessageDeflate } from '@wirekit/permessage-deflate';
import { HOST_LIMITS, type FeatureServer } from './server-host.js';

/** Bound on one server case. */
const CASE_MS = 10_000;

/** One server case: its name in the matrix and its body. */
interface ServerCase {
  readonly feature: string;
  readonly title: string;
  run(urls: Readonly<Record<FeatureServer, string>>, open: (connection: Connection) => Connection): Promise<void>;
}

/** A raw TCP peer: reads everything the server writes, bounded. */
class RawClient {
  bytes = Buffer.alloc(0);
  ended = false;
  private readonly waiters: Array<() => void> = [];

  constructor(readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => {
      if (this.bytes.length < 65_536) this.bytes = Buffer.concat([this.bytes, chunk]);
      this.wake();
    });
    socket.on('error', () => undefined);
    socket.on('close', () => {
      this.ended = true;
      this.wake();
    });
  }

  static async open(url: string): Promise<RawClient> {
    const { hostname, port } = new URL(url);
    const socket = netConnect({ host: hostname, port: Number(port) });
    await within(new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject)), 5_000, 'the TCP connect');
    return new RawClient(socket);
  }

  /** Waits until `done` holds for what was read, or the socket ends; bounded. */
  async until(done: (bytes: Buffer) => boolean, ms: number, what: string): Promise<Buffer> {
    const deadline = Date.now() + ms;
    while (!done(this.bytes) && !this.ended) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out after ${ms} ms waiting for ${what}; got ${JSON.stringify(this.bytes.toString('latin1').slice(0, 80))}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    return this.bytes;
  }

  private wake(): void {
    for (const wake of this.waiters.splice(0)) wake();
  }
}

const headEnd = (bytes: Buffer): number => bytes.indexOf('\r\n\r\n');

/** A client frame (FIN set), masked or not, with a payload under 126 bytes. */
function smallFrame(opcode: number, payload: Buffer, masked: boolean): Buffer {
  const mask = masked ? randomBytes(4) : Buffer.alloc(0);
  const body = masked ? Buffer.from(payload.map((byte, index) => byte ^ mask[index % 4]!)) : payload;
  return Buffer.concat([Buffer.from([0x80 | opcode, (masked ? 0x80 : 0) | payload.length]), mask, body]);
}

/** The code of the server's Close frame right after the 101 head, or null when there is none (yet). */
function serverCloseCode(bytes: Buffer): number | null {
  const start = headEnd(bytes) + 4;
  if (start < 4 || bytes.length < start + 4 || bytes[start] !== 0x88) return null;
  return bytes.readUInt16BE(start + 2);
}

/** Opens a WebSocket by hand on `raw`; resolves once the 101 arrived. */
async function rawHandshake(raw: RawClient, url: string): Promise<void> {
  const key = randomBytes(16).toString('base64');
  const { host } = new URL(url);
  raw.socket.write(`GET / HTTP/1.1\r\nHost: ${host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\n\r\n`);
  const head = (await raw.until((bytes) => headEnd(bytes) >= 0, 5_000, 'the 101')).toString('latin1');
  expect(head.startsWith('HTTP/1.1 101')).toBe(true);
  const accept = createHash('sha1').update(`${key}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`).digest('base64');
  expect(head.toLowerCase().includes(`sec-websocket-accept: ${accept.toLowerCase()}`)).toBe(true);
}

export const SERVER_CASES: readonly ServerCase[] = [
  {
    feature: 'permessage-deflate',
    title: 'negotiates permessage-deflate and echoes a 256 KiB compressible text and a binary message',
    async run(urls, open) {
      const client = open(await connect(urls.deflate, { extensions: [perMessageDeflate()] }));
      expect(client.extensions.startsWith('permessage-deflate')).toBe(true);
      const text = 'WireKit on every runtime. '.repeat(10_000);
      await client.send(text);
      expect(await client.receive()).toBe(text);
      const binary = new Uint8Array(4_096).map((_, index) => index % 7);
      await client.send(binary);
      expect(await client.receive()).toEqual(binary);
    },
  },
  {
    feature: 'rooms',
    title: 'a room relays a message to its other members, and a server broadcast reaches every connection',
    async run(urls, open) {
      const [a, b, c] = await Promise.all([0, 1, 2].map(async () => open(await connect(urls.rooms))));
      await a!.send('hello room');
      expect(await b!.receive()).toBe('hello room');
      expect(await c!.receive()).toBe('hello room');
      await b!.send('broadcast:everyone');
      expect(await Promise.all([a!.receive(), b!.receive(), c!.receive()])).toEqual(['broadcast:everyone', 'broadcast:everyone', 'broadcast:everyone']);
    },
  },
  {
    feature: 'max-message-size',
    title: `closes with 1009 when a message exceeds maxMessageSize (${HOST_LIMITS.maxMessageSize} bytes), after echoing one at the limit`,
    async run(urls, open) {
      const client = open(await connect(urls.limits));
      const atLimit = new Uint8Array(HOST_LIMITS.maxMessageSize).fill(1);
      await client.send(atLimit);
      expect(await client.receive()).toEqual(atLimit);
      await client.send(new Uint8Array(HOST_LIMITS.maxMessageSize * 2));
      const closed = await within(client.closed, 5_000, 'the close');
      expect(closed.code).toBe(1009);
    },
  },
  {
    feature: 'bad-frame',
    title: 'closes with 1002 when a client frame is not masked',
    async run(urls) {
      const raw = await RawClient.open(urls.limits);
      try {
        await rawHandshake(raw, urls.limits);
        raw.socket.write(smallFrame(0x1, Buffer.from('unmasked'), false));
        const bytes = await raw.until((read) => serverCloseCode(read) !== null, 5_000, 'the server Close');
        expect(serverCloseCode(bytes)).toBe(1002);
      } finally {
        raw.socket.destroy();
      }
    },
  },
  {
    feature: 'handshake-timeout',
    title: `answers 408 and closes when a request head does not complete within handshakeTimeout (${HOST_LIMITS.handshakeTimeout} ms)`,
    async run(urls) {
      const raw = await RawClient.open(urls.handshake);
      try {
        raw.socket.write('GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n');
        const started = Date.now();
        const bytes = await raw.until(() => false, 5_000, 'the server to answer and close');
        expect(bytes.toString('latin1').startsWith('HTTP/1.1 408')).toBe(true);
        expect(Date.now() - started).toBeGreaterThanOrEqual(HOST_LIMITS.handshakeTimeout - 100);
      } finally {
        raw.socket.destroy();
      }
    },
  },
  {
    feature: 'max-connections',
    title: `refuses a connection beyond maxConnections (${HOST_LIMITS.maxConnections}) with 503`,
    async run(urls, open) {
      for (let index = 0; index < HOST_LIMITS.maxConnections; index++) open(await connect(urls.capacity));
      const error = await connect(urls.capacity).then((extra) => {
        open(extra);
        return null;
      }, (caught: unknown) => caught);
      expect(error).toMatchObject({ code: 'WK_ERR_HANDSHAKE_STATUS', status: 503 });
    },
  },
];

/** Runs every server case against the host's feature servers; each case's connections are ended after it. */
export async function runServerCases(urls: Readonly<Record<FeatureServer, string>>): Promise<CaseResult[]> {
  const results: CaseResult[] = [];
  for (const kase of SERVER_CASES) {
    const opened: Connection[] = [];
    const open = (connection: Connection): Connection => {
      opened.push(connection);
      return connection;
    };
    const started = performance.now();
    let error: string | undefined;
    try {
      await within(kase.run(urls, open), CASE_MS, `the server case "${kase.title}"`);
    } catch (caught) {
      error = caught instanceof Error ? `${caught.name}: ${caught.message.split('\n')[0] ?? ''}` : String(caught);
    }
    for (const connection of opened) connection.terminate();
    // The capacity server counts a connection until it has seen it end.
    await Promise.all(opened.map((connection) => within(connection.closed, 5_000, 'the connection to end').catch(() => undefined)));
    // A server case's feature is its own name, not a contract feature: results.ts takes either.
    const base = { group: 'wirekit' as const, feature: kase.feature as CaseResult['feature'], title: kase.title, ms: performance.now() - started };
    results.push(error === undefined ? { ...base, status: 'passed' } : { ...base, status: 'failed', error });
  }
  return results;
}
