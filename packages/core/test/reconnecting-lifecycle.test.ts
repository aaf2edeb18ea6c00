import { afterEach, describe, expect, it } from 'vitest';
import {
  reconnecting,
  WireKitError,
  type CloseInfo,
  type ConnectionState,
  type Message,
  type ReconnectAttempt,
  type ReconnectingConnection,
  type ReconnectPolicy,
} from '../src/index.js';
import { FakeClock } from '@wirekit/test-support';
import { next, tick } from './support/pair.js';
import { refused, Switchboard } from './support/reconnect-switchboard.js';

const opened: ReconnectingConnection[] = [];
afterEach(() => {
  for (const connection of opened.splice(0)) connection.terminate();
});

async function openConnection(policy: ReconnectPolicy = {}, board = new Switchboard()): Promise<{ connection: ReconnectingConnection; board: Switchboard; clock: FakeClock }> {
  const clock = new FakeClock();
  const connection = reconnecting(board.factory, 'ws://test.local/', { clock, random: () => 0, ...policy });
  opened.push(connection);
  await next((l) => connection.on('open', () => l(undefined)));
  return { connection, board, clock };
}

describe('ReconnectingConnection life', () => {
  describe('close()', () => {
    it('closes the open link with the code and reason, for good: no reconnect, one close event', async () => {
      const { connection, board } = await openConnection();
      const states: ConnectionState[] = [];
      connection.on('state', (state) => states.push(state));
      const closes: CloseInfo[] = [];
      connection.on('close', (info) => closes.push(info));
      const serverSaw = board.last.server.closed;
      // The link reports the server's echo of the Close, as EngineConnection does.
      expect(await connection.close(1000, 'done')).toMatchObject({ code: 1000, wasClean: true });
      expect(await serverSaw).toEqual({ code: 1000, reason: 'done', wasClean: true });
      expect(states).toEqual(['closing', 'closed']);
      expect(closes).toHaveLength(1);
      expect(board.calls).toHaveLength(1);
      expect(() => connection.reconnect()).toThrow(expect.objectContaining({ code: 'WK_ERR_NOT_OPEN' }));
      await expect(connection.ping()).rejects.toMatchObject({ code: 'WK_ERR_NOT_OPEN' });
      expect(await connection.close()).toEqual(closes[0]);
    });

    it('abandons an attempt in flight, aborting its signal, and closes with 1006', async () => {
      const clock = new FakeClock();
      const board = new Switchboard({ kind: 'hang' });
      const connection = reconnecting(board.factory, 'ws://test.local/', { clock });
      expect(await connection.close()).toEqual({ code: 1006, reason: '', wasClean: false });
      expect(board.calls[0]!.options.signal!.aborted).toBe(true);
      expect(clock.pending).toBe(0);
    });

    it('cancels a backoff wait: no further attempt, no timer left', async () => {
      const { connection, board, clock } = await openConnection();
      const waiting = next((l) => connection.on('reconnecting', l));
      board.last.channel.reset();
      await waiting;
      await connection.close();
      clock.advance(60_000);
      expect(board.calls).toHaveLength(1);
      expect(clock.pending).toBe(0);
    });

    it.each([[1005], [1006], [999]])('rejects (never throws) WK_ERR_INVALID_CLOSE_CODE for %i, as every Connection', async (code) => {
      const { connection } = await openConnection();
      await expect(connection.close(code)).rejects.toMatchObject({ name: 'WireKitError', code: 'WK_ERR_INVALID_CLOSE_CODE', domain: 'usage' });
      expect(connection.state).toBe('open');
    });
  });

  describe('terminate()', () => {
    it('aborts the link and stops for good with 1006, reporting the error given', async () => {
      const { connection, board } = await openConnection();
      const errors: string[] = [];
      connection.on('error', (error) => errors.push(error.code));
      connection.terminate(new WireKitError('WK_ERR_PING_TIMEOUT'));
      expect(connection.state).toBe('closed');
      expect(await connection.closed).toEqual({ code: 1006, reason: '', wasClean: false });
      expect(errors).toEqual(['WK_ERR_PING_TIMEOUT']);
      expect(await board.last.server.closed).toMatchObject({ code: 1006 });
      await tick(5);
      expect(board.calls).toHaveLength(1);
    });
  });

  describe('reconnect()', () => {
    it('skips the backoff wait and attempts at once', async () => {
      const { connection, board } = await openConnection({ initialDelay: 10_000, maxDelay: 10_000 });
      const waiting = next<ReconnectAttempt>((l) => connection.on('reconnecting', l));
      board.last.channel.reset();
      expect(await waiting).toMatchObject({ delay: 10_000 });
      const reconnected = next((l) => connection.on('reconnected', l));
      connection.reconnect();
      await reconnected;
      expect(board.calls).toHaveLength(2);
    });

    it("replaces an open link: closes it with 1000 'reconnect', holds sends meanwhile and opens a new one", async () => {
      const { connection, board } = await openConnection();
      const first = board.last;
      const attempt = next<ReconnectAttempt>((l) => connection.on('reconnecting', l));
      const reconnected = next((l) => connection.on('reconnected', l));
      connection.reconnect();
      expect(connection.state).toBe('connecting');
      const held = connection.send('across');
      expect(await first.server.closed).toEqual({ code: 1000, reason: 'reconnect', wasClean: true });
      expect(await attempt).toEqual({ attempt: 1, delay: 0, cause: null });
      await reconnected;
      expect(board.last).not.toBe(first);
      expect(await board.last.server.receive()).toBe('across');
      await held;
    });

    it('resumes after giving up, with a fresh `closed`', async () => {
      const board = new Switchboard(refused());
      const clock = new FakeClock();
      const connection = reconnecting(board.factory, 'ws://test.local/', { clock, maxRetries: 0 });
      opened.push(connection);
      const firstRun = connection.closed;
      expect(await firstRun).toEqual({ code: 1006, reason: '', wasClean: false });
      expect(connection.state).toBe('closed');
      board.otherwise({ kind: 'accept' });
      const reopened = next((l) => connection.on('open', () => l(undefined)));
      connection.reconnect();
      expect(connection.state).toBe('connecting');
      expect(connection.closed).not.toBe(firstRun);
      await reopened;
      expect(board.calls).toHaveLength(2);
      board.last.server.on('message', (data) => void board.last.server.send(data));
      await connection.send('back');
      expect(await connection.receive()).toBe('back');
    });
  });

  describe('messages across links', () => {
    it('yields the messages of every link in one `for await`, which ends when the connection closes', async () => {
      const { connection, board, clock } = await openConnection();
      const received: Message[] = [];
      const reading = (async () => {
        for await (const data of connection) received.push(data);
      })();
      await board.last.server.send('first link');
      await tick();
      const reconnected = next((l) => connection.on('reconnected', l));
      board.last.channel.reset();
      await tick();
      clock.advance(500);
      await reconnected;
      await board.last.server.send('second link');
      await tick(5);
      await connection.close();
      await reading;
      expect(received).toEqual(['first link', 'second link']);
    });

    it('forwards the ping and pong events of the link', async () => {
      const { connection, board } = await openConnection();
      const ping = next<Uint8Array>((l) => connection.on('ping', l));
      board.last.server.ping(Uint8Array.of(7));
      expect(await ping).toEqual(Uint8Array.of(7));
      const pong = next<Uint8Array>((l) => connection.on('pong', l));
      await connection.ping(Uint8Array.of(8));
      expect(await pong).toEqual(Uint8Array.of(8));
    });

    it('throws WK_ERR_INVALID_ARGUMENT for data that is not a string or bytes, connected or not', async () => {
      const { connection } = await openConnection();
      await expect(connection.send(42 as never)).rejects.toThrow(expect.objectContaining({ code: 'WK_ERR_INVALID_ARGUMENT' }));
    });
  });

  describe('keepAlive', () => {
    it('pings each link; a link whose pong is late is terminated (WK_ERR_PING_TIMEOUT) and replaced', async () => {
      const board = new Switchboard().next({ kind: 'accept', serve: { connection: { autoPong: false } } });
      const { connection, clock } = await openConnection({ keepAlive: { interval: 1_000, timeout: 500 } }, board);
      const errors: string[] = [];
      connection.on('error', (error) => errors.push(error.code));
      const attempt = next<ReconnectAttempt>((l) => connection.on('reconnecting', l));
      clock.advance(1_000);
      await tick();
      clock.advance(500);
      expect(await attempt).toMatchObject({ attempt: 1, cause: { kind: 'closed', info: { code: 1006 }, error: { code: 'WK_ERR_PING_TIMEOUT' } } });
      expect(errors).toEqual(['WK_ERR_PING_TIMEOUT']);
      const reconnected = next((l) => connection.on('reconnected', l));
      clock.advance(500);
      await reconnected;
      let pings = 0;
      board.last.server.on('ping', () => pings++);
      clock.advance(1_000);
      await tick();
      expect(pings).toBe(1);
      expect(connection.state).toBe('open');
    });
  });
});
