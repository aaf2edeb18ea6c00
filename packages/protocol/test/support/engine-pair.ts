import { randomFillSync } from 'node:crypto';
import { Engine, FrameDecoder, ProtocolError, type EngineEvent, type EngineOptions, type Frame } from '../../src/index.js';

/** Cryptographic randomness for masking keys, as a transport injects it. */
export function random(length: number): Uint8Array {
  return randomFillSync(new Uint8Array(length));
}

/** One engine with everything it emits and writes recorded. */
export interface Recorded {
  readonly engine: Engine<string>;
  readonly events: EngineEvent[];
  /** Bytes written, each with the tag of the call it belongs to. */
  readonly writes: Array<{ bytes: Uint8Array; tag: string | undefined }>;
}

type Overrides = Partial<Omit<EngineOptions<string>, 'role' | 'onEvent' | 'onWrite'>>;

export function recorded(role: 'client' | 'server', overrides: Overrides = {}): Recorded {
  const events: EngineEvent[] = [];
  const writes: Recorded['writes'] = [];
  const engine = new Engine<string>({
    role,
    random,
    ...overrides,
    onEvent: (event) => events.push(event),
    onWrite: (chunks, tag) => {
      for (const bytes of chunks) writes.push({ bytes, tag });
    },
  });
  return { engine, events, writes };
}

/**
 * A client and a server engine joined in memory. Nothing moves until `pump()`, which carries
 * written bytes across (as copies, as a socket would) until both sides are quiet.
 */
export function enginePair(client: Overrides = {}, server: Overrides = {}) {
  const a = recorded('client', client);
  const b = recorded('server', server);
  let sentA = 0;
  let sentB = 0;
  const pump = (): void => {
    for (let rounds = 0; rounds < 10_000; rounds++) {
      let moved = false;
      while (sentA < a.writes.length) {
        b.engine.receive(a.writes[sentA++]!.bytes.slice());
        moved = true;
      }
      while (sentB < b.writes.length) {
        a.engine.receive(b.writes[sentB++]!.bytes.slice());
        moved = true;
      }
      if (!moved) return;
    }
    throw new Error('pump did not settle');
  };
  return { client: a, server: b, pump };
}

/** Decodes what an engine wrote, to inspect the frames it sent. */
export function framesWritten(writes: Recorded['writes'], sender: 'client' | 'server'): Frame[] {
  const allowedRsv = { rsv1: true, rsv2: true, rsv3: true };
  const decoder = new FrameDecoder({ role: sender === 'client' ? 'server' : 'client', maxFrameSize: Number.POSITIVE_INFINITY, allowedRsv });
  const frames: Frame[] = [];
  for (const { bytes } of writes) {
    decoder.push(bytes.slice());
    for (let item = decoder.next(); item !== null; item = decoder.next()) {
      if (item instanceof ProtocolError) throw item;
      frames.push(item);
    }
  }
  return frames;
}

/** The close code carried by a Close frame payload. */
export function closeCodeOf(frame: Frame): number | null {
  return frame.payload.length >= 2 ? (frame.payload[0]! << 8) | frame.payload[1]! : null;
}
