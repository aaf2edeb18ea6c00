import { describe, expect, it } from 'vitest';
import { Opcode, WireKitUsageError, type EngineEvent } from '../src/index.js';
import { chunkings } from './support/chunkings.js';
import { closeCodeOf, enginePair, framesWritten, recorded } from './support/engine-pair.js';
import { hex, pattern, sameBytes } from './support/hex.js';
import { violationVectors } from './support/vectors.js';

function messages(events: EngineEvent[]): Array<string | Uint8Array> {
  return events.flatMap((e) => (e.type === 'text' || e.type === 'binary' ? [e.data] : []));
}

function usageCode(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    if (error instanceof WireKitUsageError) return error.code;
    throw error;
  }
  throw new Error('expected a WireKitUsageError');
}

const MiB = 1024 * 1024;

describe('Engine', () => {
  describe('send() and receive()', () => {
    describe.each(['client', 'server'] as const)('from the %s', (from) => {
      const sides = () => {
        const pair = enginePair();
        return from === 'client' ? { ...pair, sender: pair.client, receiver: pair.server } : { ...pair, sender: pair.server, receiver: pair.client };
      };

      it.each(['', 'hello', 'ünïcödé ✓ 😀', '\uFEFFkeeps a leading BOM'])('delivers the text %j', (text) => {
        const { sender, receiver, pump } = sides();
        sender.engine.send(text);
        pump();
        expect(receiver.events).toEqual([{ type: 'text', data: text }]);
      });

      it.each(['', 'hello', 'ünïcödé ✓ 😀'])('sendUtf8Text() delivers the already-encoded text %j as Text', (text) => {
        const { sender, receiver, pump } = sides();
        sender.engine.sendUtf8Text(new TextEncoder().encode(text));
        pump();
        expect(receiver.events).toEqual([{ type: 'text', data: text }]);
      });

      it.each([0, 1, 125, 126, 65535, 65536, 16 * MiB])('delivers a binary message of %i bytes intact', (length) => {
        const { sender, receiver, pump } = sides();
        const payload = pattern(length, 3);
        sender.engine.send(payload);
        pump();
        expect(receiver.events).toHaveLength(1);
        expect(receiver.events[0]!.type).toBe('binary');
        sameBytes(messages(receiver.events)[0] as Uint8Array, pattern(length, 3));
      });

      it('delivers a 16 MiB text message intact', () => {
        const { sender, receiver, pump } = sides();
        const text = 'wirekit ✓ '.repeat((16 * MiB) / 12);
        sender.engine.send(text);
        pump();
        expect(messages(receiver.events)).toEqual([text]);
      });

      it('keeps 1000 messages in order', () => {
        const { sender, receiver, pump } = sides();
        for (let i = 0; i < 1000; i++) sender.engine.send(i % 2 === 0 ? `m${i}` : pattern(i % 300, i));
        pump();
        const got = messages(receiver.events);
        expect(got).toHaveLength(1000);
        got.forEach((m, i) => (i % 2 === 0 ? expect(m).toBe(`m${i}`) : sameBytes(m as Uint8Array, pattern(i % 300, i))));
      });

      it('sends a message in parts and delivers it whole (sendPart)', () => {
        const { sender, receiver, pump } = sides();
        sender.engine.sendPart('Hel', false);
        sender.engine.ping(hex('01'));
        sender.engine.sendPart('lo ✓', false);
        sender.engine.sendPart('', true);
        pump();
        expect(receiver.events).toEqual([
          { type: 'ping', data: hex('01') },
          { type: 'text', data: 'Hello ✓' },
        ]);
        expect(framesWritten(sender.writes, from).map((f) => [f.opcode, f.fin])).toEqual([
          [Opcode.Text, false],
          [Opcode.Ping, true],
          [Opcode.Continuation, false],
          [Opcode.Continuation, true],
        ]);
      });

      it('fragments large messages at fragmentSize', () => {
        const pair = from === 'client' ? enginePair({ fragmentSize: 1000 }) : enginePair({}, { fragmentSize: 1000 });
        const [sender, receiver] = from === 'client' ? [pair.client, pair.server] : [pair.server, pair.client];
        sender.engine.send(pattern(2500));
        pair.pump();
        expect(framesWritten(sender.writes, from).map((f) => [f.opcode, f.fin, f.payload.length])).toEqual([
          [Opcode.Binary, false, 1000],
          [Opcode.Continuation, false, 1000],
          [Opcode.Continuation, true, 500],
        ]);
        sameBytes(messages(receiver.events)[0] as Uint8Array, pattern(2500));
      });
    });

    it('masks every client frame with a fresh key and never masks server frames (§5.1, §5.3)', () => {
      const { client, server, pump } = enginePair();
      client.engine.send('a');
      client.engine.send('a');
      server.engine.send('b');
      pump();
      const [first, second] = client.writes.map((w) => w.bytes);
      expect(first![1]! & 0x80).toBe(0x80);
      expect(first!.subarray(2, 6)).not.toEqual(second!.subarray(2, 6));
      expect(server.writes[0]!.bytes[1]! & 0x80).toBe(0);
    });

    it('uses the injected allocator for payloads that span chunks and for masked frames', () => {
      const sizes: number[] = [];
      const allocate = (n: number): Uint8Array => (sizes.push(n), new Uint8Array(n));
      const { client, server, pump } = enginePair({ allocate }, { allocate });
      client.engine.send(pattern(10_000));
      const frame = client.writes[0]!.bytes;
      server.engine.receive(frame.slice(0, 5000));
      server.engine.receive(frame.slice(5000));
      pump();
      sameBytes(messages(server.events)[0] as Uint8Array, pattern(10_000));
      expect(sizes).toEqual(expect.arrayContaining([10_000]));
      expect(sizes.length).toBeGreaterThanOrEqual(2);
    });

    it('passes each send call’s tag with its bytes', () => {
      const { client } = enginePair();
      client.engine.send('x', 'first');
      client.engine.ping(undefined, 'ping');
      expect(client.writes.map((w) => w.tag)).toEqual(['first', 'ping']);
    });
  });

  describe('misuse', () => {
    it('needs randomness for a client (§5.3)', () => {
      expect(usageCode(() => recorded('client', { random: undefined as never }))).toBe('WK_ERR_INVALID_ARGUMENT');
    });

    it.each([0, -1, Number.NaN])('refuses maxMessageSize %s', (size) => {
      expect(usageCode(() => recorded('server', { maxMessageSize: size }))).toBe('WK_ERR_INVALID_ARGUMENT');
    });

    it('refuses a message that is neither string nor bytes', () => {
      expect(usageCode(() => recorded('server').engine.send(42 as never))).toBe('WK_ERR_INVALID_ARGUMENT');
    });

    it('refuses a control payload over 125 bytes (§5.5)', () => {
      const { engine } = recorded('client');
      expect(usageCode(() => engine.ping(new Uint8Array(126)))).toBe('WK_ERR_CONTROL_PAYLOAD_TOO_LONG');
      expect(usageCode(() => engine.pong(new Uint8Array(126)))).toBe('WK_ERR_CONTROL_PAYLOAD_TOO_LONG');
      engine.ping(new Uint8Array(125));
    });

    it('refuses a whole message while a fragmented one is open, and a part of another type', () => {
      const { engine } = recorded('server');
      engine.sendPart('a', false);
      expect(usageCode(() => engine.send('b'))).toBe('WK_ERR_FRAGMENT_ORDER');
      expect(usageCode(() => engine.sendUtf8Text(new TextEncoder().encode('b')))).toBe('WK_ERR_FRAGMENT_ORDER');
      expect(usageCode(() => engine.sendPart(hex('00'), true))).toBe('WK_ERR_FRAGMENT_ORDER');
      engine.sendPart('c', true);
      engine.send('d');
    });

    it('refuses to send after close() with WK_ERR_NOT_OPEN (§5.5.1)', () => {
      const { engine } = recorded('client');
      engine.close(1000);
      expect(engine.state).toBe('closing');
      expect(usageCode(() => engine.send('late'))).toBe('WK_ERR_NOT_OPEN');
      expect(usageCode(() => engine.ping())).toBe('WK_ERR_NOT_OPEN');
      expect(usageCode(() => engine.sendPart('late', true))).toBe('WK_ERR_NOT_OPEN');
    });
  });

  describe('ping and pong', () => {
    it('answers a ping with a pong carrying the same data (§5.5.2)', () => {
      const { client, server, pump } = enginePair();
      client.engine.ping(hex('de ad be ef'));
      pump();
      expect(server.events).toEqual([{ type: 'ping', data: hex('de ad be ef') }]);
      expect(client.events).toEqual([{ type: 'pong', data: hex('de ad be ef') }]);
    });

    it('leaves the answer to the app when autoPong is off (autoReplyPing = false)', () => {
      const { client, server, pump } = enginePair({}, { autoPong: false });
      client.engine.ping(hex('01'));
      pump();
      expect(client.events).toEqual([]);
      server.engine.pong(hex('01'));
      pump();
      expect(client.events).toEqual([{ type: 'pong', data: hex('01') }]);
    });
  });

  describe('close()', () => {
    const validCodes = [1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 1012, 1013, 1014, 3000, 3999, 4000, 4999];

    describe.each(['client', 'server'] as const)('started by the %s', (side) => {
      it.each(validCodes)('completes the closing handshake with code %i', (code) => {
        const pair = enginePair();
        const [closer, peer] = side === 'client' ? [pair.client, pair.server] : [pair.server, pair.client];
        closer.engine.close(code, 'bye ✓');
        expect(closer.engine.state).toBe('closing');
        pair.pump();
        expect(peer.events).toEqual([{ type: 'close', code, reason: 'bye ✓', wasClean: true, initiator: 'remote' }]);
        expect(closer.events).toEqual([{ type: 'close', code, reason: '', wasClean: true, initiator: 'local' }]);
        expect(closer.engine.state).toBe('closed');
        expect(peer.engine.state).toBe('closed');
        expect(framesWritten(peer.writes, side === 'client' ? 'server' : 'client').map(closeCodeOf)).toEqual([code]);
      });
    });

    it('reports 1005 for a Close frame with no code and echoes an empty one (§7.1.5)', () => {
      const { client, server, pump } = enginePair();
      client.engine.close();
      pump();
      expect(server.events).toEqual([{ type: 'close', code: 1005, reason: '', wasClean: true, initiator: 'remote' }]);
      expect(framesWritten(server.writes, 'server')[0]!.payload.length).toBe(0);
    });

    it.each([1004, 1005, 1006, 1015, 999, 1016, 2999, 5000, 1000.5])('refuses to send close code %s (§7.4)', (code) => {
      expect(usageCode(() => recorded('client').engine.close(code))).toBe('WK_ERR_INVALID_CLOSE_CODE');
    });

    it('accepts a 123-byte reason and refuses 124 bytes (§5.5)', () => {
      recorded('client').engine.close(1000, 'é'.repeat(61) + 'x');
      expect(usageCode(() => recorded('client').engine.close(1000, 'é'.repeat(62)))).toBe('WK_ERR_CLOSE_REASON_TOO_LONG');
    });

    it('refuses a reason without a code', () => {
      expect(usageCode(() => recorded('client').engine.close(undefined, 'why'))).toBe('WK_ERR_INVALID_ARGUMENT');
    });

    it('is idempotent once closing', () => {
      const { engine, writes } = recorded('server');
      engine.close(1000);
      engine.close(1001);
      expect(framesWritten(writes, 'server').map(closeCodeOf)).toEqual([1000]);
    });

    it('still delivers data the peer sent before it saw our Close (§7.1.2)', () => {
      const { client, server, pump } = enginePair();
      client.engine.close(1000);
      server.engine.send('in flight');
      pump();
      expect(messages(client.events)).toEqual(['in flight']);
      expect(client.events.at(-1)).toMatchObject({ type: 'close', code: 1000, wasClean: true });
    });

    it('does not answer pings once its Close is sent', () => {
      const { client, server, pump } = enginePair();
      server.engine.close(1000);
      const before = server.writes.length;
      client.engine.receive(hex('89 00'));
      expect(server.writes.length).toBe(before);
      pump();
    });

    it('reports 1006 when the transport ends before the closing handshake (§7.1.5)', () => {
      const { engine, events } = recorded('client');
      engine.transportClosed();
      expect(events).toEqual([{ type: 'close', code: 1006, reason: '', wasClean: false, initiator: 'failure' }]);
      engine.transportClosed();
      expect(events).toHaveLength(1);
    });

    it('drops a partial message when the peer closes in the middle of it', () => {
      const { engine, events } = recorded('client');
      engine.receive(hex('01 01 61 88 02 03 e8'));
      expect(events).toEqual([{ type: 'close', code: 1000, reason: '', wasClean: true, initiator: 'remote' }]);
    });

    it('ignores bytes after the WebSocket closed', () => {
      const { engine, events } = recorded('client');
      engine.receive(hex('88 00'));
      engine.receive(hex('81 01 61'));
      expect(events).toHaveLength(1);
    });
  });

  describe('protocol violations', () => {
    describe.each(violationVectors)('$name', (vector) => {
      it.each(chunkings(vector.bytes).slice(0, 2))(`fails with ${vector.code} and Close ${vector.closeCode}, fed $label`, ({ chunks }) => {
        const { engine, events, writes } = recorded(vector.receiver);
        for (const chunk of chunks) engine.receive(chunk);
        expect(events[0]).toMatchObject({ type: 'protocol-error', error: { code: vector.code, closeCode: vector.closeCode } });
        expect(events.at(-1)).toEqual({ type: 'close', code: vector.closeCode, reason: '', wasClean: false, initiator: 'failure' });
        expect(events.filter((e) => e.type === 'protocol-error')).toHaveLength(1);
        const sent = framesWritten(writes, vector.receiver).filter((f) => f.opcode === Opcode.Close);
        expect(sent.map(closeCodeOf)).toEqual([vector.closeCode]);
        expect(engine.state).toBe('closed');
      });
    });

    it('fails with WK_ERR_MESSAGE_TOO_LARGE (1009) when fragments add up past maxMessageSize', () => {
      const { engine, events } = recorded('client', { maxMessageSize: 4 });
      engine.receive(hex('02 03 01 02 03'));
      expect(events).toEqual([]);
      engine.receive(hex('80 02 04 05'));
      expect(events[0]).toMatchObject({ type: 'protocol-error', error: { code: 'WK_ERR_MESSAGE_TOO_LARGE', closeCode: 1009 } });
    });

    it('fails with WK_ERR_FRAME_TOO_LARGE (1009) over maxFrameSize', () => {
      const { engine, events } = recorded('client', { maxFrameSize: 2 });
      engine.receive(hex('82 03 01 02 03'));
      expect(events[0]).toMatchObject({ type: 'protocol-error', error: { code: 'WK_ERR_FRAME_TOO_LARGE', closeCode: 1009 } });
    });

    // A single frame over the message limit is a message that is too large: users set
    // maxMessageSize and expect its code. WK_ERR_FRAME_TOO_LARGE is kept for an explicit maxFrameSize.
    it.each([
      { name: 'a single frame over maxMessageSize', limits: { maxMessageSize: 4 }, bytes: '82 05 01 02 03 04 05', code: 'WK_ERR_MESSAGE_TOO_LARGE' },
      { name: 'a 16-bit length over maxMessageSize', limits: { maxMessageSize: 200 }, bytes: '82 7e 00 c9', code: 'WK_ERR_MESSAGE_TOO_LARGE' },
      { name: 'a 64-bit length over maxMessageSize', limits: { maxMessageSize: 70_000 }, bytes: '82 7f 00 00 00 00 00 01 11 71', code: 'WK_ERR_MESSAGE_TOO_LARGE' },
      { name: 'a 64-bit length beyond 2^53', limits: {}, bytes: '82 7f 00 ff ff ff ff ff ff ff', code: 'WK_ERR_MESSAGE_TOO_LARGE' },
      { name: 'the first fragment over maxMessageSize', limits: { maxMessageSize: 4 }, bytes: '01 05 61 62 63 64 65', code: 'WK_ERR_MESSAGE_TOO_LARGE' },
      { name: 'a frame over maxMessageSize within a larger maxFrameSize', limits: { maxMessageSize: 4, maxFrameSize: 100 }, bytes: '82 05 01 02 03 04 05', code: 'WK_ERR_MESSAGE_TOO_LARGE' },
      { name: 'a frame over an explicit maxFrameSize within maxMessageSize', limits: { maxMessageSize: 100, maxFrameSize: 4 }, bytes: '82 05 01 02 03 04 05', code: 'WK_ERR_FRAME_TOO_LARGE' },
      { name: 'a frame over both, with an explicit maxFrameSize', limits: { maxMessageSize: 3, maxFrameSize: 4 }, bytes: '82 05 01 02 03 04 05', code: 'WK_ERR_FRAME_TOO_LARGE' },
      { name: 'a 64-bit length beyond 2^53 with no limit at all', limits: { maxMessageSize: Number.POSITIVE_INFINITY }, bytes: '82 7f 00 ff ff ff ff ff ff ff', code: 'WK_ERR_FRAME_TOO_LARGE' },
    ])('fails $name with $code and Close 1009, from the header alone', ({ limits, bytes, code }) => {
      const { engine, events, writes } = recorded('client', limits);
      engine.receive(hex(bytes));
      expect(events[0]).toMatchObject({ type: 'protocol-error', error: { code, closeCode: 1009 } });
      expect(events.at(-1)).toEqual({ type: 'close', code: 1009, reason: '', wasClean: false, initiator: 'failure' });
      expect(framesWritten(writes, 'client').map(closeCodeOf)).toEqual([1009]);
    });

    it('accepts a single frame of exactly maxMessageSize', () => {
      const { engine, events } = recorded('client', { maxMessageSize: 4 });
      engine.receive(hex('82 04 01 02 03 04'));
      expect(events).toEqual([{ type: 'binary', data: hex('01 02 03 04') }]);
    });

    it('does not echo a Close after failing, when its own Close was already sent', () => {
      const { engine, writes } = recorded('server');
      engine.close(1000);
      engine.receive(hex('83 80 00 00 00 00'));
      expect(framesWritten(writes, 'server').map(closeCodeOf)).toEqual([1000]);
    });
  });
});
