import { WireKitError, type Connection, type Message } from '@wirekit/core';
import { expect } from './assert.js';
import { rejectionOf, within } from './bounded.js';
import { WAIT_MS, type ContractCase, type TargetContext } from './contract-case.js';

/**
 * The same mistake gets the same error from every transport: class (`instanceof WireKitError`,
 * name WireKitError), code, domain `usage` and the very message. The expected messages are
 * written here once, so a transport with its own wording fails the contract.
 */
export const USAGE_MESSAGES = {
  badScheme: 'a WebSocket URL is ws:, wss:, http: or https:, got ftp:',
  notAUrl: 'not a URL: not a url',
  notOpen: 'the connection is closed',
  notAMessage: 'a message is a string or a Uint8Array',
  closeCode: 'close code 1005 may not be sent (RFC 6455 §7.4)',
  closeReason: 'close reason is 124 bytes; at most 123 fit',
  reasonWithoutCode: 'a close reason needs a close code',
  pingTooLong: 'control payload of 126 bytes; at most 125',
  pingNotBytes: 'a control payload is a Uint8Array',
} as const;

/** Calls `start` and returns its promise; a synchronous throw fails the case (a Promise-returning function must reject instead). */
function promiseOf<T>(start: () => Promise<T>, what: string): Promise<T> {
  let promise: Promise<T>;
  try {
    promise = start();
  } catch (error) {
    throw new Error(`${what} threw synchronously instead of returning a rejected promise: ${error instanceof Error ? error.message : String(error)}`);
  }
  return promise;
}

async function expectUsage(promise: Promise<unknown>, what: string, code: string, message: string): Promise<void> {
  const error = await rejectionOf(promise, WAIT_MS, what);
  expect(error).toBeInstanceOf(WireKitError);
  expect(error).toMatchObject({ name: 'WireKitError', code, domain: 'usage', message });
}

async function closedConnection(context: TargetContext): Promise<Connection> {
  const { connection } = await context.open('echo');
  await within(connection.close(), WAIT_MS, 'close() to resolve');
  return connection;
}

/**
 * A misused call on an open connection rejects with the usage error and leaves the connection
 * as it was: still open, and it still echoes (the bad call sent nothing).
 */
async function expectRejectedWhileOpen(context: TargetContext, call: (connection: Connection) => Promise<unknown>, what: string, code: string, message: string): Promise<void> {
  const { connection } = await context.open('echo');
  await expectUsage(promiseOf(() => call(connection), what), what, code, message);
  expect(connection.state).toBe('open');
  await within(connection.send('still open'), WAIT_MS, 'a send after the misuse');
  expect(await within(connection.receive(), WAIT_MS, 'the echo after the misuse')).toBe('still open');
}

/** Misuse of the API, checked identically on every transport. */
export const usageCases: ReadonlyArray<ContractCase<TargetContext>> = [
  {
    feature: 'usage-errors',
    title: 'connect() with a URL of another scheme rejects (never throws) WK_ERR_INVALID_URL with the one message',
    async run(context) {
      const url = new URL(context.url('echo'));
      const promise = promiseOf(() => context.factory(`ftp://${url.host}/`), 'connect(ftp://…)');
      await expectUsage(promise, 'connect(ftp://…)', 'WK_ERR_INVALID_URL', USAGE_MESSAGES.badScheme);
    },
  },
  {
    feature: 'usage-errors',
    title: 'connect() with a string that is not a URL rejects (never throws) WK_ERR_INVALID_URL with the one message',
    async run(context) {
      const promise = promiseOf(() => context.factory('not a url'), 'connect("not a url")');
      await expectUsage(promise, 'connect("not a url")', 'WK_ERR_INVALID_URL', USAGE_MESSAGES.notAUrl);
    },
  },
  {
    feature: 'usage-errors',
    title: 'send() after close rejects WK_ERR_NOT_OPEN with the one message',
    async run(context) {
      const connection = await closedConnection(context);
      await expectUsage(promiseOf(() => connection.send('late'), 'send() after close'), 'send() after close', 'WK_ERR_NOT_OPEN', USAGE_MESSAGES.notOpen);
    },
  },
  {
    feature: 'usage-errors',
    title: 'send() of something that is not a message rejects (never throws) WK_ERR_INVALID_ARGUMENT with the one message',
    async run(context) {
      const { connection } = await context.open('echo');
      const send = (): Promise<void> => connection.send(42 as unknown as Message);
      await expectUsage(promiseOf(send, 'send(42)'), 'send(42)', 'WK_ERR_INVALID_ARGUMENT', USAGE_MESSAGES.notAMessage);
    },
  },
  {
    feature: 'usage-errors',
    title: 'close() with a code that may not be sent (1005) rejects (never throws) WK_ERR_INVALID_CLOSE_CODE with the one message',
    async run(context) {
      await expectRejectedWhileOpen(context, (connection) => connection.close(1005), 'close(1005)', 'WK_ERR_INVALID_CLOSE_CODE', USAGE_MESSAGES.closeCode);
    },
  },
  {
    feature: 'usage-errors',
    title: 'close() with a reason over 123 bytes rejects (never throws) WK_ERR_CLOSE_REASON_TOO_LONG with the one message',
    async run(context) {
      await expectRejectedWhileOpen(context, (connection) => connection.close(1000, 'r'.repeat(124)), 'close(1000, 124 bytes)', 'WK_ERR_CLOSE_REASON_TOO_LONG', USAGE_MESSAGES.closeReason);
    },
  },
  {
    feature: 'usage-errors',
    title: 'close() with a reason but no code rejects (never throws) WK_ERR_INVALID_ARGUMENT with the one message',
    async run(context) {
      await expectRejectedWhileOpen(context, (connection) => connection.close(undefined, 'why'), 'close(undefined, reason)', 'WK_ERR_INVALID_ARGUMENT', USAGE_MESSAGES.reasonWithoutCode);
    },
  },
  {
    feature: 'usage-errors',
    title: 'close() with a bad code rejects the same way once the connection is closed',
    async run(context) {
      const connection = await closedConnection(context);
      await expectUsage(promiseOf(() => connection.close(1005), 'close(1005) after close'), 'close(1005) after close', 'WK_ERR_INVALID_CLOSE_CODE', USAGE_MESSAGES.closeCode);
    },
  },
  {
    feature: 'usage-errors',
    title: 'ping() with a payload over 125 bytes rejects (never throws) WK_ERR_CONTROL_PAYLOAD_TOO_LONG with the one message',
    async run(context) {
      await expectRejectedWhileOpen(context, (connection) => connection.ping(new Uint8Array(126)), 'ping(126 bytes)', 'WK_ERR_CONTROL_PAYLOAD_TOO_LONG', USAGE_MESSAGES.pingTooLong);
    },
  },
  {
    feature: 'usage-errors',
    title: 'ping() with a payload that is not a Uint8Array rejects (never throws) WK_ERR_INVALID_ARGUMENT with the one message',
    async run(context) {
      const call = (connection: Connection): Promise<number> => connection.ping('ping' as unknown as Uint8Array);
      await expectRejectedWhileOpen(context, call, 'ping("ping")', 'WK_ERR_INVALID_ARGUMENT', USAGE_MESSAGES.pingNotBytes);
    },
  },
];
