import { isUtf8 as nodeIsUtf8 } from 'node:buffer';
import { describe, expect, it } from 'vitest';
import { encodeFrame, Opcode, type EngineEvent } from '../src/index.js';
import { closeCodeOf, framesWritten, random, recorded } from './support/engine-pair.js';
import { join } from './support/hex.js';

const text = new TextEncoder();

/** A frame as `sender` writes it: masked from a client, unmasked from a server. */
function frame(sender: 'client' | 'server', opcode: number, payload: Uint8Array, fin = true, rsv1 = false): Uint8Array {
  return join(...encodeFrame({ opcode, payload, fin, rsv: { rsv1, rsv2: false, rsv3: false }, ...(sender === 'client' ? { mask: random(4) } : {}) }));
}

function types(events: EngineEvent[]): string[] {
  return events.map((event) => (event.type === 'protocol-error' ? `protocol-error ${event.error.code}` : event.type));
}

/** Autobahn 6.4.3's payload: valid UTF-8, then a sequence no UTF-8 can contain (a code point above U+10FFFF). */
const VALID_PREFIX = text.encode('κόσμε');
const INVALID_MIDDLE = Uint8Array.of(0xf4, 0x90, 0x80, 0x80);
const VALID_SUFFIX = text.encode('edited');

describe('Engine', () => {
  describe.each([
    ['client', 'server'],
    ['server', 'client'],
  ] as const)('as the %s, receiving from the %s', (role, sender) => {
    describe('invalid UTF-8 inside one text frame (RFC 6455 §8.1, Autobahn 6.4.3/6.4.4)', () => {
      const payload = join(VALID_PREFIX, INVALID_MIDDLE, VALID_SUFFIX);
      const bytes = (): Uint8Array => frame(sender, Opcode.Text, payload);
      const cut = bytes().length - VALID_SUFFIX.length;

      it('fails with 1007 as soon as the part holding the invalid sequence arrives, before the rest of the frame', () => {
        const { engine, events, writes } = recorded(role);
        engine.receive(bytes().slice(0, cut));
        expect(types(events)).toEqual(['protocol-error WK_ERR_INVALID_UTF8', 'close']);
        expect(framesWritten(writes, role).map(closeCodeOf)).toEqual([1007]);
      });

      it('fails as soon as the invalid byte arrives, fed byte by byte', () => {
        const { engine, events } = recorded(role);
        const whole = bytes();
        const firstBad = whole.length - VALID_SUFFIX.length - INVALID_MIDDLE.length + 1;
        for (let at = 0; at <= firstBad && events.length === 0; at++) engine.receive(whole.slice(at, at + 1));
        expect(types(events)).toEqual(['protocol-error WK_ERR_INVALID_UTF8', 'close']);
      });

      it('waits for the rest of a code point that is only cut by the read', () => {
        const whole = frame(sender, Opcode.Text, text.encode('a€b'));
        const { engine, events } = recorded(role);
        const at = whole.length - 3; // inside '€' (three bytes)
        engine.receive(whole.slice(0, at));
        expect(events).toEqual([]);
        engine.receive(whole.slice(at));
        expect(events).toEqual([{ type: 'text', data: 'a€b' }]);
      });

      it('checks a continuation frame of a text message as it arrives, and not a binary one', () => {
        const first = frame(sender, Opcode.Text, text.encode('ab'), false);
        const rest = frame(sender, Opcode.Continuation, payload, true);
        const { engine, events } = recorded(role);
        engine.receive(join(first, rest.slice(0, rest.length - VALID_SUFFIX.length)));
        expect(types(events)).toEqual(['protocol-error WK_ERR_INVALID_UTF8', 'close']);

        const binary = recorded(role);
        const bytesOfBinary = frame(sender, Opcode.Binary, payload);
        binary.engine.receive(bytesOfBinary.slice(0, cut));
        binary.engine.receive(bytesOfBinary.slice(cut));
        expect(binary.events).toHaveLength(1);
        expect(binary.events[0]!.type).toBe('binary');
      });

      it('checks a continuation that arrives in pieces from where the fragments before it ended: a code point they began must go on', () => {
        // "a" then the lead byte of '€' (E2): the continuation must start with a continuation byte, not "A".
        const first = frame(sender, Opcode.Text, Uint8Array.of(0x61, 0xe2), false);
        const rest = frame(sender, Opcode.Continuation, text.encode('ABCDEFGH'), true);
        const { engine, events } = recorded(role);
        engine.receive(join(first, rest.slice(0, rest.length - 4)));
        expect(types(events)).toEqual(['protocol-error WK_ERR_INVALID_UTF8', 'close']);
      });

      it('with the validator injected, delivers a fragmented text message whose fragments arrive in pieces intact', () => {
        const message = text.encode('wirekit ✓ 😀 '.repeat(300));
        const whole = join(frame(sender, Opcode.Text, message.subarray(0, 1001), false), frame(sender, Opcode.Continuation, message.subarray(1001, 2002), false), frame(sender, Opcode.Continuation, message.subarray(2002), true));
        for (const options of [{ isUtf8: nodeIsUtf8 }, { isUtf8: nodeIsUtf8, textAsBytes: true }]) {
          const { engine, events } = recorded(role, options);
          for (let at = 0; at < whole.length; at += 333) engine.receive(whole.slice(at, at + 333));
          expect(events).toHaveLength(1);
          const event = events[0]!;
          expect(event.type === 'text' ? event.data : event.type === 'utf8' ? new TextDecoder().decode(event.data) : event.type).toBe(new TextDecoder().decode(message));
        }
      });

      it('delivers a valid text frame that arrives in many pieces intact', () => {
        const message = 'wirekit ✓ 😀 '.repeat(500);
        const whole = frame(sender, Opcode.Text, text.encode(message));
        const { engine, events } = recorded(role);
        for (let at = 0; at < whole.length; at += 7) engine.receive(whole.slice(at, at + 7));
        expect(events).toEqual([{ type: 'text', data: message }]);
      });
    });

    describe('with deferViolations', () => {
      // Fresh bytes per use: the engine unmasks what it is given in place.
      const good = (): Uint8Array => frame(sender, Opcode.Text, text.encode('first'));
      const bad = (): Uint8Array => frame(sender, Opcode.Text, text.encode('bad'), true, true); // RSV1, no extension

      it('holds a violation that follows a delivered message: still open for the answer, nothing written, until failHeld()', () => {
        const { engine, events, writes } = recorded(role, { deferViolations: true });
        engine.receive(join(good(), bad()));
        expect(events).toEqual([{ type: 'text', data: 'first' }]);
        expect(engine.state).toBe('open');
        expect(engine.heldViolation?.code).toBe('WK_ERR_RESERVED_BITS');
        engine.send('answer');
        engine.receive(frame(sender, Opcode.Text, text.encode('ignored')));
        engine.failHeld();
        expect(types(events)).toEqual(['text', 'protocol-error WK_ERR_RESERVED_BITS', 'close']);
        expect(engine.heldViolation).toBeNull();
        const frames = framesWritten(writes, role);
        expect(frames.map((f) => f.opcode)).toEqual([Opcode.Text, Opcode.Close]);
        expect(closeCodeOf(frames[1]!)).toBe(1002);
      });

      it('fails at once when nothing was delivered before the violation in that read', () => {
        const { engine, events } = recorded(role, { deferViolations: true });
        engine.receive(good());
        engine.receive(bad());
        expect(types(events)).toEqual(['text', 'protocol-error WK_ERR_RESERVED_BITS', 'close']);
        expect(engine.heldViolation).toBeNull();
      });

      it('fails at once without the option', () => {
        const { engine, events } = recorded(role);
        engine.receive(join(good(), bad()));
        expect(types(events)).toEqual(['text', 'protocol-error WK_ERR_RESERVED_BITS', 'close']);
      });

      it('holds any violation, even with nothing before it and across reads, while holdViolations is set', () => {
        const { engine, events } = recorded(role, { deferViolations: true });
        engine.holdViolations = true;
        engine.receive(good());
        engine.receive(bad());
        expect(types(events)).toEqual(['text']);
        expect(engine.heldViolation?.code).toBe('WK_ERR_RESERVED_BITS');
        engine.failHeld();
        expect(types(events)).toEqual(['text', 'protocol-error WK_ERR_RESERVED_BITS', 'close']);
      });

      it('failHeld() does nothing when no violation is held', () => {
        const { engine, events } = recorded(role, { deferViolations: true });
        engine.failHeld();
        expect(events).toEqual([]);
        expect(engine.state).toBe('open');
      });
    });
  });
});
