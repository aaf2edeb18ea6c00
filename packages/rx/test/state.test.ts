import { WireKitError } from '@wirekit/core';
import { describe, expect, it } from 'vitest';
import { errors$, lifecycle$, state$ } from '../src/index.js';
import { FakeConnection, flush, record } from './support/fake-connection.js';

describe('state$()', () => {
  it('emits the current state, then each change, and completes after closed', () => {
    const connection = new FakeConnection('connecting');
    const seen = record(state$(connection));
    connection.open();
    connection.setState('closing');
    connection.end({ code: 1000, reason: '', wasClean: true });
    expect([seen.values, seen.completed]).toEqual([['connecting', 'open', 'closing', 'closed'], true]);
    expect(connection.listenerCount()).toBe(0);
  });

  it('emits closed and completes for a closed connection', () => {
    const connection = new FakeConnection('closed');
    const seen = record(state$(connection));
    expect([seen.values, seen.completed]).toEqual([['closed'], true]);
  });

  it('removes its listener when unsubscribed', () => {
    const connection = new FakeConnection();
    const seen = record(state$(connection));
    expect(connection.listenerCount()).toBe(1);
    seen.subscription.unsubscribe();
    expect(connection.listenerCount()).toBe(0);
  });
});

describe('lifecycle$()', () => {
  it("is the seed's connectionPipe: opened when the connection opens, closed after a clean close", () => {
    const connection = new FakeConnection('connecting');
    const seen = record(lifecycle$(connection));
    connection.open();
    connection.end({ code: 4000, reason: 'bye', wasClean: true });
    expect(seen.values).toEqual([{ kind: 'opened' }, { kind: 'closed', info: { code: 4000, reason: 'bye', wasClean: true } }]);
    expect([seen.completed, connection.listenerCount()]).toEqual([true, 0]);
  });

  it('emits opened at once for an open connection, then failed with the error', () => {
    const connection = new FakeConnection('open');
    const seen = record(lifecycle$(connection));
    connection.fail(new WireKitError('WK_ERR_PING_TIMEOUT', 'no pong'));
    connection.end({ code: 1006, reason: '', wasClean: false });
    expect(seen.values).toEqual([{ kind: 'opened' }, { kind: 'failed', error: expect.objectContaining({ code: 'WK_ERR_PING_TIMEOUT' }), info: { code: 1006, reason: '', wasClean: false } }]);
  });

  it('reports how a connection already closed ended', async () => {
    const connection = new FakeConnection();
    connection.end({ code: 1000, reason: '', wasClean: true });
    const seen = record(lifecycle$(connection));
    await flush();
    expect([seen.values, seen.completed]).toEqual([[{ kind: 'closed', info: { code: 1000, reason: '', wasClean: true } }], true]);
  });
});

describe('errors$()', () => {
  it('emits every error event and completes when the connection closes', () => {
    const connection = new FakeConnection();
    const seen = record(errors$(connection));
    connection.fail(new WireKitError('WK_ERR_DECODE', 'bad'));
    connection.end({ code: 1000, reason: '', wasClean: true });
    expect(seen.values.map((error) => error.code)).toEqual(['WK_ERR_DECODE']);
    expect([seen.completed, connection.listenerCount()]).toEqual([true, 0]);
  });
});
