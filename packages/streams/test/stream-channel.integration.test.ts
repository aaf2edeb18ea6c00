import type { ByteChannelHandlers } from '@wirekit/core';
import { afterEach, describe, expect, it } from 'vitest';
import { Stream, streamChannel } from '../src/index.js';
import { waitFor, within } from './support/recorder.js';
import { tcpServer, type TcpServer } from '@wirekit/test-support';

const servers: TcpServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

async function serve(onSocket?: Parameters<typeof tcpServer>[0]): Promise<TcpServer> {
  const server = await tcpServer(onSocket);
  servers.push(server);
  return server;
}

interface Recording extends ByteChannelHandlers {
  readonly log: string[];
  readonly received: number[];
}

/** Handlers that record what the channel reports. */
function recording(): Recording {
  const log: string[] = [];
  const received: number[] = [];
  return {
    log,
    received,
    data: (chunk) => received.push(...chunk),
    end: () => log.push('end'),
    error: (error) => log.push(`error:${(error as { code?: string }).code ?? error.message}`),
    close: () => log.push('close'),
    drain: () => log.push('drain'),
  };
}

function open(port: number, options?: Parameters<typeof Stream.getStreamsToHost>[2]) {
  const { inputStream, outputStream } = Stream.getStreamsToHost('127.0.0.1', port, options);
  const channel = streamChannel(inputStream, outputStream);
  const handlers = recording();
  channel.bind(handlers);
  inputStream.open();
  outputStream.open();
  return { channel, handlers, inputStream, outputStream };
}

describe('streamChannel()', () => {
  it('queues writes made before the streams open, completes each batch in order once sent, and reports drain after a write over the high-water mark', async () => {
    const server = await serve();
    const { channel, handlers } = open(server.port, { writeCapacity: 4096 });
    const done: string[] = [];
    const big = new Uint8Array(100_000).fill(7);
    channel.write([new Uint8Array([1, 2]), new Uint8Array([3])], (error) => done.push(error === undefined ? 'first' : `first:${error.message}`));
    expect(channel.write([big], (error) => done.push(error === undefined ? 'big' : `big:${error.message}`))).toBe(false);
    expect(channel.bufferedAmount).toBe(100_003);
    await waitFor(() => done.length === 2, 'both batches');
    expect(done).toEqual(['first', 'big']);
    await waitFor(() => handlers.received.length === 100_003, 'the echo');
    expect(handlers.received.slice(0, 4)).toEqual([1, 2, 3, 7]);
    expect(channel.bufferedAmount).toBe(0);
    expect(handlers.log).toEqual(['drain']);
    channel.destroy();
    await waitFor(() => handlers.log.includes('close'), 'the close');
  });

  it("reports the peer's end, then close after end() sends FIN", async () => {
    const server = await serve((socket) => socket.end('x'));
    const { channel, handlers } = open(server.port);
    await waitFor(() => handlers.log.includes('end'), 'the end');
    expect(handlers.received).toEqual([120]);
    channel.end();
    await waitFor(() => handlers.log.includes('close'), 'the close');
    expect(handlers.log).toEqual(['end', 'close']);
    const late: Array<Error | undefined> = [];
    channel.write([new Uint8Array(1)], (error) => late.push(error));
    await waitFor(() => late.length === 1, 'the late write to fail');
    expect(late[0]).toBeInstanceOf(Error);
  });

  it('stops reading while paused, so the input stream holds the bytes, and delivers them on resume', async () => {
    const server = await serve();
    const { channel, handlers, inputStream } = open(server.port);
    channel.pause();
    channel.write([new Uint8Array([9, 9, 9])], () => undefined);
    await waitFor(() => inputStream.bufferedAmount === 3, 'the echo to wait in the input stream');
    expect(handlers.received).toEqual([]);
    channel.resume();
    await waitFor(() => handlers.received.length === 3, 'the bytes after resume');
    channel.destroy();
  });

  it('fails pending writes and reports close when destroyed; reports errors with their WK_ERR code', async () => {
    const server = await serve((socket) => socket.pause());
    const { channel, handlers } = open(server.port, { writeCapacity: 1024 });
    const outcome = new Promise<Error | undefined>((resolve) => channel.write([new Uint8Array(64 * 1024 * 1024)], resolve));
    await waitFor(() => server.sockets.length === 1, 'the server');
    channel.destroy(new Error('stop'));
    expect((await within(outcome, 'the write to fail'))?.message).toBe('stop');
    await waitFor(() => handlers.log.includes('close'), 'the close');

    const { handlers: refused } = open(await closedPort());
    await waitFor(() => refused.log.includes('close'), 'the refused close');
    expect(refused.log).toEqual(['error:WK_ERR_CONNECTION_REFUSED', 'close']);
  });

  it('throws WK_ERR_INVALID_ARGUMENT for streams of two different pairs', () => {
    const a = Stream.getStreamsToHost('127.0.0.1', 9);
    const b = Stream.getStreamsToHost('127.0.0.1', 9);
    expect(() => streamChannel(a.inputStream, b.outputStream)).toThrow(expect.objectContaining({ code: 'WK_ERR_INVALID_ARGUMENT' }));
  });
});

async function closedPort(): Promise<number> {
  const server = await tcpServer();
  await server.close();
  return server.port;
}
