import { WireKitError } from '@wirekit/core';
import { describe, expect, it } from 'vitest';
import { URLRequest, URLSessionConfiguration, URLSessionWebSocketTask, type URLSessionResult, type URLSessionWebSocketTaskMessage } from '../src/index.js';
import { MemorySession, recordingDelegate, until } from './support/memory-session.js';

const { CloseCode } = URLSessionWebSocketTask;
const text = (bytes: Uint8Array | null): string | null => (bytes === null ? null : new TextDecoder().decode(bytes));

async function openTask(session = new MemorySession(), protocols: string[] = []) {
  const task = session.webSocketTask('ws://memory.test/chat', protocols);
  task.resume();
  await until(() => session.servers.length === 1);
  return { session, task, server: session.servers[0]! };
}

describe('URLSessionWebSocketTask', () => {
  describe('resume()', () => {
    it('starts suspended, connects on resume(), and tells the delegate the subprotocol', async () => {
      const delegate = recordingDelegate();
      const session = new MemorySession(undefined, delegate);
      const task = session.webSocketTask('ws://memory.test/chat', ['chat.v2', 'chat.v1']);
      expect([task.state, task.closeCode, task.closeReason, task.maximumMessageSize]).toEqual(['suspended', CloseCode.invalid, null, 1024 * 1024]);
      task.resume();
      expect(task.state).toBe('running');
      await until(() => delegate.calls.length === 1);
      expect(delegate.calls).toEqual([['open', 'chat.v2']]);
      expect(session.opened[0]?.options).toMatchObject({ protocols: ['chat.v2', 'chat.v1'], maxMessageSize: 1024 * 1024, connectTimeout: 60_000 });
      task.resume(); // a running task ignores it
      expect(session.opened).toHaveLength(1);
    });

    it('reports a null protocol when the server chose none', async () => {
      const delegate = recordingDelegate();
      await openTask(new MemorySession(undefined, delegate));
      await until(() => delegate.calls.length === 1);
      expect(delegate.calls).toEqual([['open', null]]);
    });

    it("uses the request's headers and timeout over the configuration's", async () => {
      const configuration = URLSessionConfiguration.default;
      configuration.httpAdditionalHeaders = { 'X-App': 'wirekit', Authorization: 'Bearer old' };
      configuration.timeoutIntervalForRequest = 5;
      const session = new MemorySession(configuration);
      configuration.httpAdditionalHeaders = {}; // the session keeps its own copy
      const request = new URLRequest('ws://memory.test/', { timeoutInterval: 2 });
      request.setValue('Bearer new', 'authorization');
      session.webSocketTask(request).resume();
      session.webSocketTask('ws://memory.test/').resume();
      expect(session.opened.map(({ options }) => [options.headers, options.connectTimeout])).toEqual([
        [{ 'X-App': 'wirekit', Authorization: 'Bearer new' }, 2_000],
        [{ 'X-App': 'wirekit', Authorization: 'Bearer old' }, 5_000],
      ]);
    });
  });

  describe('send() and receive()', () => {
    it('queues sends and receives made before the handshake and runs them after it', async () => {
      const session = new MemorySession();
      const task = session.webSocketTask('ws://memory.test/');
      const sent = [task.send({ type: 'string', string: 'one' }), task.send({ type: 'data', data: new Uint8Array([2]) }), task.send('three'), task.send(new Uint8Array([4]))];
      const received = task.receive();
      task.resume();
      await until(() => session.servers.length === 1);
      const server = session.servers[0]!;
      await Promise.all(sent);
      expect([await server.receive(), await server.receive(), await server.receive(), await server.receive()]).toEqual(['one', new Uint8Array([2]), 'three', new Uint8Array([4])]);
      await server.send('reply');
      expect(await received).toEqual({ type: 'string', string: 'reply' });
    });

    it('delivers one message per receive(), keeping later ones in order for the next calls', async () => {
      const { task, server } = await openTask();
      await server.send('a');
      await server.send(new Uint8Array([1, 2]));
      await server.send('c');
      const messages: URLSessionWebSocketTaskMessage[] = [];
      for (let i = 0; i < 3; i++) messages.push(await task.receive());
      expect(messages).toEqual([{ type: 'string', string: 'a' }, { type: 'data', data: new Uint8Array([1, 2]) }, { type: 'string', string: 'c' }]);
    });

    it('calls completion handlers with null or a Result, as the Swift API', async () => {
      const { task, server } = await openTask();
      const sendResult = await new Promise<WireKitError | null>((resolve) => task.send('hi', resolve));
      expect(sendResult).toBeNull();
      expect(await server.receive()).toBe('hi');
      void server.send('back');
      const result = await new Promise<URLSessionResult<URLSessionWebSocketTaskMessage>>((resolve) => task.receive(resolve));
      expect(result).toEqual({ kind: 'success', value: { type: 'string', string: 'back' } });
    });

    it.each([[{ type: 'data', data: 'x' }], [{ type: 'text', string: 'x' }], [42], [null]])('rejects (never throws) WK_ERR_INVALID_ARGUMENT for %j, and calls a handler with it', async (message) => {
      const { task } = await openTask();
      await expect(task.send(message as never)).rejects.toMatchObject({ name: 'WireKitError', code: 'WK_ERR_INVALID_ARGUMENT', domain: 'usage' });
      const handled = await new Promise<WireKitError | null>((resolve) => task.send(message as never, resolve));
      expect(handled).toMatchObject({ code: 'WK_ERR_INVALID_ARGUMENT' });
    });

    it('fails a receive() with WK_ERR_MESSAGE_TOO_LARGE over maximumMessageSize, and closes with 1009', async () => {
      const delegate = recordingDelegate();
      const session = new MemorySession(undefined, delegate);
      const task = session.webSocketTask('ws://memory.test/');
      task.maximumMessageSize = 16;
      task.resume();
      await until(() => session.servers.length === 1);
      const server = session.servers[0]!;
      await server.send(new Uint8Array(16));
      await server.send(new Uint8Array(17));
      expect((await task.receive()).type).toBe('data');
      await expect(task.receive()).rejects.toMatchObject({ code: 'WK_ERR_MESSAGE_TOO_LARGE', closeCode: CloseCode.messageTooBig });
      expect((await server.closed).code).toBe(CloseCode.messageTooBig);
      await until(() => task.state === 'completed');
      expect(task.error?.code).toBe('WK_ERR_MESSAGE_TOO_LARGE');
      expect(delegate.calls.at(-1)).toEqual(['complete', 'WK_ERR_MESSAGE_TOO_LARGE']);
      await expect(task.send('late')).rejects.toMatchObject({ code: 'WK_ERR_MESSAGE_TOO_LARGE' });
    });

    it('accepts exactly 1 MiB by default and refuses one byte more', async () => {
      const { task, server } = await openTask();
      await server.send(new Uint8Array(1024 * 1024));
      expect(((await task.receive()) as { data: Uint8Array }).data.length).toBe(1024 * 1024);
      await server.send(new Uint8Array(1024 * 1024 + 1));
      await expect(task.receive()).rejects.toMatchObject({ code: 'WK_ERR_MESSAGE_TOO_LARGE' });
    });

    it('checks maximumMessageSize: a positive integer, set before resume()', async () => {
      const task = new MemorySession().webSocketTask('ws://memory.test/');
      expect(() => (task.maximumMessageSize = 0)).toThrow(expect.objectContaining({ code: 'WK_ERR_INVALID_ARGUMENT' }));
      expect(() => (task.maximumMessageSize = 1.5)).toThrow(expect.objectContaining({ code: 'WK_ERR_INVALID_ARGUMENT' }));
      task.resume();
      expect(() => (task.maximumMessageSize = 64)).toThrow(expect.objectContaining({ code: 'WK_ERR_UNSUPPORTED', domain: 'usage' }));
    });
  });

  describe('sendPing()', () => {
    it('calls the pong handler with null when the pong arrives, and resolves in the promise form', async () => {
      const { task } = await openTask();
      expect(await new Promise((resolve) => task.sendPing(resolve))).toBeNull();
      await expect(task.sendPing()).resolves.toBeUndefined();
    });

    it('calls the pong handler with WK_ERR_CLOSED when the connection is lost first', async () => {
      const { task, server } = await openTask();
      const outcome = new Promise<WireKitError | null>((resolve) => task.sendPing(resolve));
      server.terminate();
      expect(await outcome).toMatchObject({ code: 'WK_ERR_CLOSED' });
    });
  });

  describe('cancel()', () => {
    it('closes with the code and reason, then reports didCloseWith and didCompleteWithError(null)', async () => {
      const delegate = recordingDelegate();
      const { task, server } = await openTask(new MemorySession(undefined, delegate));
      task.cancel(CloseCode.goingAway, new TextEncoder().encode('bye'));
      expect(task.state).toBe('canceling');
      expect(await server.closed).toMatchObject({ code: CloseCode.goingAway, reason: 'bye' });
      await until(() => task.state === 'completed');
      // closeCode and closeReason are what the server sent back: its Close echoed the code, without a reason.
      expect([task.closeCode, task.closeReason, task.error]).toEqual([CloseCode.goingAway, null, null]);
      expect(delegate.calls).toEqual([['open', null], ['close', CloseCode.goingAway, null], ['complete', null]]);
      await expect(task.send('late')).rejects.toMatchObject({ code: 'WK_ERR_NOT_OPEN', domain: 'usage' });
    });

    it('sends a Close without a status for cancel() and cancel(.invalid)', async () => {
      for (const code of [undefined, CloseCode.invalid]) {
        const { task, server } = await openTask();
        task.cancel(code);
        expect((await server.closed).code).toBe(CloseCode.noStatusReceived);
      }
    });

    it('completes with WK_ERR_ABORTED, failing queued operations, when cancelled before resume()', async () => {
      const delegate = recordingDelegate();
      const session = new MemorySession(undefined, delegate);
      const task = session.webSocketTask('ws://memory.test/');
      const received = task.receive();
      task.cancel();
      await expect(received).rejects.toMatchObject({ code: 'WK_ERR_ABORTED' });
      expect([task.state, delegate.calls]).toEqual(['completed', [['complete', 'WK_ERR_ABORTED']]]);
      task.resume();
      expect(session.opened).toHaveLength(0);
    });

    it('aborts a connect in progress and completes with WK_ERR_ABORTED', async () => {
      const session = new MemorySession();
      session.hold = true;
      const task = session.webSocketTask('ws://memory.test/');
      task.resume();
      const sent = task.send('never');
      task.cancel(CloseCode.normalClosure);
      expect(task.state).toBe('canceling');
      await expect(sent).rejects.toMatchObject({ code: 'WK_ERR_ABORTED' });
      expect(task.state).toBe('completed');
    });

    it.each([
      [CloseCode.noStatusReceived, undefined, 'WK_ERR_INVALID_CLOSE_CODE'],
      [CloseCode.abnormalClosure, undefined, 'WK_ERR_INVALID_CLOSE_CODE'],
      [CloseCode.normalClosure, 'x'.repeat(124), 'WK_ERR_CLOSE_REASON_TOO_LONG'],
      [CloseCode.normalClosure, new Uint8Array([0xff]), 'WK_ERR_INVALID_ARGUMENT'],
    ])('throws for close code %i with an invalid reason or code (%s): %s', async (code, reason, expected) => {
      const { task } = await openTask();
      expect(() => task.cancel(code, reason)).toThrow(expect.objectContaining({ code: expected }));
      expect(task.state).toBe('running');
    });
  });

  describe('when the server closes', () => {
    it("records the server's code and reason and fails a pending receive() with WK_ERR_CLOSED", async () => {
      const delegate = recordingDelegate();
      const { task, server } = await openTask(new MemorySession(undefined, delegate));
      const pending = task.receive();
      void server.close(4000, 'server bye');
      await expect(pending).rejects.toMatchObject({ code: 'WK_ERR_CLOSED', closeCode: 4000 });
      await until(() => task.state === 'completed');
      expect([task.closeCode, text(task.closeReason), task.error]).toEqual([4000, 'server bye', null]);
      expect(delegate.calls).toEqual([['open', null], ['close', 4000, 'server bye'], ['complete', null]]);
    });

    it('completes with an error, without didCloseWith, when the connection drops', async () => {
      const delegate = recordingDelegate();
      const { task, server } = await openTask(new MemorySession(undefined, delegate));
      server.terminate();
      await until(() => task.state === 'completed');
      expect(task.closeCode).toBe(CloseCode.abnormalClosure);
      expect(task.error).toBeInstanceOf(WireKitError);
      expect(delegate.calls.map(([name]) => name)).toEqual(['open', 'complete']);
    });
  });

  describe('delegates', () => {
    it("calls the task's delegate first, then the session's", async () => {
      const order: string[] = [];
      const session = new MemorySession(undefined, { didOpenWithProtocol: () => void order.push('session') });
      const task = session.webSocketTask('ws://memory.test/');
      task.delegate = { didOpenWithProtocol: () => void order.push('task') };
      task.resume();
      await until(() => order.length === 2);
      expect(order).toEqual(['task', 'session']);
    });
  });
});

