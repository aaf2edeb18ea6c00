import { describe, expect, it } from 'vitest';
import { memoryChannelPair, openClientConnection, WireKitError, type CloseInfo, type EngineConnection } from '../src/index.js';
import { connectPair, random, serveOnce, sha1, tick, URL } from './support/pair.js';

// What an idle connection allocates only on demand (`closed`, the pull queue, send tickets) must
// behave as if it had always been there.
describe('EngineConnection, state created on demand', () => {
  it('returns the same `closed` promise every time, asked before the close', async () => {
    const { client, server } = await connectPair();
    const first = client.closed;
    expect(client.closed).toBe(first);
    await client.close(1000, 'bye');
    // The client reports the server's echo of its Close (§5.5.1: the status code, no reason).
    await expect(first).resolves.toMatchObject({ code: 1000, wasClean: true });
    await server.closed;
  });

  it('resolves `closed` first asked after the close with how it closed', async () => {
    const { client, server } = await connectPair();
    const closes: CloseInfo[] = [];
    server.on('close', (info) => closes.push(info));
    await new Promise<void>((resolve) => {
      server.on('close', () => resolve());
      void client.close(4000, 'later');
    });
    expect(server.state).toBe('closed');
    const late = server.closed;
    expect(server.closed).toBe(late);
    await expect(late).resolves.toEqual(closes[0]);
  });

  it('rejects receive() after the close with WK_ERR_CLOSED when the pull queue was never used', async () => {
    const { client, server } = await connectPair();
    server.on('message', () => undefined);
    await client.close();
    await server.closed;
    await expect(server.receive()).rejects.toMatchObject({ code: 'WK_ERR_CLOSED' });
  });

  it('queues messages for receive() once pulling started, with message listeners present', async () => {
    const { client, server } = await connectPair();
    const heard: unknown[] = [];
    server.on('message', (data) => heard.push(data));
    const first = server.receive();
    await client.send('one');
    await client.send('two');
    await tick();
    expect(await first).toBe('one');
    expect(await server.receive()).toBe('two');
    expect(heard).toEqual(['one', 'two']);
    client.terminate();
  });

  it('rejects every send still pending when the connection ends, in the order sent, and frees bufferedAmount', async () => {
    const { client } = await connectPair();
    const order: number[] = [];
    const sends = [1, 2, 3].map((n) => client.send(`message ${n}`).catch(() => order.push(n)));
    expect(client.bufferedAmount).toBeGreaterThan(0);
    client.terminate();
    await Promise.all(sends);
    expect(order).toEqual([1, 2, 3]);
    expect(client.bufferedAmount).toBe(0);
  });

  it('rejects a send, a ping and a receive() pending at the end, and receive() after it, with WK_ERR_CLOSED and how it closed', async () => {
    const { client } = await connectPair();
    const closed = { code: 'WK_ERR_CLOSED', message: 'the connection closed (1006)', closeCode: 1006 };
    const pending = [client.send('late'), client.ping(), client.receive()];
    client.terminate();
    for (const operation of pending) await expect(operation).rejects.toMatchObject(closed);
    const after = client.receive();
    await expect(after).rejects.toMatchObject(closed);
    // The same error every time, as before the error was built lazily.
    expect(await client.receive().catch((error: unknown) => error)).toBe(await after.catch((error: unknown) => error));
  });

  it('rejects receive() after a clean close with the close code and reason, and ends a for await loop', async () => {
    const { client, server } = await connectPair();
    server.on('message', () => undefined);
    const loop = (async () => {
      for await (const message of client) void message;
      return 'done';
    })();
    await client.close(4000, 'later');
    await server.closed;
    expect(await loop).toBe('done');
    await expect(server.receive()).rejects.toMatchObject({ code: 'WK_ERR_CLOSED', message: 'the connection closed (4000 later)', closeCode: 4000 });
  });

  it('rejects pending operations with the error close() was given instead', async () => {
    const { client } = await connectPair();
    const ending = new WireKitError('WK_ERR_SERVER_CLOSED', 'the server is shutting down', { closeCode: 1001 });
    const pending = [client.ping(), client.receive()];
    void client.close(1001, '', ending);
    client.terminate();
    for (const operation of pending) await expect(operation).rejects.toBe(ending);
    await expect(client.receive()).rejects.toBe(ending);
  });

  it('calls onClose once, after the close event, with the connection and its close info', async () => {
    const [clientChannel, serverChannel] = memoryChannelPair();
    const calls: Array<[EngineConnection, CloseInfo, string[]]> = [];
    const events: string[] = [];
    const serving = serveOnce(serverChannel, { connection: { onClose: (connection, info) => calls.push([connection, info, [...events]]) } });
    const client = await openClientConnection(clientChannel, { url: URL, random, sha1 });
    const server = await serving;
    server.on('close', () => events.push('close'));
    await client.close(1000);
    await server.closed;
    await tick();
    expect(calls).toHaveLength(1);
    expect(calls[0]![0]).toBe(server);
    expect(calls[0]![1]).toMatchObject({ code: 1000, wasClean: true });
    expect(calls[0]![2]).toEqual(['close']);
  });
});
