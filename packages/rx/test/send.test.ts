import { WireKitError, type Connection, type ConnectionFactory } from '@wirekit/core';
import { Subject } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { fromConnection, send$, sendTo, type Result } from '../src/index.js';
import { FakeConnection, flush, record } from './support/fake-connection.js';

describe('send$()', () => {
  it('sends only when subscribed, emits once and completes', async () => {
    const connection = new FakeConnection();
    const sending = send$(connection, 'hi');
    expect(connection.sent).toEqual([]);
    const seen = record(sending);
    await flush();
    expect([connection.sent, seen.values, seen.completed]).toEqual([['hi'], [undefined], true]);
  });

  it('errors with WK_ERR_NOT_OPEN on a closed connection', async () => {
    const connection = new FakeConnection('closed');
    const seen = record(send$(connection, 'late'));
    await flush();
    expect(seen.error).toMatchObject({ code: 'WK_ERR_NOT_OPEN' });
  });
});

describe('sendTo()', () => {
  it('sends one message at a time, in order, each after the previous send resolved', async () => {
    const connection = new FakeConnection();
    const releases: Array<() => void> = [];
    connection.sendImpl = () => new Promise<void>((resolve) => releases.push(resolve));
    const outgoing = new Subject<string>();
    const seen = record(outgoing.pipe(sendTo(connection)));
    outgoing.next('a');
    outgoing.next('b');
    expect(connection.sent).toEqual(['a']);
    releases.shift()!();
    await flush();
    expect(connection.sent).toEqual(['a', 'b']);
    releases.shift()!();
    outgoing.complete();
    await flush();
    expect(seen.values).toEqual([{ kind: 'success', value: 'a' }, { kind: 'success', value: 'b' }]);
    expect(seen.completed).toBe(true);
  });

  it("reports failed sends as values, as the seed's senderPipe, and goes on", async () => {
    const connection = new FakeConnection();
    connection.sendImpl = (data) => (data === 'bad' ? Promise.reject(new WireKitError('WK_ERR_CLOSED', 'closed')) : Promise.resolve());
    const outgoing = new Subject<string>();
    const seen = record(outgoing.pipe(sendTo(connection)));
    outgoing.next('bad');
    outgoing.next('good');
    await flush();
    expect(seen.values.map((result: Result<unknown>) => result.kind)).toEqual(['failure', 'success']);
    expect(seen.error).toBeUndefined();
  });
});

describe('fromConnection()', () => {
  function factory(outcome: () => Promise<Connection>): ConnectionFactory & { signals: AbortSignal[] } {
    const signals: AbortSignal[] = [];
    const connect = ((_url: string | URL, options: { signal?: AbortSignal } = {}) => {
      if (options.signal !== undefined) signals.push(options.signal);
      return outcome();
    }) as ConnectionFactory & { signals: AbortSignal[] };
    connect.signals = signals;
    return connect;
  }

  it('connects on subscription, emits the connection, and completes when it closes', async () => {
    const connection = new FakeConnection();
    const seen = record(fromConnection(factory(() => Promise.resolve(connection)), 'ws://fake.test/'));
    await flush();
    expect(seen.values).toEqual([connection]);
    connection.end({ code: 1000, reason: '', wasClean: true });
    await flush();
    expect(seen.completed).toBe(true);
  });

  it('closes the connection when unsubscribed', async () => {
    const connection = new FakeConnection();
    const seen = record(fromConnection(factory(() => Promise.resolve(connection)), 'ws://fake.test/'));
    await flush();
    seen.subscription.unsubscribe();
    expect(connection.state).toBe('closed');
  });

  it('aborts a connect in progress when unsubscribed', () => {
    const connect = factory(() => new Promise<Connection>(() => undefined));
    record(fromConnection(connect, 'ws://fake.test/')).subscription.unsubscribe();
    expect(connect.signals[0]?.aborted).toBe(true);
  });

  it("errors with the connect's error", async () => {
    const seen = record(fromConnection(factory(() => Promise.reject(new WireKitError('WK_ERR_CONNECTION_REFUSED', 'refused'))), 'ws://fake.test/'));
    await flush();
    expect(seen.error).toMatchObject({ code: 'WK_ERR_CONNECTION_REFUSED' });
  });
});