describe('URLSession', () => {
  it('numbers its tasks and lists those not completed', async () => {
    const session = new MemorySession();
    const first = session.webSocketTask('ws://memory.test/a');
    const second = session.webSocketTask(new URL('ws://memory.test/b'));
    expect([first.taskIdentifier, second.taskIdentifier]).toEqual([1, 2]);
    expect(second.originalRequest.url.href).toBe('ws://memory.test/b');
    first.cancel();
    expect(session.allTasks).toEqual([second]);
  });

  it('invalidateAndCancel() cancels every task, reports the invalidation, and refuses new tasks', async () => {
    const delegate = recordingDelegate();
    const session = new MemorySession(undefined, delegate);
    const { task, server } = await openTask(session);
    session.invalidateAndCancel();
    expect(task.state).toBe('canceling');
    expect((await server.closed).code).toBe(CloseCode.noStatusReceived);
    await until(() => delegate.calls.some(([name]) => name === 'invalid'));
    expect(delegate.calls.map(([name]) => name)).toEqual(['open', 'close', 'complete', 'invalid']);
    expect(() => session.webSocketTask('ws://memory.test/')).toThrow(expect.objectContaining({ code: 'WK_ERR_INVALID_ARGUMENT' }));
  });

  it('finishTasksAndInvalidate() lets running tasks finish before reporting the invalidation', async () => {
    const delegate = recordingDelegate();
    const session = new MemorySession(undefined, delegate);
    const { task } = await openTask(session);
    session.finishTasksAndInvalidate();
    expect(task.state).toBe('running');
    await task.send('still open');
    task.cancel(CloseCode.normalClosure);
    await until(() => delegate.calls.some(([name]) => name === 'invalid'));
    expect(delegate.calls.at(-1)).toEqual(['invalid', null]);
  });

  it.each(['not a url', 'ftp://memory.test/', 'ws://memory.test/#fragment'])('throws WK_ERR_INVALID_URL for %s when the task is created', (url) => {
    expect(() => new MemorySession().webSocketTask(url)).toThrow(expect.objectContaining({ code: 'WK_ERR_INVALID_URL' }));
  });

  it.each([[['chat v1']], [['v1', 'v1']], [[7]]])('throws WK_ERR_INVALID_PROTOCOL for the subprotocols %j when the task is created', (protocols) => {
    expect(() => new MemorySession().webSocketTask('ws://memory.test/', protocols as never)).toThrow(expect.objectContaining({ code: 'WK_ERR_INVALID_PROTOCOL' }));
  });

  it('raises no unhandled rejection for operations nobody awaits on a completed task', async () => {
    const task = new MemorySession().webSocketTask('ws://memory.test/');
    task.cancel();
    void task.send('ignored');
    void task.receive();
    void task.sendPing();
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(task.state).toBe('completed');
  });
});

