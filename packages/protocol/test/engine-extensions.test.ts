import { describe, expect, it } from 'vitest';
import { Opcode, ProtocolError, type Extension, type RsvBits } from '../src/index.js';
import { enginePair, framesWritten, recorded } from './support/engine-pair.js';
import { hex } from './support/hex.js';

const RSV1: RsvBits = { rsv1: true, rsv2: false, rsv3: false };

/** A toy extension claiming RSV1: reverses the payload, optionally after a macrotask. */
function reverser(options: { async?: boolean; failOn?: string } = {}): Extension & { disposed: number } {
  const later = <T>(value: () => T): T | Promise<T> => (options.async ? new Promise((resolve, reject) => setTimeout(() => { try { resolve(value()); } catch (e) { reject(e); } }, 1)) : value());
  const ext = {
    name: 'x-reverse',
    rsv: RSV1,
    disposed: 0,
    decode(payload: Uint8Array) {
      return later(() => {
        if (options.failOn !== undefined && new TextDecoder().decode(payload.slice().reverse()) === options.failOn) throw new Error('corrupt');
        return payload.slice().reverse();
      });
    },
    encode(payload: Uint8Array) {
      return later(() => ({ payload: payload.slice().reverse(), rsv: RSV1 }));
    },
    dispose() {
      ext.disposed++;
    },
  };
  return ext;
}

async function settle(pump: () => void): Promise<void> {
  for (let i = 0; i < 20; i++) {
    pump();
    await new Promise((resolve) => setTimeout(resolve, 3));
  }
}

