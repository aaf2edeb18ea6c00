import { describe, expect, it } from 'vitest';
import { MessageAssembler, Opcode, ProtocolError, type Frame } from '../src/index.js';
import { enginePair, framesWritten, recorded } from './support/engine-pair.js';

const utf8 = new TextEncoder();

function frame(opcode: number, payload: Uint8Array, fin: boolean): Frame {
  return { opcode, payload, fin, rsv1: false, rsv2: false, rsv3: false };
}

/** "€" is E2 82 AC: split after its first byte, it spans two fragments. */
const EURO = utf8.encode('a€b');

describe('MessageAssembler', () => {
  describe('add()', () => {
    it('decodes a code point split across fragments (the streaming decoder exists only for that message)', () => {
      const assembler = new MessageAssembler();
      expect(assembler.add(frame(Opcode.Text, EURO.subarray(0, 2), false))).toBeNull();
      expect(assembler.add(frame(Opcode.Continuation, EURO.subarray(2, 3), false))).toBeNull();
      const message = assembler.add(frame(Opcode.Continuation, EURO.subarray(3), true));
      expect(message).toEqual({ kind: 'text', text: 'a€b', rsv: { rsv1: false, rsv2: false, rsv3: false } });
    });

    it('fails fast on invalid UTF-8 across fragments (WK_ERR_INVALID_UTF8, 1007, RFC 6455 §8.1)', () => {
      const assembler = new MessageAssembler();
      expect(assembler.add(frame(Opcode.Text, Uint8Array.of(0x61, 0xe2), false))).toBeNull();
      // E2 must be followed by a continuation byte (80–BF), not by "b".
      const result = assembler.add(frame(Opcode.Continuation, Uint8Array.of(0x62), false));
      expect(result).toBeInstanceOf(ProtocolError);
      expect((result as ProtocolError).code).toBe('WK_ERR_INVALID_UTF8');
      expect((result as ProtocolError).closeCode).toBe(1007);
    });

    it('checks a fragmented Text message fragment by fragment with the injected validator, each byte once, with no decoder per message', () => {
      const seen: number[] = [];
      const strict = new TextDecoder('utf-8', { fatal: true });
      const validator = (bytes: Uint8Array): boolean => {
        seen.push(bytes.length);
        try {
          strict.decode(bytes);
          return true;
        } catch {
          return false;
        }
      };
      const text = utf8.encode('héllo 世界 🚀 '.repeat(40));
      const assembler = new MessageAssembler({ isUtf8: validator });
      // Cut inside code points: the validator sees the whole code points of each fragment.
      expect(assembler.add(frame(Opcode.Text, text.subarray(0, 301), false))).toBeNull();
      expect(assembler.add(frame(Opcode.Continuation, text.subarray(301, 602), false))).toBeNull();
      expect(assembler.add(frame(Opcode.Continuation, text.subarray(602), true))).toMatchObject({ kind: 'text', text: new TextDecoder().decode(text) });
      expect(seen).toHaveLength(3);
      expect(seen.reduce((n, length) => n + length, 0)).toBeLessThanOrEqual(text.length);
      // Invalid bytes in the second fragment fail it at once, before the message ends.
      const bad = text.slice();
      bad[400] = 0xff;
      expect(assembler.add(frame(Opcode.Text, bad.subarray(0, 301), false))).toBeNull();
      expect((assembler.add(frame(Opcode.Continuation, bad.subarray(301, 602), false)) as ProtocolError).code).toBe('WK_ERR_INVALID_UTF8');
    });

    it('fails a message that ends in the middle of a code point', () => {
      const assembler = new MessageAssembler();
      expect(assembler.add(frame(Opcode.Text, EURO.subarray(0, 2), false))).toBeNull();
      const result = assembler.add(frame(Opcode.Continuation, new Uint8Array(0), true));
      expect((result as ProtocolError).code).toBe('WK_ERR_INVALID_UTF8');
    });

    it('starts the next fragmented message from a clean state after one completed', () => {
      const assembler = new MessageAssembler();
      assembler.add(frame(Opcode.Text, EURO.subarray(0, 2), false));
      assembler.add(frame(Opcode.Continuation, EURO.subarray(2), true));
      expect(assembler.add(frame(Opcode.Text, EURO.subarray(0, 3), false))).toBeNull();
      expect(assembler.add(frame(Opcode.Continuation, EURO.subarray(3), true))).toMatchObject({ kind: 'text', text: 'a€b' });
    });

    it('keeps two assemblers with fragmented messages interleaved apart', () => {
      const first = new MessageAssembler();
      const second = new MessageAssembler();
      first.add(frame(Opcode.Text, EURO.subarray(0, 2), false));
      second.add(frame(Opcode.Text, utf8.encode('x'), false));
      expect(second.add(frame(Opcode.Continuation, utf8.encode('y'), true))).toMatchObject({ text: 'xy' });
      expect(first.add(frame(Opcode.Continuation, EURO.subarray(2), true))).toMatchObject({ text: 'a€b' });
    });

    it('decodes whole messages of several assemblers independently (one shared decoder, no state kept)', () => {
      const first = new MessageAssembler();
      const second = new MessageAssembler();
      expect((first.add(frame(Opcode.Text, Uint8Array.of(0x61, 0xe2), true)) as ProtocolError).code).toBe('WK_ERR_INVALID_UTF8');
      expect(second.add(frame(Opcode.Text, EURO, true))).toMatchObject({ kind: 'text', text: 'a€b' });
      expect(first.decodeText(utf8.encode('é'))).toBe('é');
    });
  });
});

describe('Engine masking keys', () => {
  it('gives client engines that share a random source distinct keys, drawn in batches', () => {
    let calls = 0;
    let counter = 0;
    const source = (length: number): Uint8Array => {
      calls++;
      return Uint8Array.from({ length }, () => counter++ & 0xff);
    };
    const a = recorded('client', { random: source });
    const b = recorded('client', { random: source });
    a.engine.send('one');
    b.engine.send('two');
    a.engine.send('three');
    const payloads = [...framesWritten(a.writes, 'client'), ...framesWritten(b.writes, 'client')].map((f) => new TextDecoder().decode(f.payload));
    expect(payloads).toEqual(['one', 'three', 'two']);
    const masks = [a.writes[0]!, b.writes[0]!, a.writes[1]!].map(({ bytes }) => Array.from(bytes.subarray(2, 6)));
    expect(new Set(masks.map((mask) => mask.join())).size).toBe(3);
    expect(calls).toBe(1);
  });

  it('still round-trips every message through a peer', () => {
    const { client, server, pump } = enginePair();
    client.engine.send('a€b');
    client.engine.send(Uint8Array.of(1, 2, 3));
    pump();
    expect(server.events.map((event) => event.type)).toEqual(['text', 'binary']);
  });
});
