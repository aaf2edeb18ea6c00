import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWsContractServer, type ContractServer } from '@wirekit/conformance';
import { AF_INET, connect, SOCK_STREAM, SocketTable } from '../src/index.js';
import { until } from './support/servers.js';

let server: ContractServer;

beforeAll(async () => {
  server = await startWsContractServer();
});

afterAll(async () => {
  await server.close();
});

describe('connect() — WebSocket over a raw descriptor', () => {
  it('takes its descriptor from the given table and frees it when the connection closes', async () => {
    const table = new SocketTable();
    const connection = await connect(`${server.url}/echo/table`, { table });
    expect(table.descriptors).toEqual([3]);
    await connection.send('over a descriptor');
    expect(await connection.receive()).toBe('over a descriptor');
    expect(await connection.close(1000, 'done')).toMatchObject({ code: 1000, wasClean: true });
    await until(() => table.descriptors.length === 0, 2_000, 'the descriptor to be freed');
  });

  it('frees the descriptor after terminate() too', async () => {
    const table = new SocketTable();
    const connection = await connect(`${server.url}/echo/terminate`, { table });
    connection.terminate();
    expect((await connection.closed).code).toBe(1006);
    await until(() => table.descriptors.length === 0, 2_000, 'the descriptor to be freed');
  });

  it('rejects with EMFILE (WK_ERR_TRANSPORT) when the table has no free descriptor', async () => {
    const table = new SocketTable({ limit: 4 });
    table.socket(AF_INET, SOCK_STREAM);
    await expect(connect(`${server.url}/echo/full`, { table })).rejects.toMatchObject({ code: 'WK_ERR_TRANSPORT', errno: 'EMFILE' });
    table.close(3);
  });

  it('rejects wss: with WK_ERR_UNSUPPORTED: CFSocket has no TLS', async () => {
    await expect(connect('wss://127.0.0.1:1/')).rejects.toMatchObject({ code: 'WK_ERR_UNSUPPORTED' });
  });

  it.each(['ftp://127.0.0.1/', 'not a url'])('throws WK_ERR_INVALID_URL at once for %s', async (url) => {
    await expect(connect(url)).rejects.toThrow(expect.objectContaining({ code: 'WK_ERR_INVALID_URL' }));
  });
});
