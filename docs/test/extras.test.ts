import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codecSample } from '../samples/codec.js';
import { keepAliveSample } from '../samples/keep-alive.js';
import { deflateSample } from '../samples/permessage-deflate.js';
import { reconnectingSample } from '../samples/reconnecting.js';
import { rxSample } from '../samples/rx.js';
import { startEchoServer, type RunningServer } from './echo-server.js';

let server: RunningServer;
let silent: RunningServer;
beforeAll(async () => {
  [server, silent] = await Promise.all([startEchoServer(), startEchoServer({ autoPong: false })]);
});
afterAll(async () => {
  await Promise.all([server.close(), silent.close()]);
});

describe('core extras (docs/keep-alive.md, reconnecting.md, codec.md, rx.md, permessage-deflate.md)', () => {
  it('keep-alive.ts gets pongs from a live peer and closes cleanly', async () => {
    expect(await keepAliveSample(server.url)).toEqual(['pongs: 3', 'closed: 1000 clean=true']);
  });

  it('keep-alive.ts reports WK_ERR_PING_TIMEOUT and 1006 for a peer that never answers', async () => {
    const transcript = await keepAliveSample(silent.url);
    expect(transcript).toContain('error: WK_ERR_PING_TIMEOUT');
    expect(transcript.slice(-2)).toEqual(['pongs: 0', 'closed: 1006 clean=false']);
  });

  it('reconnecting.ts rides out a 1012 close and delivers the message held in the outbox', async () => {
    expect(await reconnectingSample(server.url)).toEqual([
      'disconnect: 1012',
      'outbox: 1',
      'reconnecting: attempt 1 after closed',
      'reconnected after 1 attempt(s)',
      'echo: sent while away',
      'closed: 1000, state closed',
    ]);
  });

  it('codec.ts decodes typed messages and skips one that is not JSON with WK_ERR_DECODE', async () => {
    expect(await codecSample(server.url)).toEqual(['ada: hi', 'skipped: WK_ERR_DECODE', 'grace: hello']);
  });

  it('rx.ts sends through sendTo, receives Results and sees the lifecycle', async () => {
    expect(await rxSample(server.url)).toEqual([
      'sent: success,success',
      'received: one,two',
      'lifecycle: opened,closed',
      'states: open,closing,closed',
    ]);
  });

  it('permessage-deflate.ts negotiates the extension and round-trips a compressed message', async () => {
    expect(await deflateSample()).toEqual(['extensions: permessage-deflate', 'echo intact: true (18891 characters)']);
  });
});
