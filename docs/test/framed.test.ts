import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { framedStomp, NulTerminatedFramer } from '../samples/framed-custom-framer.js';
import { listenerEcho } from '../samples/framed-listener.js';
import { framedWebSocket } from '../samples/framed-websocket.js';
import { startEchoServer, startTcpEchoServer, type RunningServer } from './echo-server.js';

let server: RunningServer;
let tcp: RunningServer;
beforeAll(async () => {
  [server, tcp] = await Promise.all([startEchoServer(), startTcpEchoServer()]);
});
afterAll(async () => {
  await Promise.all([server.close(), tcp.close()]);
});

describe('framed samples (docs/transports/framed.md)', () => {
  it('framed-websocket.ts walks preparing → ready → cancelled with a message and a pong', async () => {
    expect(await framedWebSocket(server.url)).toEqual([
      'state: preparing',
      'state: ready',
      'send completed: ok',
      'received text: hello (complete: true)',
      'pong: ok',
      'state: cancelled',
    ]);
  });

  it('framed-custom-framer.ts exchanges NUL-terminated frames over plain TCP', async () => {
    expect(await framedStomp('127.0.0.1', tcp.port)).toEqual([
      'frame: SEND|destination:/queue/a||hello',
      'frame: SEND|destination:/queue/b||world',
    ]);
  });

  it('framed-listener.ts serves a WebSocket client from an NWListener on loopback', async () => {
    expect(await listenerEcho()).toEqual(['echo: hello, listener', 'closed: 1000']);
  });

  it('NulTerminatedFramer splits at every offset and refuses an endless message', () => {
    const wire = new Uint8Array([104, 105, 0, 0, 121, 111, 0]);
    for (let cut = 0; cut <= wire.length; cut++) {
      const framer = new NulTerminatedFramer();
      const first = framer.push(wire.subarray(0, cut));
      const second = framer.push(wire.subarray(cut));
      if (!Array.isArray(first) || !Array.isArray(second)) throw new Error('unexpected failure');
      expect([...first, ...second].map((m) => [...m])).toEqual([[104, 105], [], [121, 111]]);
    }
    const small = new NulTerminatedFramer(4);
    const result = small.push(new Uint8Array([1, 2, 3, 4, 5]));
    expect(result).toMatchObject({ code: 'WK_ERR_MESSAGE_TOO_LARGE', closeCode: 1009 });
    expect(small.push(new Uint8Array([0]))).toBe(result);
  });
});
