import { afterEach, describe, expect, it } from 'vitest';
import { reconnecting, type Message, type ReconnectingConnection, type ReconnectPolicy } from '../src/index.js';
import { FakeClock } from '@wirekit/test-support';
import { next } from './support/pair.js';
import { refused, Switchboard } from './support/reconnect-switchboard.js';

const opened: ReconnectingConnection[] = [];
afterEach(() => {
  for (const connection of opened.splice(0)) connection.terminate();
});

/** Opens, then drops the link with the next attempt refused: the connection waits 500 ms (fake) before retrying. */
async function disconnected(policy: ReconnectPolicy = {}): Promise<{ connection: ReconnectingConnection; board: Switchboard; clock: FakeClock }> {
  const board = new Switchboard();
  const clock = new FakeClock();
  const connection = reconnecting(board.factory, 'ws://test.local/', { clock, random: () => 0, ...policy });
  opened.push(connection);
  await next((l) => connection.on('open', () => l(undefined)));
  const waiting = next((l) => connection.on('reconnecting', l));
  board.last.channel.reset();
  await waiting;
  return { connection, board, clock };
}

/** Lets the retry happen, then resolves with the first `count` messages the new link's server receives. */
async function reconnect(connection: ReconnectingConnection, board: Switchboard, clock: FakeClock, count: number): Promise<Message[]> {
  const reconnected = next((l) => connection.on('reconnected', l));
  clock.advance(500);
  await reconnected;
  const received: Message[] = [];
  for (let i = 0; i < count; i++) received.push(await board.last.server.receive());
  return received;
}

describe('ReconnectingConnection outbox', () => {
  it("holds messages sent while disconnected ('queue', the default) and sends them in order on the next link", async () => {
    const { connection, board, clock } = await disconnected();
    expect(connection.state).toBe('connecting');
    const sends = [connection.send('one'), connection.send(Uint8Array.of(2)), connection.send('three')];
    expect(connection.outboxSize).toBe(3);
    expect(connection.bufferedAmount).toBe(9);
    expect(await reconnect(connection, board, clock, 3)).toEqual(['one', Uint8Array.of(2), 'three']);
    await Promise.all(sends);
    expect(connection.outboxSize).toBe(0);
  });

  it('sends held messages before anything an `open` listener sends', async () => {
    const { connection, board, clock } = await disconnected();
    void connection.send('held');
    connection.on('open', () => void connection.send('from open'));
    expect(await reconnect(connection, board, clock, 2)).toEqual(['held', 'from open']);
  });

  it("refuses with WK_ERR_OUTBOX_FULL once maxMessages are held ('queue')", async () => {
    const { connection, board, clock } = await disconnected({ outbox: { maxMessages: 2 } });
    const kept = [connection.send('a'), connection.send('b')];
    await expect(connection.send('c')).rejects.toMatchObject({ code: 'WK_ERR_OUTBOX_FULL', domain: 'usage' });
    expect(await reconnect(connection, board, clock, 2)).toEqual(['a', 'b']);
    await Promise.all(kept);
  });

  it("refuses with WK_ERR_OUTBOX_FULL once maxBytes would be exceeded ('queue'), counting UTF-8 bytes", async () => {
    const { connection } = await disconnected({ outbox: { maxBytes: 4 } });
    void connection.send('é');
    void connection.send('ab');
    expect(connection.bufferedAmount).toBe(4);
    await expect(connection.send('c')).rejects.toMatchObject({ code: 'WK_ERR_OUTBOX_FULL' });
    expect(connection.outboxSize).toBe(2);
  });

  it('refuses a single message larger than maxBytes whatever the policy', async () => {
    const { connection } = await disconnected({ outbox: { policy: 'drop-oldest', maxBytes: 3 } });
    const dropped: Message[] = [];
    connection.on('dropped', (data) => dropped.push(data));
    void connection.send('ab');
    await expect(connection.send('abcd')).rejects.toMatchObject({ code: 'WK_ERR_OUTBOX_FULL' });
    expect(dropped).toEqual([]);
    expect(connection.outboxSize).toBe(1);
  });

  it("rejects at once with WK_ERR_NOT_OPEN under 'reject'", async () => {
    const { connection } = await disconnected({ outbox: { policy: 'reject' } });
    await expect(connection.send('now or never')).rejects.toMatchObject({ code: 'WK_ERR_NOT_OPEN', domain: 'usage' });
    expect(connection.outboxSize).toBe(0);
  });

  it("drops the oldest message under 'drop-oldest', emitting `dropped` and rejecting its send with WK_ERR_OUTBOX_FULL", async () => {
    const { connection, board, clock } = await disconnected({ outbox: { policy: 'drop-oldest', maxMessages: 2 } });
    const dropped: Message[] = [];
    connection.on('dropped', (data) => dropped.push(data));
    const first = connection.send('1');
    const rest = [connection.send('2'), connection.send('3')];
    await expect(first).rejects.toMatchObject({ code: 'WK_ERR_OUTBOX_FULL' });
    expect(dropped).toEqual(['1']);
    expect(await reconnect(connection, board, clock, 2)).toEqual(['2', '3']);
    await Promise.all(rest);
  });

  it("drops as many old messages as maxBytes needs under 'drop-oldest'", async () => {
    const { connection } = await disconnected({ outbox: { policy: 'drop-oldest', maxBytes: 4 } });
    const dropped: Message[] = [];
    connection.on('dropped', (data) => dropped.push(data));
    for (const data of ['a', 'b', 'c']) void connection.send(data);
    void connection.send('xyz');
    expect(dropped).toEqual(['a', 'b']);
    expect(connection.bufferedAmount).toBe(4);
  });

  it('rejects held messages with WK_ERR_CLOSED when the connection gives up', async () => {
    const { connection, board, clock } = await disconnected({ maxRetries: 1 });
    board.otherwise(refused());
    const held = connection.send('never sent');
    const gaveUp = next((l) => connection.on('give-up', l));
    clock.advance(500);
    await gaveUp;
    await expect(held).rejects.toMatchObject({ code: 'WK_ERR_CLOSED', closeCode: 1006 });
  });

  it('rejects held messages with WK_ERR_CLOSED when close() is called while disconnected', async () => {
    const { connection } = await disconnected();
    const held = connection.send('never sent');
    expect(await connection.close()).toEqual({ code: 1006, reason: '', wasClean: false });
    await expect(held).rejects.toMatchObject({ code: 'WK_ERR_CLOSED' });
  });

  it('rejects a send after close() with WK_ERR_NOT_OPEN, never holding it', async () => {
    const { connection } = await disconnected();
    await connection.close();
    await expect(connection.send('late')).rejects.toMatchObject({ code: 'WK_ERR_NOT_OPEN' });
    expect(connection.outboxSize).toBe(0);
  });
});
