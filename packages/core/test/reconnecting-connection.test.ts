import { afterEach, describe, expect, it } from 'vitest';
import {
  reconnecting,
  WireKitError,
  type Message,
  type ReconnectAttempt,
  type ReconnectGiveUp,
  type ReconnectingConnection,
  type ReconnectPolicy,
} from '../src/index.js';
import { FakeClock } from '@wirekit/test-support';
import { next, tick } from './support/pair.js';
import { refused, Switchboard } from './support/reconnect-switchboard.js';

const URL = 'ws://test.local/feed';
const opened: ReconnectingConnection[] = [];
afterEach(() => {
  for (const connection of opened.splice(0)) connection.terminate();
});

/** A reconnecting connection on a switchboard, with a fake clock and a random draw of 0 (no jitter) unless told. */
function setup(policy: ReconnectPolicy = {}, board = new Switchboard()): { connection: ReconnectingConnection; board: Switchboard; clock: FakeClock } {
  const clock = new FakeClock();
  const connection = reconnecting(board.factory, URL, { clock, random: () => 0, ...policy });
  opened.push(connection);
  return { connection, board, clock };
}

const open = (connection: ReconnectingConnection): Promise<unknown> => (connection.state === 'open' ? Promise.resolve() : next((l) => connection.on('open', () => l(undefined))));
const events = <T>(subscribe: (listener: (value: T) => void) => () => void): T[] => {
  const seen: T[] = [];
  subscribe((value) => seen.push(value));
  return seen;
};

