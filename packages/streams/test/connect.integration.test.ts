import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect } from '../src/index.js';
import { within } from './support/recorder.js';
import { wsServer, type WsServer } from '@wirekit/test-support';

let server: WsServer;
beforeAll(async () => {
  server = await wsServer();
});
afterAll(() => server.close());

describe('connect()', () => {
  it('echoes a large message with the pair bounds given (readHighWaterMark, writeCapacity)', async () => {
    const connection = await within(connect(server.url, { readHighWaterMark: 4096, writeCapacity: 1024 * 1024 }), 'the connect');
    const message = new Uint8Array(3 * 1024 * 1024).map((_, i) => i % 253);
    await within(connection.send(message), 'the send');
    const echo = await within(connection.receive(), 'the echo');
    expect(Buffer.compare(echo as Uint8Array, message)).toBe(0);
    expect(await within(connection.close(), 'the close')).toMatchObject({ code: 1005, wasClean: true });
  });

  it.each([
    ['an ftp: URL', 'ftp://127.0.0.1/', {}, 'WK_ERR_INVALID_URL'],
    ['a string that is not a URL', '::nope', {}, 'WK_ERR_INVALID_URL'],
    ['a zero writeCapacity', 'ws://127.0.0.1:9/', { writeCapacity: 0 }, 'WK_ERR_INVALID_ARGUMENT'],
    ['an invalid subprotocol', 'ws://127.0.0.1:9/', { protocols: ['a b'] }, 'WK_ERR_INVALID_PROTOCOL'],
  ])('throws %s synchronously with its code', async (_name, url, options, code) => {
    await expect(connect(url, options)).rejects.toThrow(expect.objectContaining({ code }));
  });
});
