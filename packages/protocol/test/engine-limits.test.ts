import { describe, expect, it } from 'vitest';
import { encodeFrame, MessageAssembler, Opcode, ProtocolError, type EngineEvent, type Extension, type Frame } from '../src/index.js';
import { closeCodeOf, framesWritten, random, recorded } from './support/engine-pair.js';
import { join } from './support/hex.js';

const NO_RSV = { rsv1: false, rsv2: false, rsv3: false };

/** Frames as a client sends them (masked), joined into one chunk. */
function clientBytes(frames: Array<{ opcode: number; payload: Uint8Array; fin: boolean; rsv1?: boolean }>): Uint8Array {
  return join(...frames.flatMap((f) => encodeFrame({ opcode: f.opcode, payload: f.payload, fin: f.fin, rsv: { ...NO_RSV, rsv1: f.rsv1 ?? false }, mask: random(4) })));
}

function frame(opcode: number, payload: Uint8Array, fin: boolean): Frame {
  return { opcode, payload, fin, ...NO_RSV };
}

function errorOf(events: EngineEvent[]): ProtocolError | undefined {
  return events.find((e): e is EngineEvent & { type: 'protocol-error' } => e.type === 'protocol-error')?.error;
}

describe('Engine limits on what a peer sends', () => {
  describe('fragments', () => {
    it('fails a message of more than 65,536 fragments by default with 1008 (WK_ERR_TOO_MANY_FRAGMENTS); Autobahn 9.3.1/9.4.1\'s 65,536 pass', () => {
      const { engine, events, writes } = recorded('server');
      const empty = new Uint8Array(0);
      engine.receive(clientBytes([{ opcode: Opcode.Binary, payload: empty, fin: false }]));
      const continuation = clientBytes([{ opcode: Opcode.Continuation, payload: empty, fin: false }]);
      for (let i = 0; i < 65_535; i++) engine.receive(continuation.slice());
      expect(errorOf(events)).toBeUndefined();
      engine.receive(continuation.slice());
      expect(errorOf(events)).toMatchObject({ code: 'WK_ERR_TOO_MANY_FRAGMENTS', closeCode: 1008 });
      const sent = framesWritten(writes, 'server');
      expect(closeCodeOf(sent.at(-1)!)).toBe(1008);
      expect(events.at(-1)).toMatchObject({ type: 'close', code: 1008, initiator: 'failure' });
    });

    it('takes its limit from maxFragments', () => {
      const { engine, events } = recorded('server', { maxFragments: 3 });
      const a = new Uint8Array([0x61]);
      engine.receive(clientBytes([{ opcode: Opcode.Text, payload: a, fin: false }, { opcode: Opcode.Continuation, payload: a, fin: false }, { opcode: Opcode.Continuation, payload: a, fin: true }]));
      expect(events[0]).toEqual({ type: 'text', data: 'aaa' });
      engine.receive(clientBytes([{ opcode: Opcode.Text, payload: a, fin: false }, { opcode: Opcode.Continuation, payload: a, fin: false }, { opcode: Opcode.Continuation, payload: a, fin: false }, { opcode: Opcode.Continuation, payload: a, fin: true }]));
      expect(errorOf(events)).toMatchObject({ code: 'WK_ERR_TOO_MANY_FRAGMENTS' });
    });

    it('refuses a maxFragments that is not positive', () => {
      expect(() => recorded('server', { maxFragments: 0 })).toThrow(expect.objectContaining({ code: 'WK_ERR_INVALID_ARGUMENT' }));
    });

    it('joins 1-byte fragments into one buffer, binary and text, split code points included', () => {
      const bytes = new TextEncoder().encode('h€llo wörld');
      const binary = new MessageAssembler();
      const text = new MessageAssembler();
      for (let i = 0; i < bytes.length; i++) {
        const last = i === bytes.length - 1;
        const b = binary.add(frame(i === 0 ? Opcode.Binary : Opcode.Continuation, bytes.subarray(i, i + 1), last));
        const t = text.add(frame(i === 0 ? Opcode.Text : Opcode.Continuation, bytes.subarray(i, i + 1), last));
        if (!last) {
          expect(b).toBeNull();
          expect(t).toBeNull();
        } else {
          expect(b).toMatchObject({ kind: 'binary' });
          expect(Array.from((b as { payload: Uint8Array }).payload)).toEqual(Array.from(bytes));
          expect(t).toMatchObject({ kind: 'text', text: 'h€llo wörld' });
        }
      }
    });

    it('counts empty continuation frames against maxFragments, not as bytes held (they hold none)', () => {
      const assembler = new MessageAssembler({ maxFragments: 100_000 });
      expect(assembler.add(frame(Opcode.Binary, new Uint8Array(0), false))).toBeNull();
      for (let i = 0; i < 99_998; i++) assembler.add(frame(Opcode.Continuation, new Uint8Array(0), false));
      expect(assembler.size).toBe(0);
      expect(assembler.add(frame(Opcode.Continuation, Uint8Array.of(7), true))).toMatchObject({ kind: 'binary', payload: Uint8Array.of(7) });
    });

    it('never grows the join buffer past maxMessageSize', () => {
      const allocations: number[] = [];
      const assembler = new MessageAssembler({ maxMessageSize: 5000, allocate: (n) => (allocations.push(n), new Uint8Array(n)) });
      assembler.add(frame(Opcode.Binary, new Uint8Array(4097), false));
      assembler.add(frame(Opcode.Continuation, new Uint8Array(800), true));
      expect(Math.max(...allocations)).toBeLessThanOrEqual(5000);
    });
  });

  describe('automatic pongs', () => {
    it('answers every ping of one chunk, in order (RFC 6455 §5.5.2: no coalescing, so a ping() of ours is never left without its pong)', () => {
      const { engine, events, writes } = recorded('server');
      const pings = Array.from({ length: 100 }, (_, i) => ({ opcode: Opcode.Ping, payload: Uint8Array.of(i), fin: true }));
      engine.receive(clientBytes(pings));
      expect(events.filter((e) => e.type === 'ping')).toHaveLength(100);
      const pongs = framesWritten(writes, 'server').filter((f) => f.opcode === Opcode.Pong);
      expect(pongs.map((p) => p.payload[0])).toEqual(Array.from({ length: 100 }, (_, i) => i));
    });

    it('answers a chunk full of empty pings with as many pongs, so a peer that never reads fills its buffers (and the output stall rule ends it)', () => {
      const { engine, writes } = recorded('server');
      const empty = new Uint8Array(0);
      // 64 KiB of 6-byte masked empty pings, as one read delivers them.
      engine.receive(clientBytes(Array.from({ length: 10_922 }, () => ({ opcode: Opcode.Ping, payload: empty, fin: true }))));
      const pongs = framesWritten(writes, 'server').filter((f) => f.opcode === Opcode.Pong);
      expect(pongs).toHaveLength(10_922);
    });

    it('answers every ping of separate chunks', () => {
      const { engine, writes } = recorded('server');
      for (let i = 0; i < 40; i++) engine.receive(clientBytes([{ opcode: Opcode.Ping, payload: Uint8Array.of(i), fin: true }]));
      expect(framesWritten(writes, 'server').filter((f) => f.opcode === Opcode.Pong)).toHaveLength(40);
    });

    it('answers every ping before echoing a Close that follows them in the same chunk', () => {
      const { engine, writes } = recorded('server');
      const pings = Array.from({ length: 20 }, (_, i) => ({ opcode: Opcode.Ping, payload: Uint8Array.of(i), fin: true }));
      engine.receive(clientBytes([...pings, { opcode: Opcode.Close, payload: Uint8Array.of(0x03, 0xe8), fin: true }]));
      const sent = framesWritten(writes, 'server');
      expect(sent.map((f) => f.opcode)).toEqual([...Array.from({ length: 20 }, () => Opcode.Pong), Opcode.Close]);
      expect(sent.slice(0, 20).map((f) => f.payload[0])).toEqual(Array.from({ length: 20 }, (_, i) => i));
    });
  });

  describe('abort()', () => {
    it('fails the connection with the error of a limit enforced above the engine (WK_ERR_OUTPUT_BACKLOG, 1008)', () => {
      const { engine, events, writes } = recorded('server');
      engine.abort(new ProtocolError('WK_ERR_OUTPUT_BACKLOG', 'the peer does not read'));
      expect(errorOf(events)).toMatchObject({ code: 'WK_ERR_OUTPUT_BACKLOG', closeCode: 1008 });
      expect(closeCodeOf(framesWritten(writes, 'server').at(-1)!)).toBe(1008);
      expect(engine.state).toBe('closed');
    });
  });

  describe('asynchronous decodes', () => {
    /** An extension whose decodes finish when the test says so. */
    function manualExtension() {
      const started: Array<{ payload: Uint8Array; finish: () => void }> = [];
      let disposed = false;
      const extension: Extension = {
        name: 'x-manual',
        rsv: { rsv1: true, rsv2: false, rsv3: false },
        decode: (payload) => new Promise<Uint8Array>((resolve) => started.push({ payload, finish: () => resolve(payload) })),
        encode: (payload) => ({ payload, rsv: NO_RSV }),
        dispose: () => void (disposed = true),
      };
      return { extension, started, disposed: () => disposed };
    }
    const flush = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));

    it('decodes one message at a time, counts the bytes waiting in decodeBacklog, and starts none while held', async () => {
      const manual = manualExtension();
      const { engine, events } = recorded('server', { extensions: [manual.extension] });
      const message = (n: number) => ({ opcode: Opcode.Binary, payload: new Uint8Array(n), fin: true, rsv1: true });
      engine.receive(clientBytes([message(10), message(20), { opcode: Opcode.Ping, payload: Uint8Array.of(1), fin: true }, message(30)]));
      expect(manual.started).toHaveLength(1);
      expect(engine.decodeBacklog).toBe(60);
      engine.holdDecoding(true);
      manual.started[0]!.finish();
      await flush();
      expect(events.map((e) => e.type)).toEqual(['binary']);
      expect(manual.started).toHaveLength(1);
      expect(engine.decodeBacklog).toBe(50);
      engine.holdDecoding(false);
      manual.started[1]!.finish();
      await flush();
      manual.started[2]!.finish();
      await flush();
      expect(events.map((e) => (e.type === 'binary' ? e.data.length : e.type))).toEqual([10, 20, 'ping', 30]);
      expect(engine.decodeBacklog).toBe(0);
    });

    it('drops the decodes still queued when the transport ends: nothing is delivered after close, the extension is disposed at once', async () => {
      const manual = manualExtension();
      const { engine, events } = recorded('server', { extensions: [manual.extension] });
      const message = { opcode: Opcode.Binary, payload: new Uint8Array(8), fin: true, rsv1: true };
      engine.receive(clientBytes([message, message, message]));
      engine.transportClosed();
      expect(manual.disposed()).toBe(true);
      expect(events.map((e) => e.type)).toEqual(['close']);
      manual.started[0]!.finish();
      await flush();
      expect(manual.started).toHaveLength(1);
      expect(events.map((e) => e.type)).toEqual(['close']);
      expect(engine.decodeBacklog).toBe(0);
    });

    it('reports a protocol error that follows a message still decoding at once, before its close, and drops that message', async () => {
      const manual = manualExtension();
      const { engine, events } = recorded('server', { extensions: [manual.extension] });
      engine.receive(clientBytes([{ opcode: Opcode.Binary, payload: new Uint8Array(8), fin: true, rsv1: true }, { opcode: Opcode.Ping, payload: Uint8Array.of(1), fin: true }]));
      // A continuation with no message in progress: 1002.
      engine.receive(clientBytes([{ opcode: Opcode.Continuation, payload: new Uint8Array(1), fin: true }]));
      expect(events.map((e) => e.type)).toEqual(['ping', 'protocol-error', 'close']);
      expect(errorOf(events)).toMatchObject({ code: 'WK_ERR_UNEXPECTED_CONTINUATION' });
      expect(manual.disposed()).toBe(true);
      manual.started[0]!.finish();
      await flush();
      expect(events.map((e) => e.type)).toEqual(['ping', 'protocol-error', 'close']);
    });

    it('delivers the messages before a clean Close, then the close, and disposes of the extension after the last', async () => {
      const manual = manualExtension();
      const { engine, events } = recorded('server', { extensions: [manual.extension] });
      const message = { opcode: Opcode.Binary, payload: new Uint8Array(8), fin: true, rsv1: true };
      engine.receive(clientBytes([message, message, { opcode: Opcode.Close, payload: Uint8Array.of(0x03, 0xe8), fin: true }]));
      expect(manual.disposed()).toBe(false);
      manual.started[0]!.finish();
      await flush();
      manual.started[1]!.finish();
      await flush();
      expect(events.map((e) => e.type)).toEqual(['binary', 'binary', 'close']);
      expect(manual.disposed()).toBe(true);
    });
  });
});
