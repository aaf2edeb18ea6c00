import { WireKitError } from '@wirekit/core';
import { describe, expect, it } from 'vitest';
import { binaryMessages$, json$, messageResults$, messages$, textMessages$ } from '../src/index.js';
import { FakeConnection, flush, record } from './support/fake-connection.js';

const CLEAN = { code: 1000, reason: '', wasClean: true };
const DROPPED = { code: 1006, reason: '', wasClean: false };

describe('messages$()', () => {
  it('emits each message from subscription on and completes on a clean close', () => {
    const connection = new FakeConnection();
    connection.message('before');
    const seen = record(messages$(connection));
    connection.message('a');
    connection.message(new Uint8Array([1]));
    connection.end(CLEAN);
    expect([seen.values, seen.completed, seen.error]).toEqual([['a', new Uint8Array([1])], true, undefined]);
  });

  it('errors with the error event that preceded an unclean close', () => {
    const connection = new FakeConnection();
    const seen = record(messages$(connection));
    const failure = new WireKitError('WK_ERR_MESSAGE_TOO_LARGE', 'too big');
    connection.fail(failure);
    connection.end({ code: 1009, reason: '', wasClean: false });
    expect([seen.error, seen.completed]).toEqual([failure, false]);
  });

  it("errors with the connection's kept error when the event came before the subscription", () => {
    const connection = new FakeConnection();
    connection.error = new WireKitError('WK_ERR_CONNECTION_RESET', 'reset');
    const seen = record(messages$(connection));
    connection.end(DROPPED);
    expect(seen.error).toBe(connection.error);
  });

  it('errors with WK_ERR_CLOSED carrying the close code when nothing says why', () => {
    const connection = new FakeConnection();
    const seen = record(messages$(connection));
    connection.end(DROPPED);
    expect(seen.error).toMatchObject({ code: 'WK_ERR_CLOSED', closeCode: 1006 });
  });

  it.each([
    [CLEAN, true],
    [DROPPED, false],
  ])('ends at once on a connection already closed (%j)', async (info, clean) => {
    const connection = new FakeConnection();
    connection.end(info);
    const seen = record(messages$(connection));
    await flush();
    expect(seen.completed).toBe(clean);
    expect(seen.error === undefined).toBe(clean);
  });

  it('removes its listeners when unsubscribed, and when it ends', () => {
    const connection = new FakeConnection();
    const first = record(messages$(connection));
    const second = record(messages$(connection));
    expect(connection.listenerCount()).toBe(6);
    first.subscription.unsubscribe();
    expect(connection.listenerCount()).toBe(3);
    connection.message('still');
    expect([first.values, second.values]).toEqual([[], ['still']]);
    connection.end(CLEAN);
    expect(connection.listenerCount()).toBe(0);
  });
});

describe('textMessages$() and binaryMessages$()', () => {
  it('split the messages by type', () => {
    const connection = new FakeConnection();
    const texts = record(textMessages$(connection));
    const binaries = record(binaryMessages$(connection));
    connection.message('t');
    connection.message(new Uint8Array([7]));
    expect([texts.values, binaries.values]).toEqual([['t'], [new Uint8Array([7])]]);
  });
});

describe('json$()', () => {
  it('parses JSON text and UTF-8 binary messages', () => {
    const connection = new FakeConnection();
    const seen = record(json$<{ n: number }>(connection));
    connection.message('{"n":1}');
    connection.message(new TextEncoder().encode('{"n":2}'));
    expect(seen.values).toEqual([{ n: 1 }, { n: 2 }]);
  });

  it('errors with WK_ERR_DECODE on a message that is not JSON, and lets go of the connection', () => {
    const connection = new FakeConnection();
    const seen = record(json$(connection));
    connection.message('{nope');
    expect(seen.error).toMatchObject({ code: 'WK_ERR_DECODE', closeCode: 1007 });
    expect(connection.listenerCount()).toBe(0);
  });
});

describe('messageResults$()', () => {
  it("is the seed's listenPipe: successes, then the failure as a value, then complete", () => {
    const connection = new FakeConnection();
    const seen = record(messageResults$(connection));
    connection.message('hi');
    connection.fail(new WireKitError('WK_ERR_CONNECTION_RESET', 'reset'));
    connection.end(DROPPED);
    expect(seen.values).toEqual([
      { kind: 'success', value: 'hi' },
      { kind: 'failure', error: expect.objectContaining({ code: 'WK_ERR_CONNECTION_RESET' }) },
    ]);
    expect([seen.completed, seen.error]).toEqual([true, undefined]);
  });
});
