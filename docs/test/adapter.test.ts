import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adapterPaths } from '../samples/adapter-connection.js';
import { starscreamChat } from '../samples/adapter-starscream.js';
import { startEchoServer, type RunningServer } from './echo-server.js';

let server: RunningServer;
beforeAll(async () => {
  server = await startEchoServer();
});
afterAll(async () => {
  await server.close();
});

describe('adapter samples (docs/transports/adapter.md)', () => {
  it('adapter-connection.ts runs the same Connection over ws and over a WHATWG constructor', async () => {
    expect(await adapterPaths(server.url)).toEqual([
      'ws: protocol chat.v1, ping answered, echo hello',
      'whatwg: ping refused with WK_ERR_UNSUPPORTED',
      'whatwg: echo hello',
    ]);
  });

  it('adapter-starscream.ts handles connected, text, binary and disconnected in one onEvent', async () => {
    expect(await starscreamChat(server.url)).toEqual([
      'connected: protocol chat.v1',
      'write completed: ok',
      'text: hello',
      'binary: 1,2,3',
      'disconnected: 1000',
    ]);
  });
});
