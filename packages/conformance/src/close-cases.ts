import type { CloseInfo, ConnectionState } from '@wirekit/core';
import { expect } from './assert.js';
import { delay, rejectionOf, within } from './bounded.js';
import { WAIT_MS, type ContractCase, type TargetContext } from './contract-case.js';
import { watchUnhandledRejections } from './runtime.js';

/** What a peer reports for a Close frame without a status code (RFC 6455 §7.1.5). */
const NO_STATUS_RECEIVED = 1005;

/** How long an unawaited rejection has to surface as `unhandledRejection`: a few macrotask turns. */
const UNHANDLED_GRACE_MS = 50;

/** Every way a connection to a well-behaved server ends (RFC 6455 §7). */
export const closeCases: ReadonlyArray<ContractCase<TargetContext>> = [
  {
    feature: 'client-close',
    title: 'closes with the code and reason the server sees, cleanly, through closing to closed',
    async run(context) {
      const { connection, peer } = await context.open('idle');
      const server = await peer();
      const states: ConnectionState[] = [];
      const events: CloseInfo[] = [];
      connection.on('state', (state) => states.push(state));
      connection.on('close', (info) => events.push(info));
      const info = await within(connection.close(4001, 'client bye'), WAIT_MS, 'close() to resolve');
      expect(await within(server.closed, WAIT_MS, 'the server to see the Close')).toEqual({ code: 4001, reason: 'client bye' });
      expect(info).toMatchObject({ code: 4001, wasClean: true });
      expect(await connection.closed).toEqual(info);
      expect(events).toEqual([info]);
      expect(connection.state).toBe('closed');
      expect(states).toEqual(['closing', 'closed']);
    },
  },
  {
    feature: 'client-close',
    title: 'closes normally when close() is given no code: 1000, or a Close without a status (1005 at the peer, as WHATWG close())',
    async run(context) {
      const { connection, peer } = await context.open('idle');
      const info = await within(connection.close(), WAIT_MS, 'close() to resolve');
      expect(info.wasClean).toBe(true);
      expect([1000, NO_STATUS_RECEIVED]).toContain((await within((await peer()).closed, WAIT_MS, 'the server to see the Close')).code);
    },
  },
  {
    feature: 'server-close',
    title: "reports the server's close code and reason, cleanly, on closed and the close event",
    async run(context) {
      const { connection, peer } = await context.open('idle');
      const events: CloseInfo[] = [];
      connection.on('close', (info) => events.push(info));
      (await peer()).close(4002, 'server bye');
      const info = await within(connection.closed, WAIT_MS, 'the connection to close');
      expect(info).toEqual({ code: 4002, reason: 'server bye', wasClean: true });
      expect(events).toEqual([info]);
      expect(connection.state).toBe('closed');
    },
  },
  {
    feature: 'server-close',
    title: 'ends for-await iteration when the server closes',
    async run(context) {
      const { connection, peer } = await context.open('idle');
      const server = await peer();
      await server.send('last');
      server.close(1000, '');
      const received: unknown[] = [];
      await within((async () => {
        for await (const message of connection) received.push(message);
      })(), WAIT_MS, 'the iteration to end');
      expect(received).toEqual(['last']);
    },
  },
  {
    feature: 'server-close',
    title: 'rejects a pending receive() with WK_ERR_CLOSED when the server closes',
    async run(context) {
      const { connection, peer } = await context.open('idle');
      const pending = connection.receive();
      pending.catch(() => undefined); // awaited below; never an unhandled rejection meanwhile
      (await peer()).close(1000, '');
      expect(await rejectionOf(pending, WAIT_MS, 'the pending receive()')).toMatchObject({ code: 'WK_ERR_CLOSED' });
    },
  },
  {
    feature: 'abrupt-drop',
    title: 'reports 1006, not clean, when the server drops the TCP connection (RFC 6455 §7.1.5)',
    async run(context) {
      const { connection, peer } = await context.open('idle');
      (await peer()).drop();
      expect(await within(connection.closed, WAIT_MS, 'the connection to close')).toMatchObject({ code: 1006, wasClean: false });
      expect(connection.state).toBe('closed');
    },
  },
  {
    feature: 'terminate',
    title: 'reports 1006, not clean, after terminate(), and the server sees the connection end',
    async run(context) {
      const { connection, peer } = await context.open('idle');
      const server = await peer();
      connection.terminate();
      expect(await within(connection.closed, WAIT_MS, 'the connection to close')).toMatchObject({ code: 1006, wasClean: false });
      expect((await within(server.closed, WAIT_MS, 'the server to see the end')).code).toBe(1006);
    },
  },
  {
    feature: 'server-close',
    title: 'reports WK_ERR_MESSAGE_TOO_LARGE (closeCode 1009) through an error event, then the close with 1009, when the server closes with 1009',
    async run(context) {
      const { connection, peer } = await context.open('idle');
      const server = await peer();
      const errors: Array<{ code: string; closeCode: number | null }> = [];
      connection.on('error', (error) => void errors.push({ code: error.code, closeCode: error.closeCode }));
      server.close(1009, 'too big');
      expect((await within(connection.closed, WAIT_MS, 'the connection to close')).code).toBe(1009);
      expect(errors).toEqual([{ code: 'WK_ERR_MESSAGE_TOO_LARGE', closeCode: 1009 }]);
    },
  },
  {
    feature: 'send-after-close',
    title: 'rejects send() and ping() after close with WK_ERR_NOT_OPEN, never dropping silently',
    async run(context) {
      const { connection } = await context.open('echo');
      await within(connection.close(), WAIT_MS, 'close() to resolve');
      expect(await rejectionOf(connection.send('late'), WAIT_MS, 'a send after close')).toMatchObject({ code: 'WK_ERR_NOT_OPEN' });
      expect(await rejectionOf(connection.ping(), WAIT_MS, 'a ping after close')).toMatchObject({ code: 'WK_ERR_NOT_OPEN' });
    },
  },
  {
    feature: 'send-after-close',
    title: 'raises no unhandled rejection for a send after close that nobody awaits',
    async run(context) {
      const { connection } = await context.open('echo');
      await within(connection.close(), WAIT_MS, 'close() to resolve');
      const unhandled = watchUnhandledRejections();
      try {
        void connection.send('nobody awaits this');
        await delay(UNHANDLED_GRACE_MS);
      } finally {
        unhandled.stop();
      }
      expect(unhandled.reasons).toEqual([]);
    },
  },
];
