import type { Connection, Message, WireKitError } from '@wirekit/core';
import { encodeFrame, Opcode } from '@wirekit/protocol';
import { expect } from './assert.js';
import { rejectionOf, waitFor, within } from './bounded.js';
import { expectFailedWith, WAIT_MS, type CaseContext, type ContractCase } from './contract-case.js';
import type { FaultMode, FaultServerOptions } from './fault-server.js';
import type { PeerClose } from './contract-server.js';
import { concatBytes } from './runtime.js';

/** The keep-alive of @wirekit/core, when it exports one: `keepAlive(connection, { interval, timeout })` → stop. */
export type KeepAlive = (connection: Connection, options: { readonly interval: number; readonly timeout: number }) => () => void;

/**
 * A fault server as the cases see it. Its counters are read asynchronously, so that the server
 * can run in another process than the client under test (a browser, Bun or Deno client driving
 * fault servers in the Node parent).
 */
export interface FaultHandle {
  /** `ws://127.0.0.1:<port>`; any path is accepted. */
  readonly url: string;
  readonly mode: FaultMode;
  /** TCP connections accepted so far. */
  connections(): Promise<number>;
  /** Pings received so far (modes that decode). */
  pings(): Promise<number>;
  /** The first Close a client sent; rejects after `ms`. */
  clientClose(ms: number): Promise<PeerClose>;
  /** The messages the server decoded so far, in order; none after the client's Close (modes that decode). */
  received(): Promise<Message[]>;
}

/** What the fault cases get: a fault server per case, a URL nothing listens on, and core's keepAlive when available. */
export interface FaultContext extends CaseContext {
  /** Starts a fault server, closed after the case. */
  faultServer(options: FaultServerOptions): Promise<FaultHandle>;
  /** `ws://127.0.0.1:<port>/` for a loopback port with nothing listening. */
  closedPortUrl(): Promise<string>;
  readonly keepAlive: KeepAlive | undefined;
}

const CONNECT_TIMEOUT_MS = 300;
const CLOSE_TIMEOUT_MS = 300;
/** Slack for timers on a loaded 2-core CI machine; a bound on hanging, not a speed assertion. */
const MARGIN_MS = 3_000;
/** Invalid UTF-8 (Autobahn 6.3.1): a valid prefix, then a UTF-16 surrogate encoded as UTF-8. */
const INVALID_UTF8 = [0xce, 0xba, 0xe1, 0xbd, 0xb9, 0xcf, 0x83, 0xce, 0xbc, 0xce, 0xb5, 0xed, 0xa0, 0x80, 0x65, 0x64, 0x69, 0x74, 0x65, 0x64];
/** Enough to fill the loopback socket buffers of both ends several times over. */
const SLOW_READER_CHUNK = 4 * 1024 * 1024;
const SLOW_READER_CHUNKS = 16;

/** An unmasked server Text frame carrying `payload`, whatever its bytes. */
function textFrame(payload: readonly number[]): Uint8Array {
  return concatBytes(encodeFrame({ opcode: Opcode.Text, payload: new Uint8Array(payload) }));
}

function errorsOf(connection: Connection): WireKitError[] {
  const errors: WireKitError[] = [];
  connection.on('error', (error) => errors.push(error));
  return errors;
}

