import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorDomains, explain } from '../samples/error-domains.js';
import { startEchoServer, startTcpEchoServer, type RunningServer } from './echo-server.js';

let server: RunningServer;
let refusedUrl: string;
beforeAll(async () => {
  server = await startEchoServer();
  const closed = await startTcpEchoServer();
  refusedUrl = `ws://127.0.0.1:${closed.port}/`;
  await closed.close();
});
afterAll(async () => {
  await server.close();
});

describe('migration samples (docs/migration.md)', () => {
  it('error-domains.ts sorts errors by domain as NWError does', async () => {
    expect(await errorDomains(server.url, refusedUrl)).toEqual([
      'posix ECONNREFUSED: WK_ERR_CONNECTION_REFUSED',
      'usage: WK_ERR_INVALID_CLOSE_CODE',
      'usage: WK_ERR_NOT_OPEN',
      'websocket: WK_ERR_CLOSED (close code 1000)',
    ]);
  });

  it('explain() says so for an error that is not WireKit’s', () => {
    expect(explain(new Error('x'))).toBe('not a WireKit error');
  });
});