describe('Engine with extensions', () => {
  it.each([false, true])('transforms messages both ways and sets RSV1 on the first frame only (async: %s)', async (isAsync) => {
    const { client, server, pump } = enginePair({ extensions: [reverser({ async: isAsync })], fragmentSize: 2 }, { extensions: [reverser({ async: isAsync })] });
    client.engine.send('abcde');
    client.engine.send(hex('01 02 03'));
    await settle(pump);
    expect(server.events).toEqual([
      { type: 'text', data: 'abcde' },
      { type: 'binary', data: hex('01 02 03') },
    ]);
    const frames = framesWritten(client.writes, 'client');
    expect(frames.map((f) => [f.opcode, f.rsv1])).toEqual([
      [Opcode.Text, true],
      [Opcode.Continuation, false],
      [Opcode.Continuation, false],
      [Opcode.Binary, true],
      [Opcode.Continuation, false],
    ]);
  });

  it('keeps event order when a slow decode is followed by a ping and a close', async () => {
    const { client, server, pump } = enginePair({ extensions: [reverser()] }, { extensions: [reverser({ async: true })] });
    client.engine.send('first');
    client.engine.ping(hex('09'));
    client.engine.close(1000);
    await settle(pump);
    expect(server.events.map((e) => e.type)).toEqual(['text', 'ping', 'close']);
  });

  it('writes a close after messages still being encoded', async () => {
    const { client, server, pump } = enginePair({ extensions: [reverser({ async: true })] }, { extensions: [reverser()] });
    client.engine.send('one');
    client.engine.send('two');
    client.engine.close(1000);
    await settle(pump);
    expect(server.events.map((e) => (e.type === 'text' ? e.data : e.type))).toEqual(['one', 'two', 'close']);
  });

  it('fails with WK_ERR_EXTENSION_FAILED (1011) when a decode throws', async () => {
    const { client, server, pump } = enginePair({ extensions: [reverser()] }, { extensions: [reverser({ async: true, failOn: 'bad' })] });
    client.engine.send('bad');
    client.engine.send('after');
    await settle(pump);
    expect(server.events[0]).toMatchObject({ type: 'protocol-error', error: { code: 'WK_ERR_EXTENSION_FAILED', closeCode: 1011 } });
    expect(server.events.slice(1)).toEqual([{ type: 'close', code: 1011, reason: '', wasClean: false, initiator: 'failure' }]);
  });

  it('uses the code of a ProtocolError thrown by the extension', () => {
    const ext: Extension = {
      name: 'x-bomb',
      rsv: RSV1,
      decode: () => {
        throw new ProtocolError('WK_ERR_MESSAGE_TOO_LARGE', 'inflated past the limit');
      },
      encode: (payload) => ({ payload, rsv: RSV1 }),
    };
    const { engine, events } = recorded('client', { extensions: [ext] });
    engine.receive(hex('c2 01 00'));
    expect(events[0]).toMatchObject({ type: 'protocol-error', error: { code: 'WK_ERR_MESSAGE_TOO_LARGE', closeCode: 1009 } });
  });

  it('closes with 1007 when a decoder reports corrupt compressed data (WK_ERR_INFLATE_FAILED, as permessage-deflate does)', async () => {
    const ext: Extension = {
      name: 'x-inflate',
      rsv: RSV1,
      decode: () => Promise.reject(new ProtocolError('WK_ERR_INFLATE_FAILED', 'not deflate data')),
      encode: (payload) => ({ payload, rsv: RSV1 }),
    };
    const { engine, events } = recorded('client', { extensions: [ext] });
    engine.receive(hex('c2 01 00'));
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(events[0]).toMatchObject({ type: 'protocol-error', error: { code: 'WK_ERR_INFLATE_FAILED', closeCode: 1007 } });
    expect(events[1]).toEqual({ type: 'close', code: 1007, reason: '', wasClean: false, initiator: 'failure' });
  });

  it('checks UTF-8 after the extension decodes a text message (§8.1)', () => {
    const { engine, events } = recorded('client', { extensions: [reverser()] });
    engine.receive(hex('c1 02 28 c3'));
    expect(events[0]).toMatchObject({ type: 'protocol-error', error: { code: 'WK_ERR_INVALID_UTF8', closeCode: 1007 } });
  });

  it('refuses RSV1 on a continuation frame (RFC 7692 §6)', () => {
    const { engine, events } = recorded('client', { extensions: [reverser()] });
    engine.receive(hex('41 01 61 c0 01 62'));
    expect(events[0]).toMatchObject({ type: 'protocol-error', error: { code: 'WK_ERR_RESERVED_BITS' } });
  });

  it('refuses RSV2 when the extension claims only RSV1', () => {
    const { engine, events } = recorded('client', { extensions: [reverser()] });
    engine.receive(hex('a1 01 61'));
    expect(events[0]).toMatchObject({ type: 'protocol-error', error: { code: 'WK_ERR_RESERVED_BITS' } });
  });

  it('delivers a message without RSV1 untouched', () => {
    const { engine, events } = recorded('client', { extensions: [reverser()] });
    engine.receive(hex('81 02 61 62'));
    expect(events).toEqual([{ type: 'text', data: 'ab' }]);
  });

  it('writes nothing after its Close frame when the connection fails during an encode (§5.5.1)', async () => {
    const { engine, events, writes } = recorded('client', { extensions: [reverser({ async: true })] });
    engine.send('still encoding');
    engine.send('queued behind it');
    engine.receive(hex('83 00'));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(events.map((e) => e.type)).toEqual(['protocol-error', 'close']);
    expect(framesWritten(writes, 'client').map((f) => f.opcode)).toEqual([Opcode.Close]);
  });

  it('never calls an extension after disposing of it: messages still queued when the peer closes are dropped', async () => {
    const calls: string[] = [];
    const ext = reverser({ async: true });
    const spy: Extension = {
      name: ext.name,
      rsv: ext.rsv,
      decode: (...args) => ext.decode(...args),
      encode: (payload, opcode) => {
        calls.push(ext.disposed > 0 ? 'encode after dispose' : 'encode');
        return ext.encode(payload, opcode);
      },
      dispose: () => {
        calls.push('dispose');
        ext.dispose?.();
      },
    };
    const { engine, events, writes } = recorded('server', { extensions: [spy] });
    engine.send('encoding when the Close arrives');
    engine.send('queued behind it');
    engine.receive(hex('88 82 00 00 00 00 03 e8'));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(calls).toEqual(['encode', 'dispose']);
    expect(events).toEqual([{ type: 'close', code: 1000, reason: '', wasClean: true, initiator: 'remote' }]);
    // Only the echoed Close: the WebSocket closed before the messages were framed.
    expect(framesWritten(writes, 'server').map((f) => f.opcode)).toEqual([Opcode.Close]);
  });

  it('disposes extensions when the connection ends', () => {
    const ext = reverser();
    const { engine } = recorded('client', { extensions: [ext] });
    engine.transportClosed();
    expect(ext.disposed).toBe(1);
  });
});
