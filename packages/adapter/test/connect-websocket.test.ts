import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { connectWebSocket, type WebSocketConstructor } from '../src/index.js';
import { FakeWebSocket } from './support/fake-websocket.js';

const connect = connectWebSocket(FakeWebSocket as WebSocketConstructor);

function lastSocket(): FakeWebSocket {
  const socket = FakeWebSocket.instances.at(-1);
  if (socket === undefined) throw new Error('no socket was created');
  return socket;
}

describe('connectWebSocket()', () => {
  beforeEach(() => {
    FakeWebSocket.instances = [];
    vi.useFakeTimers();
  });
  afterEach(() => void vi.useRealTimers());

  it('resolves an open connection with the URL it was given and the subprotocols offered', async () => {
    const opening = connect('ws://example.test/chat', { protocols: ['chat.v1', 'chat.v2'] });
    const socket = lastSocket();
    expect(socket.protocols).toEqual(['chat.v1', 'chat.v2']);
    socket.open('chat.v2');
    const connection = await opening;
    expect(connection).toMatchObject({ state: 'open', url: 'ws://example.test/chat', protocol: 'chat.v2' });
  });

  it('hands the constructor a ws: URL for an http: one, reporting the URL as given', async () => {
    const opening = connect('http://example.test/x');
    expect(lastSocket().url).toBe('ws://example.test/x');
    lastSocket().open();
    expect((await opening).url).toBe('http://example.test/x');
  });

  it('keeps a message that arrives right after the open for receive()', async () => {
    const opening = connect('ws://example.test/');
    lastSocket().open();
    lastSocket().receive('first');
    expect(await (await opening).receive()).toBe('first');
  });

  it('rejects with WK_ERR_TRANSPORT when a bare error event (all WHATWG gives) ends the open', async () => {
    const opening = connect('ws://example.test/');
    lastSocket().error();
    lastSocket().closed(1006, '', false);
    await expect(opening).rejects.toMatchObject({ code: 'WK_ERR_TRANSPORT' });
  });

  it('rejects with the cause an ErrorEvent carries (ws\'s class: ECONNREFUSED → WK_ERR_CONNECTION_REFUSED)', async () => {
    const opening = connect('ws://example.test/');
    lastSocket().error({ error: Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }) });
    lastSocket().closed(1006, '', false);
    await expect(opening).rejects.toMatchObject({ code: 'WK_ERR_CONNECTION_REFUSED', domain: 'posix', errno: 'ECONNREFUSED' });
  });

  it('rejects with WK_ERR_CONNECT_TIMEOUT after connectTimeout and closes the socket', async () => {
    const opening = connect('ws://example.test/', { connectTimeout: 300 });
    const outcome = expect(opening).rejects.toMatchObject({ code: 'WK_ERR_CONNECT_TIMEOUT' });
    await vi.advanceTimersByTimeAsync(300);
    await outcome;
    expect(lastSocket().closeCalls).toEqual([[]]);
  });

  it('rejects with WK_ERR_ABORTED when the signal aborts, before or during the connect', async () => {
    await expect(connect('ws://example.test/', { signal: AbortSignal.abort() })).rejects.toMatchObject({ code: 'WK_ERR_ABORTED' });
    const controller = new AbortController();
    const opening = connect('ws://example.test/', { signal: controller.signal });
    controller.abort();
    await expect(opening).rejects.toMatchObject({ code: 'WK_ERR_ABORTED' });
  });

  it.each([
    ['headers', { headers: { Authorization: 'Bearer x' } }],
    ['origin', { origin: 'http://example.test' }],
    ['tls', { tls: { rejectUnauthorized: false } }],
    ['autoPong: false', { autoPong: false }],
  ])('throws WK_ERR_UNSUPPORTED for %s, which a WHATWG WebSocket cannot honour', async (_name, options) => {
    await expect(connect('ws://example.test/', options)).rejects.toThrow(expect.objectContaining({ code: 'WK_ERR_UNSUPPORTED', domain: 'usage' }));
    expect(FakeWebSocket.instances).toHaveLength(0);
  });

  it.each([
    ['ftp://example.test/', 'WK_ERR_INVALID_URL'],
    ['ws://example.test/#fragment', 'WK_ERR_INVALID_URL'],
    ['not a url', 'WK_ERR_INVALID_URL'],
  ])('throws %s → %s', async (url, code) => {
    await expect(connect(url)).rejects.toThrow(expect.objectContaining({ code }));
  });

  it('throws WK_ERR_INVALID_PROTOCOL for a subprotocol that is not a token, or listed twice', async () => {
    await expect(connect('ws://example.test/', { protocols: ['a b'] })).rejects.toThrow(expect.objectContaining({ code: 'WK_ERR_INVALID_PROTOCOL' }));
    await expect(connect('ws://example.test/', { protocols: ['a', 'a'] })).rejects.toThrow(expect.objectContaining({ code: 'WK_ERR_INVALID_PROTOCOL' }));
  });

  it('throws WK_ERR_UNSUPPORTED without a constructor on a platform with no global WebSocket (Node 20)', async () => {
    const saved = (globalThis as { WebSocket?: unknown }).WebSocket;
    delete (globalThis as { WebSocket?: unknown }).WebSocket;
    try {
      await expect(connectWebSocket()('ws://example.test/')).rejects.toThrow(expect.objectContaining({ code: 'WK_ERR_UNSUPPORTED' }));
    } finally {
      if (saved !== undefined) (globalThis as { WebSocket?: unknown }).WebSocket = saved;
    }
  });

  it('uses globalThis.WebSocket when given no constructor', async () => {
    vi.stubGlobal('WebSocket', FakeWebSocket);
    try {
      const opening = connectWebSocket()('ws://example.test/global');
      lastSocket().open();
      expect((await opening).url).toBe('ws://example.test/global');
    } finally {
      vi.unstubAllGlobals();
    }
  });
});

describe('connectWebSocket(constructor, { requestInit: true })', () => {
  beforeEach(() => {
    FakeWebSocket.instances = [];
  });

  it('passes subprotocols, headers and Origin in the WebSocketInit undici, Deno and Bun accept', async () => {
    const opening = connectWebSocket(FakeWebSocket as WebSocketConstructor, { requestInit: true })('ws://example.test/', {
      protocols: ['chat.v1'],
      headers: { Authorization: 'Bearer x' },
      origin: 'http://example.test',
    });
    const socket = lastSocket();
    expect(socket.protocols).toEqual({ protocols: ['chat.v1'], headers: { Authorization: 'Bearer x', Origin: 'http://example.test' } });
    socket.open();
    expect((await opening).state).toBe('open');
  });
});