describe('ReconnectingConnection', () => {
  describe('a first connect', () => {
    it('opens through the factory, passing the policy connect timeout and a signal', async () => {
      const { connection, board } = setup({ connectTimeout: 1_234, connectOptions: { protocols: ['feed.v1'] } });
      expect(connection.state).toBe('connecting');
      await open(connection);
      expect(connection.state).toBe('open');
      expect(connection.url).toBe(URL);
      expect(board.calls).toHaveLength(1);
      expect(board.calls[0]!.options).toMatchObject({ connectTimeout: 1_234, protocols: ['feed.v1'] });
      expect(board.calls[0]!.options.signal).toBeInstanceOf(AbortSignal);
    });

    it('exchanges messages over the link: send(), message events, receive() and ping()', async () => {
      const { connection, board } = setup();
      await open(connection);
      const { server } = board.last;
      server.on('message', (data) => void server.send(data));
      await connection.send('hello');
      expect(await connection.receive()).toBe('hello');
      const seen = next<Message>((l) => connection.on('message', l));
      await connection.send(Uint8Array.of(1, 2));
      expect(await seen).toEqual(Uint8Array.of(1, 2));
      expect(await connection.ping()).toBeGreaterThanOrEqual(0);
      expect(connection.current).not.toBeNull();
    });

    it('delivers a message the server sent right after its 101, before the link was handed over', async () => {
      // A server Text frame "hi": FIN + text opcode, unmasked length 2.
      const board = new Switchboard({ kind: 'accept', serve: { after: Uint8Array.of(0x81, 0x02, 0x68, 0x69) } });
      const { connection } = setup({}, board);
      expect(await connection.receive()).toBe('hi');
    });

    it('retries a refused first connect after initialDelay, then opens', async () => {
      const { connection, board, clock } = setup({}, new Switchboard().next(refused()));
      const attempt = await next<ReconnectAttempt>((l) => connection.on('reconnecting', l));
      expect(attempt).toMatchObject({ attempt: 1, delay: 500, cause: { kind: 'failed', error: { code: 'WK_ERR_CONNECTION_REFUSED' } } });
      expect(connection.state).toBe('connecting');
      clock.advance(499);
      expect(board.calls).toHaveLength(1);
      clock.advance(1);
      await open(connection);
      expect(board.calls).toHaveLength(2);
    });
  });

  describe('after a link drops', () => {
    it('reports disconnect, waits with backoff, reconnects and reports reconnected (not another close)', async () => {
      const { connection, board, clock } = setup({ random: () => 0.5 });
      await open(connection);
      const closes = events((l) => connection.on('close', l));
      const disconnect = next<[number, string]>((l) => connection.on('disconnect', (info, error) => l([info.code, error?.code ?? ''])));
      const attempt = next<ReconnectAttempt>((l) => connection.on('reconnecting', l));
      board.last.channel.reset();
      expect(await disconnect).toEqual([1006, 'WK_ERR_CONNECTION_RESET']);
      // 500 × (1 − 0.5 × 0.5): equal jitter with the default jitter of 0.5.
      expect(await attempt).toMatchObject({ attempt: 1, delay: 375, cause: { kind: 'closed', info: { code: 1006 } } });
      expect(connection.state).toBe('connecting');
      const reconnected = next<{ attempt: number }>((l) => connection.on('reconnected', l));
      clock.advance(375);
      expect(await reconnected).toMatchObject({ attempt: 1 });
      expect(connection.state).toBe('open');
      expect(closes).toEqual([]);
      board.last.server.on('message', (data) => void board.last.server.send(data));
      await connection.send('again');
      expect(await connection.receive()).toBe('again');
    });

    it.each([1001, 1011, 1012, 1013, 1014])('reconnects when the server closes with %i', async (code) => {
      const { connection, board, clock } = setup();
      await open(connection);
      const attempt = next<ReconnectAttempt>((l) => connection.on('reconnecting', l));
      await board.last.server.close(code, 'later');
      expect(await attempt).toMatchObject({ attempt: 1, cause: { kind: 'closed', info: { code, reason: 'later', wasClean: true } } });
      clock.advance(500);
      await next((l) => connection.on('reconnected', l));
      expect(board.calls).toHaveLength(2);
    });

    it.each([1000, 1008, 1003, 4000])('gives up when the server closes with %i, and closes with it', async (code) => {
      const { connection, board } = setup();
      await open(connection);
      const giveUp = next<ReconnectGiveUp>((l) => connection.on('give-up', l));
      void board.last.server.close(code, 'bye');
      expect(await giveUp).toMatchObject({ reason: 'not-retryable', attempts: 0, cause: { kind: 'closed', info: { code } } });
      expect(await connection.closed).toEqual({ code, reason: 'bye', wasClean: true });
      expect(connection.state).toBe('closed');
      await expect(connection.send('x')).rejects.toMatchObject({ code: 'WK_ERR_NOT_OPEN' });
      await expect(connection.receive()).rejects.toMatchObject({ code: 'WK_ERR_CLOSED', closeCode: code });
    });

    it('holds a message sent while the link is closing, before its loss is handled, and sends it on the next link', async () => {
      const { connection, board, clock } = setup();
      await open(connection);
      const link = connection.current!;
      const closing = next((l) => link.on('state', (state) => state === 'closing' && l(state)));
      void board.last.server.close(1012);
      await closing;
      expect(connection.state).toBe('open');
      const held = connection.send('held');
      expect(connection.outboxSize).toBe(1);
      await next((l) => connection.on('reconnecting', l));
      clock.advance(500);
      await next((l) => connection.on('reconnected', l));
      expect(await board.last.server.receive()).toBe('held');
      await held;
    });

    it('reconnects on an application close code listed in reconnectOnCodes', async () => {
      const { connection, board } = setup({ reconnectOnCodes: [4000] });
      await open(connection);
      const attempt = next<ReconnectAttempt>((l) => connection.on('reconnecting', l));
      void board.last.server.close(4000, 'try again');
      expect(await attempt).toMatchObject({ attempt: 1, cause: { info: { code: 4000 } } });
    });

    it('asks a custom shouldReconnect, which replaces the default', async () => {
      const causes: string[] = [];
      const { connection, board } = setup({ shouldReconnect: (cause) => (causes.push(cause.kind), cause.kind === 'closed' && cause.info.code === 1000) });
      await open(connection);
      const attempt = next<ReconnectAttempt>((l) => connection.on('reconnecting', l));
      void board.last.server.close(1000);
      expect(await attempt).toMatchObject({ attempt: 1 });
      expect(causes).toEqual(['closed']);
    });

    it('grows the delay exponentially with each failed attempt and gives up after maxRetries', async () => {
      const { connection, board, clock } = setup({ maxRetries: 3 });
      await open(connection);
      board.otherwise(refused());
      const attempts = events<ReconnectAttempt>((l) => connection.on('reconnecting', l));
      const errors = events<WireKitError>((l) => connection.on('error', l));
      const closes = events((l) => connection.on('close', l));
      const giveUp = next<ReconnectGiveUp>((l) => connection.on('give-up', l));
      board.last.channel.reset();
      for (const delay of [500, 1_000, 2_000]) {
        await tick();
        clock.advance(delay);
      }
      const event = await giveUp;
      expect(attempts.map(({ attempt, delay }) => [attempt, delay])).toEqual([
        [1, 500],
        [2, 1_000],
        [3, 2_000],
      ]);
      expect(event).toMatchObject({ reason: 'max-retries', attempts: 3, error: { code: 'WK_ERR_CONNECTION_REFUSED' } });
      expect(errors.map((error) => error.code)).toEqual(['WK_ERR_CONNECTION_RESET', 'WK_ERR_CONNECTION_REFUSED']);
      expect(await connection.closed).toEqual({ code: 1006, reason: '', wasClean: false });
      expect(closes).toHaveLength(1);
      expect(board.calls).toHaveLength(4);
      expect(clock.pending).toBe(0);
    });

    it('gives up at once with maxRetries 0', async () => {
      const { connection } = setup({ maxRetries: 0 }, new Switchboard(refused()));
      expect(await next<ReconnectGiveUp>((l) => connection.on('give-up', l))).toMatchObject({ reason: 'max-retries', attempts: 0 });
      expect(connection.state).toBe('closed');
    });

    it('retries a handshake refused with 503 but gives up on 403', async () => {
      const refuse = (status: number) => ({ kind: 'fail' as const, error: new WireKitError('WK_ERR_HANDSHAKE_STATUS', `status ${status}`, { status }) });
      const { connection, clock } = setup({}, new Switchboard().next(refuse(503), refuse(403)));
      expect(await next<ReconnectAttempt>((l) => connection.on('reconnecting', l))).toMatchObject({ cause: { error: { status: 503 } } });
      const giveUp = next<ReconnectGiveUp>((l) => connection.on('give-up', l));
      clock.advance(500);
      expect(await giveUp).toMatchObject({ reason: 'not-retryable', attempts: 1, error: { code: 'WK_ERR_HANDSHAKE_STATUS', status: 403 } });
    });

    it('does not resend on the new link a message handed to the link that dropped (at most once)', async () => {
      const { connection, board, clock } = setup();
      await open(connection);
      const inFlight = connection.send('handed over');
      board.last.channel.reset();
      // Handed to the (memory) OS before the reset: resolved, and gone with the link.
      await expect(inFlight).resolves.toBeUndefined();
      await tick();
      clock.advance(500);
      await next((l) => connection.on('reconnected', l));
      const received = events<Message>((l) => board.last.server.on('message', l));
      await connection.send('after');
      await tick(5);
      expect(received).toEqual(['after']);
    });
  });

  describe('connect timeout', () => {
    it('abandons an attempt after connectTimeout with WK_ERR_CONNECT_TIMEOUT, aborting its signal', async () => {
      const { connection, board, clock } = setup({ connectTimeout: 2_000 }, new Switchboard().next({ kind: 'hang' }));
      const attempt = next<ReconnectAttempt>((l) => connection.on('reconnecting', l));
      clock.advance(1_999);
      expect(connection.state).toBe('connecting');
      clock.advance(1);
      expect(await attempt).toMatchObject({ attempt: 1, cause: { kind: 'failed', error: { code: 'WK_ERR_CONNECT_TIMEOUT' } } });
      expect(board.calls[0]!.options.signal!.aborted).toBe(true);
      clock.advance(500);
      await open(connection);
    });

    it('terminates a link that opens after its attempt was abandoned', async () => {
      let resolveLate!: (value: unknown) => void;
      const late = new Promise((resolve) => (resolveLate = resolve));
      const board = new Switchboard();
      let calls = 0;
      const factory: typeof board.factory = (url, options) => (++calls === 1 ? late.then(() => board.factory(url, options)) : board.factory(url, options));
      const clock = new FakeClock();
      const connection = reconnecting(factory, URL, { clock, random: () => 0, connectTimeout: 100 });
      opened.push(connection);
      clock.advance(100);
      clock.advance(500);
      await open(connection);
      resolveLate(undefined);
      await tick(5);
      expect(board.links).toHaveLength(2);
      expect(await board.links[1]!.server.closed).toMatchObject({ code: 1006 });
      expect(board.links[0]!.server.state).toBe('open');
      expect(connection.state).toBe('open');
    });
  });
});
