/**
 * The Observables on real EngineConnections: a client and a server joined by core's in-memory
 * channel pair (the same engine every Node transport runs), no sockets.
 */
import { randomFillSync } from 'node:crypto';
import { acceptServerConnection, EngineConnection, memoryChannelPair } from '@wirekit/core';
import { firstValueFrom, from, lastValueFrom, take, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { lifecycle$, messages$, sendTo, state$ } from '../src/index.js';

const random = (length: number): Uint8Array => randomFillSync(new Uint8Array(length));

function pair(maxMessageSize?: number): { client: EngineConnection; server: EngineConnection } {
  const [clientChannel, serverChannel] = memoryChannelPair();
  const client = new EngineConnection(clientChannel, { role: 'client', url: 'ws://memory.test/', random, ...(maxMessageSize === undefined ? {} : { maxMessageSize }) });
  const server = acceptServerConnection(serverChannel, { url: 'ws://memory.test/', protocol: '', extensions: [], extensionsHeader: '' });
  client.establish();
  server.on('message', (message) => void server.send(message).catch(() => undefined));
  return { client, server };
}

describe('on an engine connection pair', () => {
  it('sends through sendTo() and receives the echoes through messages$()', async () => {
    const { client } = pair();
    const echoes = firstValueFrom(messages$(client).pipe(take(3), toArray()));
    const results = await lastValueFrom(from(['one', new Uint8Array([2]), 'three']).pipe(sendTo(client), toArray()));
    expect(results.map((result) => result.kind)).toEqual(['success', 'success', 'success']);
    expect(await echoes).toEqual(['one', new Uint8Array([2]), 'three']);
  });

  it('completes messages$() and state$() when the client closes cleanly', async () => {
    const { client } = pair();
    const messages = lastValueFrom(messages$(client).pipe(toArray()));
    const states = lastValueFrom(state$(client).pipe(toArray()));
    await client.close(4000, 'done');
    expect(await messages).toEqual([]);
    expect(await states).toEqual(['open', 'closing', 'closed']);
  });

  it('errors messages$() with WK_ERR_MESSAGE_TOO_LARGE when the connection fails with 1009', async () => {
    const { client } = pair(8);
    const messages = lastValueFrom(messages$(client));
    const lifecycle = lastValueFrom(lifecycle$(client));
    await client.send(new Uint8Array(9));
    await expect(messages).rejects.toMatchObject({ code: 'WK_ERR_MESSAGE_TOO_LARGE', closeCode: 1009 });
    expect(await lifecycle).toMatchObject({ kind: 'failed', error: { code: 'WK_ERR_MESSAGE_TOO_LARGE' } });
  });
});
