import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeFrame, Opcode, type EngineEvent } from '../src/index.js';
import { enginePair, framesWritten, recorded } from './support/engine-pair.js';

describe('Engine (properties)', () => {
  it.each(['client', 'server'] as const)('never throws on arbitrary bytes as a %s, and answers every violation with one Close', (role) => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 64 }), { maxLength: 12 }), (chunks) => {
        const { engine, events, writes } = recorded(role, { maxMessageSize: 4096 });
        for (const chunk of chunks) engine.receive(chunk);
        engine.transportClosed();
        const closes = events.filter((e) => e.type === 'close');
        expect(closes).toHaveLength(1);
        expect(events.at(-1)!.type).toBe('close');
        const errors = events.filter((e) => e.type === 'protocol-error');
        expect(errors.length).toBeLessThanOrEqual(1);
        if (errors.length === 1) {
          const closeFrames = framesWritten(writes, role).filter((f) => f.opcode === Opcode.Close);
          expect(closeFrames).toHaveLength(1);
        }
      }),
      { numRuns: 3000 },
    );
  });

  it('never throws on mutations of valid traffic fed to a server', () => {
    const valid = [
      ...encodeFrame({ opcode: Opcode.Text, payload: new TextEncoder().encode('héllo'), mask: new Uint8Array([1, 2, 3, 4]) }),
      ...encodeFrame({ opcode: Opcode.Binary, payload: new Uint8Array(300), fin: false, mask: new Uint8Array([5, 6, 7, 8]) }),
      ...encodeFrame({ opcode: Opcode.Ping, payload: new Uint8Array(3), mask: new Uint8Array([9, 9, 9, 9]) }),
      ...encodeFrame({ opcode: Opcode.Continuation, payload: new Uint8Array(10), mask: new Uint8Array([0, 0, 0, 1]) }),
    ];
    const bytes = new Uint8Array(valid.reduce((n, c) => n + c.length, 0));
    let at = 0;
    for (const c of valid) {
      bytes.set(c, at);
      at += c.length;
    }
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(bytes.length - 1), fc.integer({ min: 0, max: 255 })), { maxLength: 4 }), fc.nat(bytes.length), (flips, cut) => {
        const input = bytes.slice();
        for (const [i, v] of flips) input[i] = v;
        const { engine, events } = recorded('server');
        engine.receive(input.slice(0, cut));
        engine.receive(input.slice(cut));
        expect(events.every((e) => typeof e.type === 'string')).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });

  it('delivers any sequence of messages unchanged between a client and a server', () => {
    const message = fc.oneof(fc.string({ unit: 'grapheme', maxLength: 200 }), fc.uint8Array({ maxLength: 2000 }));
    fc.assert(
      fc.property(fc.array(message, { maxLength: 20 }), fc.option(fc.integer({ min: 1, max: 500 }), { nil: undefined }), (sent, fragmentSize) => {
        const { client, server, pump } = enginePair(fragmentSize === undefined ? {} : { fragmentSize });
        for (const m of sent) client.engine.send(m);
        pump();
        const got = server.events.map((e: EngineEvent) => (e.type === 'text' || e.type === 'binary' ? e.data : e.type));
        expect(got).toEqual(sent);
      }),
      { numRuns: 300 },
    );
  });
});
