import { isUtf8 as nodeIsUtf8 } from 'node:buffer';
import { describe, expect, it } from 'vitest';
import { Opcode, TextBytes, encodeFrame, isUtf8, type EngineEvent, type WireKitUsageError } from '../src/index.js';
import { enginePair, framesWritten } from './support/engine-pair.js';

const encode = (text: string): Uint8Array => new TextEncoder().encode(text);
const decode = (bytes: Uint8Array): string => new TextDecoder().decode(bytes);

/** Feeds raw frames, masked when the receiver is a server. */
function feed(receiver: { engine: { receive(chunk: Uint8Array): void } }, role: 'client' | 'server', frames: Array<{ opcode: number; payload: Uint8Array; fin: boolean }>): void {
  for (const frame of frames) {
    for (const chunk of encodeFrame({ ...frame, mask: role === 'server' ? new Uint8Array([1, 2, 3, 4]) : null })) receiver.engine.receive(chunk.slice());
  }
}

function utf8Events(events: EngineEvent[]): TextBytes[] {
  return events.flatMap((event) => (event.type === 'utf8' ? [event.data] : []));
}

describe('TextBytes and textAsBytes', () => {
  it('the pure validator agrees with node:buffer isUtf8 on valid and invalid sequences', () => {
    const cases = [encode('héllo 世界 🚀'), new Uint8Array([0xc3]), new Uint8Array([0xed, 0xa0, 0x80]), new Uint8Array([0xf4, 0x90, 0x80, 0x80]), new Uint8Array([0xc0, 0xaf]), new Uint8Array(0)];
    for (const bytes of cases) expect(isUtf8(bytes)).toBe(nodeIsUtf8(bytes));
  });

  it('TextBytes.validate() views valid UTF-8 without copying and refuses the rest', () => {
    const bytes = encode('✓ ok');
    const text = TextBytes.validate(bytes)!;
    expect(text).toBeInstanceOf(TextBytes);
    expect(text.buffer).toBe(bytes.buffer);
    expect(TextBytes.validate(new Uint8Array([0xff]))).toBeNull();
  });

  it('arrays derived from a TextBytes are plain Uint8Arrays (a slice may cut a code point)', () => {
    const text = TextBytes.validate(encode('✓✓'))!;
    expect(text.subarray(0, 1)).not.toBeInstanceOf(TextBytes);
    expect(text.slice(0, 1)).not.toBeInstanceOf(TextBytes);
  });

  describe.each(['client', 'server'] as const)('received by the %s', (receiverRole) => {
    const pair = (validator?: (bytes: Uint8Array) => boolean) => {
      const options = { textAsBytes: true, ...(validator === undefined ? {} : { isUtf8: validator }) };
      const engines = receiverRole === 'server' ? enginePair({}, options) : enginePair(options, {});
      return receiverRole === 'server' ? { ...engines, sender: engines.client, receiver: engines.server } : { ...engines, sender: engines.server, receiver: engines.client };
    };

    it('a Text message arrives as a utf8 event with its bytes, and no text event', () => {
      const { sender, receiver, pump } = pair();
      sender.engine.send('héllo 世界 🚀');
      pump();
      expect(receiver.events.map((event) => event.type)).toEqual(['utf8']);
      const [bytes] = utf8Events(receiver.events);
      expect(bytes).toBeInstanceOf(TextBytes);
      expect(decode(bytes!)).toBe('héllo 世界 🚀');
    });

    it('a fragmented Text message arrives joined, as one utf8 event', () => {
      const { receiver } = pair();
      const bytes = encode('a🚀b');
      // The emoji is cut between the fragments: validated across them.
      feed(receiver, receiverRole, [
        { opcode: Opcode.Text, payload: bytes.subarray(0, 3), fin: false },
        { opcode: Opcode.Continuation, payload: bytes.subarray(3), fin: true },
      ]);
      expect(utf8Events(receiver.events).map(decode)).toEqual(['a🚀b']);
    });

    it('binary messages stay binary', () => {
      const { sender, receiver, pump } = pair();
      sender.engine.send(new Uint8Array([1, 2]));
      pump();
      expect(receiver.events).toEqual([{ type: 'binary', data: new Uint8Array([1, 2]) }]);
    });

    it('invalid UTF-8 fails the connection with 1007, as for strings', () => {
      const { receiver } = pair();
      feed(receiver, receiverRole, [{ opcode: Opcode.Text, payload: new Uint8Array([0x61, 0xff]), fin: true }]);
      const error = receiver.events.find((event) => event.type === 'protocol-error');
      expect(error?.type === 'protocol-error' && error.error.code).toBe('WK_ERR_INVALID_UTF8');
      expect(utf8Events(receiver.events)).toEqual([]);
    });

    /** A Text frame's bytes on the wire, cut into three pieces (inside code points). */
    const framePieces = (payload: Uint8Array): Uint8Array[] => {
      const wire = encodeFrame({ opcode: Opcode.Text, payload, mask: receiverRole === 'server' ? new Uint8Array([1, 2, 3, 4]) : null });
      const bytes = new Uint8Array(wire.reduce((n, chunk) => n + chunk.length, 0));
      let at = 0;
      for (const chunk of wire) bytes.set(chunk, (at += chunk.length) - chunk.length);
      return [bytes.slice(0, 1001), bytes.slice(1001, 2502), bytes.slice(2502)];
    };

    it('a Text frame that arrives in pieces is checked as it arrives, each byte once, by the injected validator', () => {
      const seen: number[] = [];
      const { receiver } = pair((bytes) => {
        seen.push(bytes.length);
        return nodeIsUtf8(bytes);
      });
      const payload = encode('héllo 世界 🚀 '.repeat(200));
      for (const piece of framePieces(payload)) receiver.engine.receive(piece);
      expect(utf8Events(receiver.events).map(decode)).toEqual([decode(payload)]);
      // The validator saw the bulk of every piece; no byte twice (a few at the cuts were scanned in JS).
      expect(seen).toHaveLength(3);
      expect(seen.reduce((n, length) => n + length, 0)).toBeLessThanOrEqual(payload.length);
      expect(seen.reduce((n, length) => n + length, 0)).toBeGreaterThan(payload.length - 24);
    });

    it('invalid UTF-8 in the last piece of a Text frame checked as it arrived fails with 1007', () => {
      const { receiver } = pair(nodeIsUtf8);
      const payload = encode('héllo 世界 🚀 '.repeat(200));
      payload[payload.length - 10] = 0xff;
      for (const piece of framePieces(payload)) receiver.engine.receive(piece);
      const error = receiver.events.find((event) => event.type === 'protocol-error');
      expect(error?.type === 'protocol-error' && error.error.code).toBe('WK_ERR_INVALID_UTF8');
      expect(utf8Events(receiver.events)).toEqual([]);
    });

    it('uses the injected validator', () => {
      const seen: number[] = [];
      const { sender, receiver, pump } = pair((bytes) => {
        seen.push(bytes.length);
        return nodeIsUtf8(bytes);
      });
      sender.engine.send('four');
      pump();
      expect(seen).toEqual([4]);
      expect(utf8Events(receiver.events)).toHaveLength(1);
    });
  });

  it('send() of a TextBytes writes a Text frame of exactly those bytes', () => {
    const { server, client, pump } = enginePair({}, { textAsBytes: true });
    client.engine.send('relay ✓');
    pump();
    const [received] = utf8Events(server.events);
    server.engine.send(received!);
    pump();
    const [frame] = framesWritten(server.writes, 'server');
    expect(frame!.opcode).toBe(Opcode.Text);
    expect(decode(frame!.payload)).toBe('relay ✓');
    expect(client.events).toEqual([{ type: 'text', data: 'relay ✓' }]);
  });

  it('send() of a TextBytes validated when it was made (received, or from validate()) does not walk it again; one built by hand is checked', () => {
    const seen: number[] = [];
    const validator = (bytes: Uint8Array): boolean => {
      seen.push(bytes.length);
      return nodeIsUtf8(bytes);
    };
    const { server, client, pump } = enginePair({}, { textAsBytes: true, isUtf8: validator });
    client.engine.send('relay ✓');
    pump();
    expect(seen).toEqual([9]);
    server.engine.send(utf8Events(server.events)[0]!);
    server.engine.send(TextBytes.validate(encode('ok'))!);
    expect(seen).toEqual([9]);
    server.engine.send(new TextBytes(encode('hand')));
    expect(seen).toEqual([9, 4]);
    pump();
    expect(client.events).toEqual([
      { type: 'text', data: 'relay ✓' },
      { type: 'text', data: 'ok' },
      { type: 'text', data: 'hand' },
    ]);
  });

  it('send() of a TextBytes that is not UTF-8 throws WK_ERR_INVALID_ARGUMENT and writes nothing', () => {
    const { client } = enginePair();
    const forged = new TextBytes([0x61, 0xff]);
    let code = '';
    try {
      client.engine.send(forged);
    } catch (error) {
      code = (error as WireKitUsageError).code;
    }
    expect(code).toBe('WK_ERR_INVALID_ARGUMENT');
    expect(client.writes).toEqual([]);
  });
});
