import { afterEach, describe, expect, it } from 'vitest';
import type { ByteChannelHandlers } from '@wirekit/core';
import { AF_INET, descriptorChannel, SHUT_WR, SOCK_STREAM, sockaddr_in, SocketTable } from '../src/index.js';
import { until } from './support/servers.js';

const bytes = (value: string): Uint8Array => new TextEncoder().encode(value);
const text = (chunks: Uint8Array[]): string => chunks.map((chunk) => new TextDecoder().decode(chunk)).join('');

let table = new SocketTable();

afterEach(() => {
  for (const fd of table.descriptors) table.close(fd);
  table = new SocketTable();
});

/** A connected pair of descriptors in the table: [client, accepted]. */
async function pair(): Promise<[number, number]> {
  const listener = table.socket(AF_INET, SOCK_STREAM);
  await table.bind(listener, sockaddr_in('127.0.0.1', 0));
  await table.listen(listener);
  const client = table.socket(AF_INET, SOCK_STREAM);
  const [accepted] = await Promise.all([table.acceptAsync(listener), table.connect(client, table.getsockname(listener))]);
  table.close(listener);
  return [client, accepted.fd];
}

function recorder(): { handlers: ByteChannelHandlers; data: Uint8Array[]; events: string[] } {
  const data: Uint8Array[] = [];
  const events: string[] = [];
  return {
    data,
    events,
    handlers: {
      data: (chunk) => data.push(chunk),
      end: () => events.push('end'),
      error: (error) => events.push(`error:${(error as { errno?: string }).errno ?? error.message}`),
      close: () => events.push('close'),
      drain: () => events.push('drain'),
    },
  };
}

describe('descriptorChannel()', () => {
  it('delivers bytes that arrived before the first bind', async () => {
    const [client, server] = await pair();
    await table.sendAsync(server, bytes('early'));
    await until(() => table.poll(client).readable, 2_000, 'the early bytes');
    const { handlers, data } = recorder();
    descriptorChannel(table, client).bind(handlers);
    await until(() => text(data) === 'early', 2_000, 'the delivery');
  });

  it('stops delivering while paused and delivers the rest on resume', async () => {
    const [client, server] = await pair();
    const channel = descriptorChannel(table, client);
    const { handlers, data } = recorder();
    channel.bind(handlers);
    channel.pause();
    await table.sendAsync(server, bytes('held'));
    await until(() => table.poll(client).readable, 2_000, 'the bytes to arrive');
    await new Promise((resolve) => setImmediate(resolve));
    expect(data).toEqual([]);
    channel.resume();
    await until(() => text(data) === 'held', 2_000, 'the delivery after resume');
  });

  it('reports end on the peer FIN, then close, and frees the descriptor', async () => {
    const [client, server] = await pair();
    const channel = descriptorChannel(table, client);
    const { handlers, events } = recorder();
    channel.bind(handlers);
    table.shutdown(server, SHUT_WR);
    await until(() => events.includes('end'), 2_000, 'the end');
    channel.end();
    table.close(server);
    await until(() => events.includes('close'), 2_000, 'the close');
    expect(events).toEqual(['end', 'close']);
    expect(table.descriptors).toEqual([]);
  });

  it('fails a write after destroy through its callback (EBADF), never by throwing', async () => {
    const [client] = await pair();
    const channel = descriptorChannel(table, client);
    const { handlers, events } = recorder();
    channel.bind(handlers);
    channel.destroy();
    const failure = await new Promise<Error | undefined>((resolve) => channel.write([bytes('late')], resolve));
    expect(failure).toMatchObject({ errno: 'EBADF' });
    await until(() => events.includes('close'), 2_000, 'the close');
    expect(channel.bufferedAmount).toBe(0);
  });

  it('writes chunks in order and completes once they are handed to the OS', async () => {
    const [client, server] = await pair();
    const channel = descriptorChannel(table, client);
    channel.bind(recorder().handlers);
    await new Promise<Error | undefined>((resolve) => channel.write([bytes('a'), bytes('b'), bytes('c')], resolve)).then((error) => expect(error).toBeUndefined());
    let received = '';
    for (let i = 0; i < 100 && received.length < 3; i += 1) received += new TextDecoder().decode(await table.recvAsync(server, 10));
    expect(received).toBe('abc');
  });
});
