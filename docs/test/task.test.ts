import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { taskAsync } from '../samples/task-async.js';
import { chatWithTask } from '../samples/task-receive-loop.js';
import { startEchoServer, type RunningServer } from './echo-server.js';

let server: RunningServer;
beforeAll(async () => {
  server = await startEchoServer();
});
afterAll(async () => {
  await server.close();
});

describe('task samples (docs/transports/task.md)', () => {
  it('task-receive-loop.ts re-arms receive(), pings and cancels, with the delegate calls in order', async () => {
    expect(await chatWithTask(server.url)).toEqual([
      'didOpenWithProtocol: chat.v1',
      'string: hello',
      'data: 1,2,3',
      'pong: ok',
      'didCloseWith: 1000',
      'didCompleteWithError: null',
    ]);
  });

  it('task-async.ts fails a receive over the 1 MiB maximumMessageSize with 1009', async () => {
    expect(await taskAsync(server.url)).toEqual([
      'state: suspended, maximumMessageSize: 1048576',
      'state: running',
      'received: hello',
      'receive failed: WK_ERR_MESSAGE_TOO_LARGE (close code 1009)',
      'state: completed, error: WK_ERR_MESSAGE_TOO_LARGE, closeCode: 1009',
    ]);
  });
});