/** Faulty networks and peers: refusals, timeouts, drops and protocol violations. */
export const faultCases: ReadonlyArray<ContractCase<FaultContext>> = [
  {
    feature: 'refused',
    title: 'rejects with WK_ERR_CONNECTION_REFUSED (posix ECONNREFUSED) when nothing listens',
    async run(context) {
      const error = await rejectionOf(context.connect(await context.closedPortUrl()), WAIT_MS, 'the connect');
      expect(error).toBeInstanceOf(Error);
      expect(error).toMatchObject({ code: 'WK_ERR_CONNECTION_REFUSED', domain: 'posix' });
    },
  },
  {
    feature: 'dns',
    title: 'rejects with WK_ERR_DNS (domain dns) for a host that cannot exist (RFC 6761 .invalid)',
    async run(context) {
      const error = await rejectionOf(context.connect('ws://nothing.invalid/'), 10_000, 'the connect');
      expect(error).toMatchObject({ code: 'WK_ERR_DNS', domain: 'dns' });
    },
  },
  {
    feature: 'connect-timeout',
    title: `rejects with WK_ERR_CONNECT_TIMEOUT when the server never answers the upgrade (connectTimeout ${CONNECT_TIMEOUT_MS})`,
    async run(context) {
      const server = await context.faultServer({ mode: 'never-answer' });
      const error = await rejectionOf(context.connect(server.url, { connectTimeout: CONNECT_TIMEOUT_MS }), CONNECT_TIMEOUT_MS + MARGIN_MS, 'the connect timeout');
      expect(error).toMatchObject({ code: 'WK_ERR_CONNECT_TIMEOUT' });
      expect(await server.connections()).toBe(1);
    },
  },
  {
    feature: 'abort',
    title: 'rejects with WK_ERR_ABORTED when the signal aborts a connect in progress',
    async run(context) {
      const server = await context.faultServer({ mode: 'never-answer' });
      const controller = new AbortController();
      const connecting = context.connect(server.url, { signal: controller.signal });
      connecting.catch(() => undefined); // a connect that fails early must fail the case, not the process
      await waitFor(async () => (await server.connections()) === 1, WAIT_MS, 'the TCP connection');
      controller.abort();
      expect(await rejectionOf(connecting, WAIT_MS, 'the aborted connect')).toMatchObject({ code: 'WK_ERR_ABORTED' });
    },
  },
  {
    feature: 'delayed-handshake',
    title: 'opens when the 101 comes late but within connectTimeout',
    async run(context) {
      const server = await context.faultServer({ mode: 'delay', delayMs: 200 });
      const connection = await within(context.connect(server.url, { connectTimeout: 5_000 }), WAIT_MS, 'the connect');
      expect(connection.state).toBe('open');
      await connection.send('after the wait');
      expect(await within(connection.receive(), WAIT_MS, 'the echo')).toBe('after the wait');
    },
  },
  ...[403, 503].map((status): ContractCase<FaultContext> => ({
    feature: 'handshake-status',
    title: `rejects with WK_ERR_HANDSHAKE_STATUS carrying status ${status} when the server refuses the upgrade`,
    async run(context) {
      const server = await context.faultServer({ mode: 'refuse', status });
      const error = await rejectionOf(context.connect(server.url), WAIT_MS, 'the connect');
      expect(error).toMatchObject({ code: 'WK_ERR_HANDSHAKE_STATUS', status });
    },
  })),
  {
    feature: 'close-timeout',
    title: `closes with 1006 within closeTimeout, reporting WK_ERR_CLOSE_TIMEOUT, when the server never answers the Close (closeTimeout ${CLOSE_TIMEOUT_MS})`,
    async run(context) {
      const server = await context.faultServer({ mode: 'ignore-close' });
      const connection = await within(context.connect(server.url, { closeTimeout: CLOSE_TIMEOUT_MS }), WAIT_MS, 'the connect');
      const errors = errorsOf(connection);
      const info = await within(connection.close(1000, 'bye'), CLOSE_TIMEOUT_MS + MARGIN_MS, 'the close timeout');
      expect(info).toMatchObject({ code: 1006, wasClean: false });
      expect(await server.clientClose(WAIT_MS)).toEqual({ code: 1000, reason: 'bye' });
      expect(errors.map((error) => error.code)).toContain('WK_ERR_CLOSE_TIMEOUT');
    },
  },
  {
    feature: 'invalid-utf8',
    title: 'fails with 1007 and WK_ERR_INVALID_UTF8 on a text message that is not UTF-8 (RFC 6455 §8.1)',
    async run(context) {
      const server = await context.faultServer({ mode: 'malformed-frame', bytes: textFrame(INVALID_UTF8), when: 'on-first-client-bytes' });
      const connection = await within(context.connect(server.url), WAIT_MS, 'the connect');
      const errors = errorsOf(connection);
      await connection.send('go');
      expectFailedWith(await within(connection.closed, WAIT_MS, 'the connection to fail'), 1007);
      expect((await server.clientClose(WAIT_MS)).code).toBe(1007);
      expect(errors.map((error) => error.code)).toContain('WK_ERR_INVALID_UTF8');
    },
  },
  {
    feature: 'drop-mid-frame',
    title: 'reports 1006 and delivers nothing when the connection drops in the middle of a frame',
    async run(context) {
      const server = await context.faultServer({ mode: 'drop-mid-frame' });
      const connection = await within(context.connect(server.url), WAIT_MS, 'the connect');
      const messages: unknown[] = [];
      connection.on('message', (message) => messages.push(message));
      expect(await within(connection.closed, WAIT_MS, 'the connection to close')).toMatchObject({ code: 1006, wasClean: false });
      expect(messages).toEqual([]);
    },
  },
  {
    feature: 'slow-reader',
    title: 'holds sends to a peer that stops reading in bufferedAmount, and rejects them with WK_ERR_CLOSED on terminate()',
    timeoutMs: 30_000,
    async run(context) {
      const server = await context.faultServer({ mode: 'slow-reader' });
      const connection = await within(context.connect(server.url), WAIT_MS, 'the connect');
      const rejections: unknown[] = [];
      const sends = Array.from({ length: SLOW_READER_CHUNKS }, () => connection.send(new Uint8Array(SLOW_READER_CHUNK)).catch((error: unknown) => void rejections.push(error)));
      await waitFor(() => connection.bufferedAmount > SLOW_READER_CHUNK, WAIT_MS, 'bufferedAmount to grow');
      connection.terminate();
      await within(Promise.all(sends), WAIT_MS, 'every send() to settle');
      expect(rejections.length).toBeGreaterThan(0);
      for (const error of rejections) expect(error).toMatchObject({ code: 'WK_ERR_CLOSED' });
      expect(await within(connection.closed, WAIT_MS, 'the connection to close')).toMatchObject({ code: 1006, wasClean: false });
    },
  },
  {
    feature: 'keep-alive',
    title: "terminates with 1006 and reports WK_ERR_PING_TIMEOUT when keepAlive's pings go unanswered",
    async run(context) {
      const keepAlive = context.keepAlive;
      if (keepAlive === undefined) throw new Error('unreachable: the keep-alive case is skipped without keepAlive');
      const server = await context.faultServer({ mode: 'no-pong' });
      const connection = await within(context.connect(server.url), WAIT_MS, 'the connect');
      const errors = errorsOf(connection);
      const stop = keepAlive(connection, { interval: 100, timeout: 200 });
      try {
        expect(await within(connection.closed, WAIT_MS, 'keep-alive to give up')).toMatchObject({ code: 1006, wasClean: false });
      } finally {
        stop();
      }
      expect(await server.pings()).toBeGreaterThanOrEqual(1);
      expect(errors.map((error) => error.code)).toContain('WK_ERR_PING_TIMEOUT');
    },
  },
];
