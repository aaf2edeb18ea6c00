import { describe, expect, it } from 'vitest';
import { connect, isNodeRuntime, WsConnection } from '../src/index.js';
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
});
