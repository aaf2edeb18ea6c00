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
];
