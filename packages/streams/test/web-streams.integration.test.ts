import { afterEach, describe, expect, it } from 'vitest';
import { connect, inputStreamToReadable, outputStreamToWritable, Stream, toWebStreams, type StreamPair } from '../src/index.js';
import type { Connection, Message } from '@wirekit/core';
import { delay, waitFor, within } from './support/recorder.js';
import { tcpServer, wsServer, type TcpServer, type WsServer } from '@wirekit/test-support';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function ws(echo = true): Promise<WsServer> {
  const server = await wsServer({ echo });
  cleanups.push(() => server.close());
  return server;
}

async function tcp(onSocket?: Parameters<typeof tcpServer>[0]): Promise<TcpServer> {
  const server = await tcpServer(onSocket);
  cleanups.push(() => server.close());
  return server;
}

async function open(url: string): Promise<Connection> {
  const connection = await within(connect(url), 'the connect');
  cleanups.push(() => connection.terminate());
  return connection;
}

function pair(port: number, options?: Parameters<typeof Stream.getStreamsToHost>[2]): StreamPair {
  const streams = Stream.getStreamsToHost('127.0.0.1', port, options);
  cleanups.push(() => {
    streams.inputStream.close();
    streams.outputStream.close();
  });
  return streams;
}

describe('toWebStreams() over connect()', () => {
  it('echoes messages written to the writable back through the readable', async () => {
    const server = await ws();
    const { readable, writable } = toWebStreams(await open(server.url));
    const writer = writable.getWriter();
    const reader = readable.getReader();
    await writer.write('text');
    await writer.write(new Uint8Array([7, 8, 9]));
    expect((await within(reader.read(), 'the first echo')).value).toBe('text');
    expect((await within(reader.read(), 'the second echo')).value).toEqual(new Uint8Array([7, 8, 9]));
    await within(writer.close(), 'the close');
    expect(await within(reader.read(), 'the end')).toEqual({ done: true, value: undefined });
  });

  it('holds the server back through TCP while the readable is not read, then delivers every message in order', async () => {
    const server = await ws(false);
    const connection = await open(server.url);
    await waitFor(() => server.peers.length === 1, 'the server peer');
    const peer = server.peers[0]!.socket;
    const count = 128;
    const size = 256 * 1024;
    let arrived = 0;
    connection.on('message', () => (arrived += 1));
    const { readable } = toWebStreams(connection);
    for (let i = 0; i < count; i++) {
      const message = new Uint8Array(size);
      message[0] = i;
      peer.send(message);
    }
    // Bounded: at most 50 × 50 ms, until no message has arrived for 200 ms.
    let quiet = 0;
    for (let i = 0, last = -1; i < 50 && quiet < 4; i++, last = arrived) {
      await delay(50);
      quiet = arrived === last ? quiet + 1 : 0;
    }
    // Core stops reading past its 1 MiB receiveHighWaterMark; 32 MiB is more than loopback's
    // socket buffers, so the rest waits on the server.
    expect(arrived).toBeLessThan(count / 2);
    expect(peer.bufferedAmount).toBeGreaterThan(0);
    const reader = readable.getReader();
    const firsts: number[] = [];
    for (let i = 0; i < count; i++) {
      const { value } = await within(reader.read(), `message ${i}`);
      const message = value as Message;
      expect(message).toBeInstanceOf(Uint8Array);
      firsts.push((message as Uint8Array)[0]!);
    }
    expect(firsts).toEqual(Array.from({ length: count }, (_, i) => i));
    await waitFor(() => peer.bufferedAmount === 0, 'the server to drain');
  });
});

describe('byte-stream bridges over the Stream pair', () => {
  it('inputStreamToReadable delivers every byte and closes at the end; unread, it leaves the rest on the server', async () => {
    const total = 32 * 1024 * 1024;
    const payload = new Uint8Array(total);
    for (let i = 0; i < total; i += 1024) payload[i] = (i / 1024) & 0xff;
    const server = await tcp((socket) => socket.end(payload));
    const { inputStream } = pair(server.port, { readHighWaterMark: 16 * 1024 });
    const readable = inputStreamToReadable(inputStream, { highWaterMark: 16 * 1024 });
    await waitFor(() => server.sockets.length === 1 && inputStream.bufferedAmount > 0, 'the first bytes');
    await delay(100);
    expect(server.sockets[0]!.writableLength).toBeGreaterThan(0);
    expect(inputStream.bufferedAmount).toBeLessThanOrEqual(16 * 1024 + 64 * 1024);

    const received = new Uint8Array(total);
    let filled = 0;
    const reader = readable.getReader();
    // Bounded by the payload: each read takes at least one byte, and the stream ends after it.
    for (let result = await reader.read(); !result.done; result = await within(reader.read(), 'the next chunk')) {
      received.set(result.value, filled);
      filled += result.value.length;
    }
    expect(filled).toBe(total);
    expect(Buffer.compare(received, payload)).toBe(0);
  });

  it('outputStreamToWritable writes every byte through partial writes and ends with FIN on close', async () => {
    const chunks: Buffer[] = [];
    let ended = false;
    const server = await tcp((socket) => {
      socket.on('data', (chunk: Buffer) => chunks.push(chunk));
      socket.on('end', () => (ended = true));
    });
    const { outputStream } = pair(server.port, { writeCapacity: 8 * 1024 });
    const writer = outputStreamToWritable(outputStream).getWriter();
    const block = new Uint8Array(1024 * 1024).map((_, i) => i % 251);
    for (let i = 0; i < 4; i++) await within(writer.write(block), `block ${i}`);
    await writer.close();
    await waitFor(() => ended, 'the FIN');
    const all = Buffer.concat(chunks);
    expect(all.length).toBe(4 * block.length);
    expect(Buffer.compare(all.subarray(3 * block.length), block)).toBe(0);
  });

  it('outputStreamToWritable errors with the stream error when nothing listens', async () => {
    const server = await tcp();
    const port = server.port;
    await server.close();
    const { outputStream } = pair(port);
    const writer = outputStreamToWritable(outputStream).getWriter();
    await expect(within(writer.write(new Uint8Array(4)), 'the failure')).rejects.toMatchObject({ code: 'WK_ERR_CONNECTION_REFUSED' });
  });
});