describe('URLRequest', () => {
  it('matches header fields case-insensitively, keeping the first spelling, as Foundation', () => {
    const request = new URLRequest('wss://example.test/', { headers: { 'X-Token': 'a' } });
    request.addValue('b', 'x-token');
    request.setValue('v1', 'Sec-WebSocket-Protocol');
    expect(request.value('X-TOKEN')).toBe('a,b');
    expect(request.allHTTPHeaderFields).toEqual({ 'X-Token': 'a,b', 'Sec-WebSocket-Protocol': 'v1' });
    request.setValue(null, 'sec-websocket-protocol');
    expect(request.value('Sec-WebSocket-Protocol')).toBeNull();
  });

  it.each([0, -1, Number.NaN, Number.POSITIVE_INFINITY])('refuses a timeoutInterval of %d with WK_ERR_INVALID_ARGUMENT', (seconds) => {
    expect(() => new URLRequest('ws://example.test/', { timeoutInterval: seconds })).toThrow(expect.objectContaining({ code: 'WK_ERR_INVALID_ARGUMENT' }));
    expect(() => (URLSessionConfiguration.default.timeoutIntervalForRequest = seconds)).toThrow(expect.objectContaining({ code: 'WK_ERR_INVALID_ARGUMENT' }));
  });
});
