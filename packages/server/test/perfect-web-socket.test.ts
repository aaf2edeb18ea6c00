import { randomFillSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { acceptServerConnection, memoryChannelPair } from '@wirekit/core';
import { concat, encodeFrame, Engine, Opcode, type EngineEvent } from '@wirekit/protocol';
import { PerfectWebSocket } from '../src/index.js';

const random = (length: number): Uint8Array => randomFillSync(new Uint8Array(length));
const text = new TextEncoder();

function clientFrame(opcode: number, payload: Uint8Array, rsv1 = false): Uint8Array {
  const parts = encodeFrame({ opcode, payload, mask: random(4), rsv: { rsv1, rsv2: false, rsv3: false } });
  return concat(parts, parts.reduce((sum, part) => sum + part.length, 0));
}

describe('PerfectWebSocket', () => {
  it('runs a read continuation in the delivery of its message (as a connection listener), so its answer precedes a violation read in the same turn', async () => {
    const [channel, peer] = memoryChannelPair();
    const events: EngineEvent[] = [];
    const client = new Engine({ role: 'client', random, onEvent: (event) => events.push(event), onWrite: () => undefined });
    peer.bind({ data: (chunk) => client.receive(chunk), end: () => undefined, error: () => undefined, close: () => undefined, drain: () => undefined });
    const connection = acceptServerConnection(channel, { url: 'ws://test.local/echo', protocol: '', extensions: [], extensionsHeader: '' });
    const socket = new PerfectWebSocket(connection);
    const echo = (): void =>
      socket.readStringMessage((message) => {
        if (message !== null) socket.sendStringMessage(`echo ${message}`, true, echo);
      });
    echo();
    // Two writes delivered as two reads in one turn: the message, then a frame with RSV1 and no extension.
    peer.write([clientFrame(Opcode.Text, text.encode('hello')), clientFrame(Opcode.Text, new Uint8Array(0), true)], () => undefined);
    expect((await connection.closed).code).toBe(1002);
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(events.map((event) => (event.type === 'text' ? `text ${event.data}` : event.type === 'close' ? `close ${event.code}` : event.type))).toEqual(['text echo hello', 'close 1002']);
  });

  it('gives a read null once the connection has closed, outside the call that asked', async () => {
    const [channel] = memoryChannelPair();
    const connection = acceptServerConnection(channel, { url: 'ws://test.local/echo', protocol: '', extensions: [], extensionsHeader: '' });
    const socket = new PerfectWebSocket(connection);
    connection.terminate();
    await connection.closed;
    const got: Array<string | null> = [];
    socket.readStringMessage((message) => got.push(message));
    expect(got).toEqual([]);
    await Promise.resolve();
    expect(got).toEqual([null]);
  });
});
