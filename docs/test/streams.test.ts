import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { streamPairEcho } from '../samples/streams-pair.js';
import { socketRocketChat } from '../samples/streams-socketrocket.js';
import { webStreamsEcho } from '../samples/streams-web.js';
import { startEchoServer, startTcpEchoServer, type RunningServer } from './echo-server.js';

let server: RunningServer;
let tcp: RunningServer;
beforeAll(async () => {
  [server, tcp] = await Promise.all([startEchoServer(), startTcpEchoServer()]);
});
afterAll(async () => {
  await Promise.all([server.close(), tcp.close()]);
});

describe('streams samples (docs/transports/streams.md)', () => {
  it('streams-pair.ts writes, half-closes and reads the echo to endEncountered', async () => {
    const transcript = await streamPairEcho('127.0.0.1', tcp.port, 'hello, streams');
    expect(transcript.filter((line) => line.startsWith('openCompleted')).sort()).toEqual(['openCompleted: input', 'openCompleted: output']);
    expect(transcript.slice(-2)).toEqual(['received: hello, streams', 'endEncountered, status atEnd: true']);
  });

  it('streams-pair.ts moves 256 KiB, more than one write accepts (partial writes)', async () => {
    const text = 'x'.repeat(256 * 1024);
    const transcript = await streamPairEcho('127.0.0.1', tcp.port, text);
    expect(transcript.at(-2)).toBe(`received: ${text}`);
  });

  it('streams-pair.ts reports a refused connection as errorOccurred', async () => {
    const closed = await startTcpEchoServer();
    await closed.close();
    expect(await streamPairEcho('127.0.0.1', closed.port, 'x')).toContain('errorOccurred: WK_ERR_CONNECTION_REFUSED');
  });

  it('streams-socketrocket.ts opens, exchanges text, data and a ping, and closes cleanly', async () => {
    expect(await socketRocketChat(server.url)).toEqual([
      'open, protocol: chat.v1',
      'string: hello',
      'data: 1,2,3',
      'pong: are you there?',
      'closed: 1000 clean=true readyState=CLOSED',
    ]);
  });

  it('streams-web.ts writes through a WritableStream and reads the echo from a ReadableStream', async () => {
    expect(await webStreamsEcho(server.url, ['one', 'two', 'three'])).toEqual(['one', 'two', 'three']);
  });
});
