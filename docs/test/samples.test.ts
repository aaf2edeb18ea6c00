import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectionBasics } from '../samples/connection-basics.js';
import { engineInMemory } from '../samples/engine-in-memory.js';
import { greet, transports } from '../samples/swap-transport.js';
import { ERRORS_PAGE, renderErrorsPage } from '../scripts/errors-page.js';
import { startEchoServer } from './echo-server.js';

let server: Awaited<ReturnType<typeof startEchoServer>>;
beforeAll(async () => {
  server = await startEchoServer();
});
afterAll(async () => {
  await server.close();
});

describe('docs samples', () => {
  it('engine-in-memory.ts exchanges a message and closes cleanly', () => {
    expect(engineInMemory()).toEqual(['server got text: hello', 'server closed: 1000 done', 'client closed: 1000 ']);
  });

  it('connection-basics.ts runs against the in-process server', async () => {
    expect(await connectionBasics(server.url)).toEqual([
      'state: open',
      'receive(): hello',
      'binary: 1,2,3',
      'ping: pong received',
      'for await: one',
      'for await: two',
      'for await: three',
      'closed: 1000 clean=true',
    ]);
  });

  it('swap-transport.ts lists all five transports', () => {
    expect(Object.keys(transports)).toEqual(['task', 'framed', 'streams', 'socket', 'adapter']);
  });

  for (const [name, factory] of Object.entries(transports)) {
    it(`swap-transport.ts greets through ${name}`, async () => {
      expect(JSON.parse(await greet(factory, server.url))).toEqual({ hello: 'world' });
    });
  }
});

describe('generated pages', () => {
  it('errors.md is what scripts/errors-page.ts renders from the core table (run `pnpm --filter @wirekit/docs errors`)', () => {
    expect(readFileSync(ERRORS_PAGE, 'utf8')).toBe(renderErrorsPage());
  });
});
