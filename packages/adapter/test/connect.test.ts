import { describe, expect, it, vi } from 'vitest';
import { connect, isNodeRuntime, WsConnection } from '../src/index.js';
import { FakeWebSocket } from './support/fake-websocket.js';
import { startServer } from './support/ws-server.js';

describe('isNodeRuntime()', () => {
  it.each([
    ['Node', { process: { versions: { node: '20.20.2' } } }, true],
    ['Bun', { process: { versions: { node: '22.6.0', bun: '1.2.0' } } }, false],
    ['Deno', { process: { versions: { node: '22.0.0' } }, Deno: {} }, false],
    ['a browser', {}, false],
  ])('tells %s apart', (_name, runtime, expected) => {
    expect(isNodeRuntime(runtime)).toBe(expected);
  });
});

describe('connect()', () => {
  it('uses the ws client in Node', async () => {
    const server = await startServer();
    try {
      const connection = await connect(server.url);
      expect(connection).toBeInstanceOf(WsConnection);
      connection.terminate();
    } finally {
      await server.close();
    }
  });

  it('uses the global WebSocket in Deno, passing headers in its WebSocketInit', async () => {
    FakeWebSocket.instances = [];
    vi.stubGlobal('Deno', {});
    vi.stubGlobal('WebSocket', FakeWebSocket);
    try {
      const opening = connect('ws://example.test/deno', { headers: { 'X-Probe': 'yes' } });
      const socket = FakeWebSocket.instances[0]!;
      expect(socket.protocols).toEqual({ protocols: [], headers: { 'X-Probe': 'yes' } });
      socket.open();
      expect((await opening).url).toBe('ws://example.test/deno');
    } finally {
      vi.unstubAllGlobals();
    }
  });
});
