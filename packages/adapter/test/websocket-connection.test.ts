import { WireKitError } from '@wirekit/core';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fromWebSocket, type WebSocketConnection } from '../src/index.js';
import { FakeWebSocket } from './support/fake-websocket.js';

function opened(options: Parameters<typeof fromWebSocket>[1] = {}): { socket: FakeWebSocket; connection: WebSocketConnection; errors: WireKitError[] } {
  const socket = new FakeWebSocket('wss://example.test/chat');
  socket.open();
  const connection = fromWebSocket(socket, options);
  const errors: WireKitError[] = [];
  connection.on('error', (error) => errors.push(error));
  return { socket, connection, errors };
}

async function settled(promise: Promise<unknown>): Promise<'resolved' | 'rejected' | 'pending'> {
  let outcome: 'resolved' | 'rejected' | 'pending' = 'pending';
  promise.then(() => (outcome = 'resolved'), () => (outcome = 'rejected'));
  await vi.advanceTimersByTimeAsync(100);
  return outcome;
}

describe('WebSocketConnection (WHATWG)', () => {
  beforeEach(() => void vi.useFakeTimers());
  afterEach(() => void vi.useRealTimers());

  describe('fromWebSocket()', () => {
    it('reports an open socket as open, with its URL, protocol and binaryType set to arraybuffer', () => {
      const { socket, connection } = opened();
      expect(connection.state).toBe('open');
      expect(connection.url).toBe('wss://example.test/chat');
      expect(socket.binaryType).toBe('arraybuffer');
    });

    it('reports a connecting socket as connecting, then open with an open event', () => {
      const socket = new FakeWebSocket('ws://example.test/');
      const connection = fromWebSocket(socket);
      const opens: unknown[] = [];
      connection.on('open', () => opens.push(true));
      expect(connection.state).toBe('connecting');
      socket.open('chat.v1');
      expect(connection.state).toBe('open');
      expect(connection.protocol).toBe('chat.v1');
      expect(opens).toHaveLength(1);
    });

    it('refuses a closed socket with WK_ERR_NOT_OPEN', () => {
      const socket = new FakeWebSocket('ws://example.test/');
      socket.closed(1000);
      expect(() => fromWebSocket(socket)).toThrow(expect.objectContaining({ code: 'WK_ERR_NOT_OPEN', domain: 'usage' }));
    });
  });

  describe('send()', () => {
    it('resolves only when bufferedAmount shows the message handed to the OS', async () => {
      const { socket, connection } = opened();
      const sending = connection.send('héllo');
      expect(socket.bufferedAmount).toBe(6);
      expect(await settled(sending)).toBe('pending');
      socket.bufferedAmount = 0;
      expect(await settled(sending)).toBe('resolved');
      expect(socket.sent).toEqual(['héllo']);
    });

    it('resolves sends in order as the buffer drains: the first when only the second is left', async () => {
      const { socket, connection } = opened();
      const first = connection.send(new Uint8Array(10));
      const second = connection.send(new Uint8Array(20));
      socket.bufferedAmount = 20;
      expect(await settled(first)).toBe('resolved');
      expect(await settled(second)).toBe('pending');
      socket.bufferedAmount = 0;
      expect(await settled(second)).toBe('resolved');
    });

    it('rejects WK_ERR_NOT_OPEN on a socket the peer is closing, where WHATWG send() would drop the data', async () => {
      const { socket, connection } = opened();
      socket.readyState = 2;
      await expect(connection.send('late')).rejects.toMatchObject({ code: 'WK_ERR_NOT_OPEN' });
      expect(socket.sent).toEqual([]);
    });

    it('throws WK_ERR_INVALID_ARGUMENT for data that is neither a string nor a Uint8Array', async () => {
      const { connection } = opened();
      await expect(connection.send(42 as unknown as string)).rejects.toThrow(expect.objectContaining({ code: 'WK_ERR_INVALID_ARGUMENT' }));
    });
  });

  describe('receiving', () => {
    it('delivers text as a string and an ArrayBuffer as a Uint8Array, in order', async () => {
      const { socket, connection } = opened();
      socket.receive('one');
      socket.receive(new Uint8Array([1, 2, 3]).buffer);
      expect(await connection.receive()).toBe('one');
      expect(await connection.receive()).toEqual(new Uint8Array([1, 2, 3]));
    });

    it('fails the connection on a Blob, reporting WK_ERR_UNSUPPORTED instead of dropping it', () => {
      const { socket, connection, errors } = opened();
      socket.receive(new Blob(['x']));
      expect(errors.map((error) => error.code)).toEqual(['WK_ERR_UNSUPPORTED']);
      expect(socket.closeCalls).toEqual([[]]);
      expect(connection.state).toBe('open');
    });

    it('fails with WK_ERR_MESSAGE_TOO_LARGE over maxMessageSize: nothing delivered, a code-less Close (browsers cannot send 1009), 1009 reported locally', async () => {
      const { socket, connection, errors } = opened({ maxMessageSize: 4 });
      const messages: unknown[] = [];
      connection.on('message', (message) => messages.push(message));
      socket.receive('four');
      socket.receive('fivé');
      expect(messages).toEqual(['four']);
      expect(errors.map((error) => error.code)).toEqual(['WK_ERR_MESSAGE_TOO_LARGE']);
      expect(socket.closeCalls).toEqual([[]]);
      socket.receive('after the failure');
      socket.closed(1005, '', true);
      expect(await connection.closed).toEqual({ code: 1009, reason: '', wasClean: false });
      expect(messages).toEqual(['four']);
    });
  });

  describe('ping()', () => {
    it('rejects WK_ERR_UNSUPPORTED: WHATWG has no ping API', async () => {
      const { connection } = opened();
      await expect(connection.ping()).rejects.toMatchObject({ code: 'WK_ERR_UNSUPPORTED' });
    });

    it('rejects (never throws) WK_ERR_CONTROL_PAYLOAD_TOO_LONG for a payload over 125 bytes (RFC 6455 §5.5), before WK_ERR_UNSUPPORTED', async () => {
      const { connection } = opened();
      await expect(connection.ping(new Uint8Array(126))).rejects.toMatchObject({ code: 'WK_ERR_CONTROL_PAYLOAD_TOO_LONG', domain: 'usage' });
    });
  });

  describe('close()', () => {
    it('passes the code and reason on, goes closing, then closed with the CloseEvent', async () => {
      const { socket, connection } = opened();
      const states: string[] = [];
      connection.on('state', (state) => states.push(state));
      const closing = connection.close(4001, 'bye');
      expect(socket.closeCalls).toEqual([[4001, 'bye']]);
      socket.closed(4001, 'bye', true);
      expect(await closing).toEqual({ code: 4001, reason: 'bye', wasClean: true });
      expect(states).toEqual(['closing', 'closed']);
    });

    it('rejects (never throws) WK_ERR_INVALID_CLOSE_CODE for a code the platform refuses (browsers: only 1000 and 3000–4999), staying open', async () => {
      const { connection } = opened();
      await expect(connection.close(1001)).rejects.toMatchObject({ code: 'WK_ERR_INVALID_CLOSE_CODE', domain: 'usage' });
      expect(connection.state).toBe('open');
    });

    it('rejects (never throws) WK_ERR_CLOSE_REASON_TOO_LONG for a reason over 123 bytes, before the platform sees it', async () => {
      const { socket, connection } = opened();
      await expect(connection.close(1000, 'x'.repeat(124))).rejects.toMatchObject({ code: 'WK_ERR_CLOSE_REASON_TOO_LONG', domain: 'usage' });
      expect(socket.closeCalls).toEqual([]);
    });

    it('gives up after closeTimeout with WK_ERR_CLOSE_TIMEOUT and 1006', async () => {
      const { connection, errors } = opened({ closeTimeout: 200 });
      const closing = connection.close(1000, 'bye');
      await vi.advanceTimersByTimeAsync(200);
      expect(await closing).toEqual({ code: 1006, reason: '', wasClean: false });
      expect(errors.map((error) => error.code)).toEqual(['WK_ERR_CLOSE_TIMEOUT']);
    });
  });

  describe('terminate()', () => {
    it('reports 1006 at once, closes the socket in the background and rejects pending calls with WK_ERR_CLOSED', async () => {
      const { socket, connection } = opened();
      const sending = connection.send('stuck');
      const receiving = connection.receive();
      connection.terminate();
      expect(await connection.closed).toEqual({ code: 1006, reason: '', wasClean: false });
      await expect(sending).rejects.toMatchObject({ code: 'WK_ERR_CLOSED', closeCode: 1006 });
      await expect(receiving).rejects.toMatchObject({ code: 'WK_ERR_CLOSED' });
      expect(socket.closeCalls).toEqual([[]]);
      expect(socket.listenerCount('message')).toBe(0);
    });

    it('reports the error it is given through the error event first', () => {
      const { connection, errors } = opened();
      const timeout = new WireKitError('WK_ERR_PING_TIMEOUT', 'no pong');
      connection.terminate(timeout);
      expect(errors).toEqual([timeout]);
      expect(connection.state).toBe('closed');
    });
  });
});
