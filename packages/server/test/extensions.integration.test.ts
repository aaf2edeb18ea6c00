import { connect as netConnect } from 'node:net';
import { randomFillSync, createHash } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { openClientConnection, socketChannel, type EngineConnection } from '@wirekit/core';
import type { Extension, ExtensionFactory, RsvBits } from '@wirekit/protocol';
import { WireKitServer } from '../src/index.js';
import { within } from './support/harness.js';

const RSV1: RsvBits = { rsv1: true, rsv2: false, rsv3: false };

/** An RSV1 extension that reverses payloads, counting what it transforms: negotiation and framing seen end to end. */
function reverseFactory(counts: { encoded: number; decoded: number }): ExtensionFactory {
  const extension: Extension = {
    name: 'x-reverse',
    rsv: RSV1,
    decode: (payload) => {
      counts.decoded++;
      return payload.slice().reverse();
    },
    encode: (payload) => {
      counts.encoded++;
      return { payload: payload.slice().reverse(), rsv: RSV1 };
    },
  };
  return {
    name: 'x-reverse',
    offer: () => [{}],
    accept: () => extension,
    negotiate: (offers) => (offers.length > 0 ? { params: {}, extension } : null),
  };
}

let server: WireKitServer | null = null;
afterEach(async () => {
  await server?.close();
  server = null;
});

describe('WireKitServer with extensions', () => {
  it('negotiates an extension with a core client and exchanges RSV1 frames both ways', async () => {
    const serverCounts = { encoded: 0, decoded: 0 };
    const clientCounts = { encoded: 0, decoded: 0 };
    server = new WireKitServer({ host: '127.0.0.1', port: 0, extensions: [reverseFactory(serverCounts)] });
    const accepted = new Promise<EngineConnection>((resolve) => server!.on('connection', (connection) => resolve(connection)));
    server.on('connection', (connection) => connection.on('message', (data) => void connection.send(data)));
    const { port, url } = await server.listen();

    const socket = netConnect({ host: '127.0.0.1', port });
    await within(5_000, new Promise<void>((resolve) => socket.once('connect', () => resolve())), 'connect');
    const firstBytesOut: number[] = [];
    const firstBytesIn: number[] = [];
    const write = socket.write.bind(socket) as (chunk: Uint8Array, callback?: (error?: Error | null) => void) => boolean;
    let headDone = false;
    socket.write = ((chunk: Uint8Array, callback?: (error?: Error | null) => void) => {
      if (headDone) firstBytesOut.push(chunk[0]!);
      headDone = true;
      return write(chunk, callback);
    }) as typeof socket.write;
    const client = await openClientConnection(socketChannel(socket), {
      url,
      random: (n) => randomFillSync(new Uint8Array(n)),
      sha1: (data) => createHash('sha1').update(data).digest(),
      extensions: [reverseFactory(clientCounts)],
    });
    socket.on('data', (chunk: Uint8Array) => firstBytesIn.push(chunk[0]!));
    const connection = await accepted;
    expect(client.extensions).toBe('x-reverse');
    expect(connection.extensions).toBe('x-reverse');

    const echo = new Promise((resolve) => client.on('message', resolve));
    await client.send('stressed');
    expect(await within(5_000, echo, 'the echo')).toBe('stressed');
    // FIN + RSV1 + Text, each way: the payload went through the extension on the wire.
    expect(firstBytesOut[0]).toBe(0xc1);
    expect(firstBytesIn[0]).toBe(0xc1);
    expect(clientCounts).toEqual({ encoded: 1, decoded: 1 });
    expect(serverCounts).toEqual({ encoded: 1, decoded: 1 });
    await client.close(1000);
  });
});

describe('server.broadcast() framing once', () => {
  it('reaches a client with an extension (through it) and one without (the shared frame) alike', async () => {
    const serverCounts = { encoded: 0, decoded: 0 };
    server = new WireKitServer({ host: '127.0.0.1', port: 0, extensions: [reverseFactory(serverCounts)] });
    const { port, url } = await server.listen();
    const open = async (extensions: ExtensionFactory[]): Promise<EngineConnection> => {
      const socket = netConnect({ host: '127.0.0.1', port });
      await within(5_000, new Promise<void>((resolve) => socket.once('connect', () => resolve())), 'connect');
      return openClientConnection(socketChannel(socket), { url, random: (n) => randomFillSync(new Uint8Array(n)), extensions });
    };
    const withExtension = await open([reverseFactory({ encoded: 0, decoded: 0 })]);
    const plain = await open([]);
    expect([withExtension.extensions, plain.extensions]).toEqual(['x-reverse', '']);
    const received = [withExtension, plain].map((client) => new Promise((resolve) => client.on('message', resolve)));
    expect(await server.broadcast('to both ✓')).toEqual({ sent: 2, failed: [] });
    expect(await within(5_000, Promise.all(received), 'both messages')).toEqual(['to both ✓', 'to both ✓']);
    expect(serverCounts.encoded).toBe(1);
    await Promise.all([withExtension.close(1000), plain.close(1000)]);
  });
});
