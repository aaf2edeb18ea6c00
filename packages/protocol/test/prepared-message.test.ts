import { describe, expect, it } from 'vitest';
import { encodeFrame, Opcode, prepareMessage, WireKitUsageError, type Extension } from '../src/index.js';
import { enginePair, framesWritten, recorded } from './support/engine-pair.js';
import { pattern, sameBytes } from './support/hex.js';

describe('prepareMessage() and Engine.sendPrepared()', () => {
  it('frames text as its UTF-8 and bytes as Binary, once, unmasked', () => {
    const text = prepareMessage('héllo ✓');
    expect(text.opcode).toBe(Opcode.Text);
    sameBytes(text.payload, new TextEncoder().encode('héllo ✓'));
    expect(text.frame).toEqual(encodeFrame({ opcode: Opcode.Text, payload: text.payload }));
    const relayed = prepareMessage(new TextEncoder().encode('relayed'), { utf8: true });
    expect(relayed.opcode).toBe(Opcode.Text);
    expect(prepareMessage(pattern(200_000)).opcode).toBe(Opcode.Binary);
  });

  it('a server writes the very same chunks to every connection, in order with its other sends', () => {
    const prepared = prepareMessage('to everyone');
    const servers = [recorded('server'), recorded('server')];
    for (const server of servers) {
      server.engine.send('before', 'a');
      server.engine.sendPrepared(prepared, 'b');
      server.engine.send('after', 'c');
      expect(server.writes.map((write) => write.tag)).toEqual(['a', 'b', 'c']);
      expect(server.writes[1]!.bytes).toBe(prepared.frame[0]);
    }
  });

  it.each([
    ['a client (it masks every frame with a fresh key)', 'client', {}],
    ['a server with a smaller fragment size', 'server', { fragmentSize: 4 }],
  ] as const)('%s sends the payload its own way and the peer gets the message', (_label, from, overrides) => {
    const pair = from === 'client' ? enginePair(overrides, {}) : enginePair({}, overrides);
    const [sender, receiver] = from === 'client' ? [pair.client, pair.server] : [pair.server, pair.client];
    const prepared = prepareMessage('relay me please');
    sender.engine.sendPrepared(prepared);
    pair.pump();
    expect(receiver.events).toEqual([{ type: 'text', data: 'relay me please' }]);
    expect(sender.writes.some((write) => write.bytes === prepared.frame[0])).toBe(false);
    if (from === 'client') expect(framesWritten(sender.writes, 'client')[0]?.opcode).toBe(Opcode.Text);
  });

  it('a server with an extension runs the payload through it instead of sharing the frame', () => {
    const extension: Extension = {
      name: 'x-mark',
      rsv: { rsv1: true, rsv2: false, rsv3: false },
      decode: (payload) => payload,
      encode: (payload) => ({ payload, rsv: { rsv1: true, rsv2: false, rsv3: false } }),
      dispose: () => undefined,
    };
    const server = recorded('server', { extensions: [extension] });
    const prepared = prepareMessage(pattern(300));
    server.engine.sendPrepared(prepared);
    expect(server.writes.some((write) => write.bytes === prepared.frame[0])).toBe(false);
    const [frame] = framesWritten(server.writes, 'server');
    expect(frame?.rsv1).toBe(true);
    sameBytes(frame!.payload, prepared.payload);
  });

  it('refuses after close and in the middle of a fragmented message, like send()', () => {
    const server = recorded('server');
    server.engine.sendPart('part', false);
    expect(() => server.engine.sendPrepared(prepareMessage('x'))).toThrow(WireKitUsageError);
    server.engine.sendPart('end', true);
    server.engine.close(1000);
    expect(() => server.engine.sendPrepared(prepareMessage('x'))).toThrow(WireKitUsageError);
  });
});
