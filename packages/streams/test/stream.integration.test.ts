import { WireKitError } from '@wirekit/core';
import { afterEach, describe, expect, it } from 'vitest';
import { Stream, StreamSocketSecurityLevel, type InputStream, type OutputStream, type StreamPair } from '../src/index.js';
import { coreOf } from '../src/stream.js';
import { EventRecorder, delay, waitFor, within } from './support/recorder.js';
import { freePort, selfSigned, tcpServer, type TcpServer, type TlsMaterial } from '@wirekit/test-support';

const text = (bytes: Uint8Array): string => new TextDecoder().decode(bytes);
const bytes = (value: string): Uint8Array => new TextEncoder().encode(value);

const servers: TcpServer[] = [];
const pairs: StreamPair[] = [];

afterEach(async () => {
  for (const { inputStream, outputStream } of pairs.splice(0)) {
    inputStream.close();
    outputStream.close();
  }
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

async function serve(onSocket?: Parameters<typeof tcpServer>[0], tls?: TlsMaterial): Promise<TcpServer> {
  const server = await tcpServer(onSocket, { tls });
  servers.push(server);
  return server;
}

function pairTo(port: number, options: Parameters<typeof Stream.getStreamsToHost>[2] = {}, host = '127.0.0.1'): StreamPair {
  const pair = Stream.getStreamsToHost(host, port, options);
  pairs.push(pair);
  return pair;
}

/** Reads everything available, as the seed's `while inputStream.hasBytesAvailable` loop. */
function drain(input: InputStream, sink: number[]): void {
  const buffer = new Uint8Array(1024);
  while (input.hasBytesAvailable) {
    const length = input.read(buffer, 1024);
    if (length <= 0) break;
    sink.push(...buffer.subarray(0, length));
  }
}

describe('Stream.getStreamsToHost over node:net', () => {
  it('opens both streams: openCompleted on each, then hasSpaceAvailable on the output', async () => {
    const server = await serve();
    const { inputStream, outputStream } = pairTo(server.port);
    const input = new EventRecorder(inputStream);
    const output = new EventRecorder(outputStream);
    expect(inputStream.streamStatus).toBe(Stream.Status.notOpen);
    inputStream.open();
    outputStream.open();
    expect(outputStream.streamStatus).toBe(Stream.Status.opening);
    await output.next('hasSpaceAvailable');
    await input.next('openCompleted');
    expect(output.events).toEqual(['openCompleted', 'hasSpaceAvailable']);
    expect(input.events).toEqual(['openCompleted']);
    expect([inputStream.streamStatus, outputStream.streamStatus]).toEqual([Stream.Status.open, Stream.Status.open]);
    expect(outputStream.hasSpaceAvailable).toBe(true);
    expect(inputStream.hasBytesAvailable).toBe(false);
  });

  it("echoes bytes written on the output stream back through the input stream (the seed's flow)", async () => {
    const server = await serve();
    const { inputStream, outputStream } = pairTo(server.port);
    const received: number[] = [];
    const input = new EventRecorder(inputStream, (event) => {
      if (event === Stream.Event.hasBytesAvailable) drain(inputStream, received);
    });
    const output = new EventRecorder(outputStream);
    inputStream.open();
    outputStream.open();
    await output.next('hasSpaceAvailable');
    const message = bytes('Hello, world! - from the test app');
    expect(outputStream.write(message, message.length)).toBe(message.length);
    await waitFor(() => received.length === message.length, 'the echo');
    expect(text(new Uint8Array(received))).toBe('Hello, world! - from the test app');
    expect(input.events[0]).toBe('openCompleted');
    expect(input.count('hasBytesAvailable')).toBeGreaterThanOrEqual(1);
  });

  it('reads every byte, then 0 with status atEnd and endEncountered, after the peer ends', async () => {
    const server = await serve((socket) => socket.end('bye'));
    const { inputStream } = pairTo(server.port);
    const input = new EventRecorder(inputStream);
    inputStream.open();
    await input.next('hasBytesAvailable');
    await delay(50);
    // The peer's FIN has arrived by now, but the end is reported only once the bytes are read.
    expect(input.events).toEqual(['openCompleted', 'hasBytesAvailable']);
    const buffer = new Uint8Array(16);
    expect(inputStream.read(buffer, 16)).toBe(3);
    expect(text(buffer.subarray(0, 3))).toBe('bye');
    await input.next('endEncountered');
    expect(inputStream.read(buffer, 16)).toBe(0);
    expect(inputStream.streamStatus).toBe(Stream.Status.atEnd);
    expect(input.events).toEqual(['openCompleted', 'hasBytesAvailable', 'endEncountered']);
  });

  it('hands out a partial read and signals hasBytesAvailable again for the rest', async () => {
    const server = await serve((socket) => socket.write('abcdef'));
    const { inputStream } = pairTo(server.port);
    const buffer = new Uint8Array(4);
    const input = new EventRecorder(inputStream);
    inputStream.open();
    await input.next('hasBytesAvailable');
    await waitFor(() => inputStream.bufferedAmount === 6, 'all six bytes');
    expect(inputStream.read(buffer, 4)).toBe(4);
    await input.next('hasBytesAvailable', 2);
    expect(inputStream.read(buffer, 4)).toBe(2);
    expect(text(buffer.subarray(0, 2))).toBe('ef');
    expect(inputStream.read(buffer, 4)).toBe(0);
    expect(inputStream.streamStatus).toBe(Stream.Status.open);
  });

  it('reports errorOccurred with WK_ERR_CONNECTION_REFUSED (posix) on both streams when nothing listens; read and write return -1', async () => {
    const { inputStream, outputStream } = pairTo(await freePort());
    const input = new EventRecorder(inputStream);
    const output = new EventRecorder(outputStream);
    inputStream.open();
    outputStream.open();
    await input.next('errorOccurred');
    await output.next('errorOccurred');
    expect(input.events).toEqual(['errorOccurred']);
    expect(inputStream.streamStatus).toBe(Stream.Status.error);
    expect(inputStream.streamError).toBeInstanceOf(WireKitError);
    expect(inputStream.streamError).toMatchObject({ code: 'WK_ERR_CONNECTION_REFUSED', domain: 'posix', errno: 'ECONNREFUSED' });
    expect(outputStream.streamError).toBe(inputStream.streamError);
    expect(inputStream.read(new Uint8Array(4), 4)).toBe(-1);
    expect(outputStream.write(new Uint8Array(4), 4)).toBe(-1);
  });

  it('reports WK_ERR_DNS (domain dns) for a host that cannot exist (RFC 6761 .invalid)', async () => {
    const { outputStream } = pairTo(80, {}, 'wirekit-streams.invalid');
    const output = new EventRecorder(outputStream);
    outputStream.open();
    await output.next('errorOccurred');
    expect(outputStream.streamError).toMatchObject({ code: 'WK_ERR_DNS', domain: 'dns' });
  });

  it('fails a stream opened after the pair closed with errorOccurred (a pair connects once)', async () => {
    const server = await serve();
    const { inputStream, outputStream } = pairTo(server.port);
    const output = new EventRecorder(outputStream);
    outputStream.open();
    await output.next('hasSpaceAvailable');
    outputStream.close();
    await waitFor(() => coreOf(outputStream)!.isClosed, 'the socket to close');
    const input = new EventRecorder(inputStream);
    inputStream.open();
    await input.next('errorOccurred');
    expect(inputStream.streamError).toMatchObject({ code: 'WK_ERR_CONNECTION_RESET' });
  });

  it('delivers no event to a stream closed before its events were due', async () => {
    const server = await serve((socket) => socket.write('late'));
    const { inputStream, outputStream } = pairTo(server.port);
    const input = new EventRecorder(inputStream);
    const output = new EventRecorder(outputStream);
    inputStream.open();
    outputStream.open();
    inputStream.close();
    await output.next('hasSpaceAvailable');
    await delay(50);
    expect(input.events).toEqual([]);
    expect(inputStream.streamStatus).toBe(Stream.Status.closed);
  });
});

describe('misuse', () => {
  it.each([
    ['read() before open()', (pair: StreamPair) => pair.inputStream.read(new Uint8Array(1), 1)],
    ['write() before open()', (pair: StreamPair) => pair.outputStream.write(new Uint8Array(1), 1)],
    ['read() after close()', (pair: StreamPair) => (pair.inputStream.close(), pair.inputStream.read(new Uint8Array(1), 1))],
  ])('throws WK_ERR_NOT_OPEN for %s', (_name, call) => {
    const pair = pairTo(9);
    expect(() => call(pair)).toThrow(expect.objectContaining({ code: 'WK_ERR_NOT_OPEN' }));
  });

  it.each([
    ['a length beyond the buffer', (stream: OutputStream) => stream.write(new Uint8Array(2), 3)],
    ['a negative length', (stream: OutputStream) => stream.write(new Uint8Array(2), -1)],
    ['a non-integer length', (stream: OutputStream) => stream.write(new Uint8Array(2), 1.5)],
    ['something that is not a Uint8Array', (stream: OutputStream) => stream.write('ab' as unknown as Uint8Array, 2)],
  ])('throws WK_ERR_INVALID_ARGUMENT for %s', (_name, call) => {
    expect(() => call(pairTo(9).outputStream)).toThrow(expect.objectContaining({ code: 'WK_ERR_INVALID_ARGUMENT' }));
  });

  it.each([
    ['an empty host', () => Stream.getStreamsToHost('', 80)],
    ['a port above 65535', () => Stream.getStreamsToHost('127.0.0.1', 65536)],
    ['a fractional port', () => Stream.getStreamsToHost('127.0.0.1', 80.5)],
    ['a zero writeCapacity', () => Stream.getStreamsToHost('127.0.0.1', 80, { writeCapacity: 0 })],
    ['a negative readHighWaterMark', () => Stream.getStreamsToHost('127.0.0.1', 80, { readHighWaterMark: -1 })],
  ])('getStreamsToHost throws WK_ERR_INVALID_ARGUMENT for %s', (_name, call) => {
    expect(call).toThrow(expect.objectContaining({ code: 'WK_ERR_INVALID_ARGUMENT' }));
  });

  it('setProperty accepts a known security level before open, and refuses an unknown one, an unknown key, or any change after open', () => {
    const { inputStream, outputStream } = pairTo(9);
    expect(inputStream.setProperty('SSLv9', Stream.PropertyKey.socketSecurityLevelKey)).toBe(false);
    expect(inputStream.setProperty(1, 'kCFStreamPropertyNope' as typeof Stream.PropertyKey.sslSettings)).toBe(false);
    expect(inputStream.setProperty(StreamSocketSecurityLevel.negotiatedSSL, Stream.PropertyKey.socketSecurityLevelKey)).toBe(true);
    expect(outputStream.property(Stream.PropertyKey.socketSecurityLevelKey)).toBe(StreamSocketSecurityLevel.negotiatedSSL);
    expect(inputStream.setProperty(StreamSocketSecurityLevel.none, Stream.PropertyKey.socketSecurityLevelKey)).toBe(true);
    outputStream.open();
    expect(inputStream.setProperty(StreamSocketSecurityLevel.negotiatedSSL, Stream.PropertyKey.socketSecurityLevelKey)).toBe(false);
  });
});

describe('backpressure', () => {
  it('OutputStream accepts partial writes up to writeCapacity, returns 0 when full, and signals hasSpaceAvailable after the peer reads', async () => {
    const server = await serve((socket) => socket.pause());
    const capacity = 16 * 1024;
    const { outputStream } = pairTo(server.port, { writeCapacity: capacity });
    const output = new EventRecorder(outputStream);
    outputStream.open();
    await output.next('hasSpaceAvailable');
    const chunk = new Uint8Array(64 * 1024);
    const accepted: number[] = [];
    // Bounded: the kernel's loopback buffers hold a few MiB, far below 4 096 × 64 KiB.
    for (let i = 0; i < 4096; i++) {
      const count = outputStream.write(chunk, chunk.length);
      accepted.push(count);
      if (count === 0) break;
      await delay(0);
    }
    expect(accepted.at(-1)).toBe(0);
    expect(accepted.some((count) => count > 0 && count < chunk.length)).toBe(true);
    expect(outputStream.hasSpaceAvailable).toBe(false);
    expect(outputStream.bufferedAmount).toBeLessThanOrEqual(capacity);
    const before = output.count('hasSpaceAvailable');
    await delay(50);
    expect(output.count('hasSpaceAvailable')).toBe(before);
    server.sockets[0]!.resume();
    server.sockets[0]!.on('data', () => undefined);
    await output.next('hasSpaceAvailable', before + 1);
    expect(outputStream.hasSpaceAvailable).toBe(true);
  });

  it('InputStream stops reading the socket at readHighWaterMark until the app reads, then delivers every byte in order', async () => {
    const total = 32 * 1024 * 1024;
    const payload = new Uint8Array(total);
    for (let i = 0; i < total; i += 4096) payload[i] = (i / 4096) & 0xff;
    const server = await serve((socket) => socket.end(payload));
    const mark = 16 * 1024;
    const { inputStream } = pairTo(server.port, { readHighWaterMark: mark });
    const input = new EventRecorder(inputStream);
    inputStream.open();
    await input.next('hasBytesAvailable');
    await waitFor(() => inputStream.bufferedAmount >= mark, 'the input buffer to fill');
    await delay(100);
    // One socket read (up to 64 KiB) may land after the pause.
    expect(inputStream.bufferedAmount).toBeLessThanOrEqual(mark + 64 * 1024);
    expect(server.sockets[0]!.writableLength).toBeGreaterThan(0);

    const received = new Uint8Array(total);
    let filled = 0;
    const buffer = new Uint8Array(64 * 1024);
    const deadline = Date.now() + 20_000;
    while (inputStream.streamStatus === Stream.Status.open && Date.now() < deadline) {
      const length = inputStream.read(buffer, buffer.length);
      if (length > 0) {
        received.set(buffer.subarray(0, length), filled);
        filled += length;
      } else await delay(1);
    }
    expect(filled).toBe(total);
    expect(Buffer.compare(received, payload)).toBe(0);
    expect(inputStream.streamStatus).toBe(Stream.Status.atEnd);
  });
});

describe('TLS through socketSecurityLevelKey', () => {
  let material: TlsMaterial | undefined;
  const tls = (): TlsMaterial => (material ??= selfSigned());

  async function openSecure(settings: object): Promise<{ pair: StreamPair; input: EventRecorder; output: EventRecorder }> {
    const server = await serve((socket) => socket.pipe(socket), tls());
    const pair = pairTo(server.port, {}, 'localhost');
    expect(pair.outputStream.setProperty(StreamSocketSecurityLevel.negotiatedSSL, Stream.PropertyKey.socketSecurityLevelKey)).toBe(true);
    expect(pair.outputStream.setProperty(settings, Stream.PropertyKey.sslSettings)).toBe(true);
    const input = new EventRecorder(pair.inputStream);
    const output = new EventRecorder(pair.outputStream);
    pair.inputStream.open();
    pair.outputStream.open();
    return { pair, input, output };
  }

  it('echoes over node:tls when the sslSettings trust the certificate', async () => {
    const { pair, input, output } = await openSecure({ ca: tls().cert });
    await output.next('hasSpaceAvailable');
    expect(pair.outputStream.write(bytes('secure'), 6)).toBe(6);
    await input.next('hasBytesAvailable');
    const received: number[] = [];
    await waitFor(() => (drain(pair.inputStream, received), received.length === 6), 'the echo');
    expect(text(new Uint8Array(received))).toBe('secure');
  });

  it('fails with WK_ERR_TLS (domain tls) when the certificate is not trusted', async () => {
    const { pair, output } = await openSecure({});
    await output.next('errorOccurred');
    expect(pair.outputStream.streamError).toMatchObject({ code: 'WK_ERR_TLS', domain: 'tls' });
  });

  it('fails with WK_ERR_TLS when the verifyPeer pinning hook refuses the certificate', async () => {
    const { pair, input } = await openSecure({ ca: tls().cert, verifyPeer: () => false });
    await within(input.next('errorOccurred'), 'the refusal');
    expect(pair.inputStream.streamError).toMatchObject({ code: 'WK_ERR_TLS', domain: 'tls' });
  });
});
