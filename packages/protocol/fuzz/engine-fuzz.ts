/**
 * Fuzz generators and oracles for the engine: streams of frame-like bytes (well-formed frames
 * with every field drawn at random, mutated frames and plain garbage) cut into random chunks and
 * interleaved with the caller's own sends and closes. Shared by the CI fuzz test (few runs) and
 * fuzz/long-run.ts (as many as time allows).
 *
 * The oracle is what "peer bytes never throw" promises, made checkable: receive() never throws,
 * a send only throws a WireKitUsageError with a documented code, the events form one well-ordered
 * life (one close, a protocol-error only before its close, the close code the one written), and
 * every byte written decodes as valid frames for the role (masked iff client, control frames
 * whole and short, one Close frame and nothing after it).
 */
import fc from 'fast-check';
import { decodeClosePayload, Engine, FrameDecoder, isValidWireCloseCode, Opcode, ProtocolError, WireKitUsageError, type EngineEvent, type EngineState, type Extension, type Frame, type Role } from '../src/index.js';

/** One step of a fuzz run: bytes from the peer, or a call by the local application. */
export type Action =
  | { readonly kind: 'receive'; readonly bytes: Uint8Array }
  | { readonly kind: 'send'; readonly data: string | Uint8Array }
  | { readonly kind: 'part'; readonly data: string | Uint8Array; readonly isComplete: boolean }
  | { readonly kind: 'ping' }
  | { readonly kind: 'close'; readonly code: number | undefined }
  | { readonly kind: 'transport-closed' };

const u8 = (bytes: readonly number[]): Uint8Array => Uint8Array.from(bytes);
const encoder = new TextEncoder();

/** Payloads that matter: text (sometimes broken UTF-8), close payloads with any code, raw bytes. */
const payloadArb: fc.Arbitrary<Uint8Array> = fc.oneof(
  { weight: 3, arbitrary: fc.uint8Array({ maxLength: 140 }) },
  { weight: 3, arbitrary: fc.string({ unit: 'binary', maxLength: 60 }).map((s) => encoder.encode(s)) },
  {
    weight: 2,
    arbitrary: fc.tuple(fc.oneof(fc.integer({ min: 0, max: 5000 }), fc.constantFrom(1000, 1001, 1002, 1005, 1006, 1015, 2999, 3000, 4999)), fc.uint8Array({ maxLength: 20 }))
      .map(([code, reason]) => u8([code >> 8, code & 0xff, ...reason])),
  },
  { weight: 1, arbitrary: fc.constantFrom(u8([]), u8([0x03]), u8([0xc3]), u8([0xe2, 0x82]), u8([0xed, 0xa0, 0x80]), u8([0xf4, 0x90, 0x80, 0x80])) },
);

/** One frame with every header field drawn: valid for the receiving role most of the time. */
function frameArb(receiver: Role, rsvBias: boolean): fc.Arbitrary<Uint8Array> {
  return fc.record({
    fin: fc.oneof({ weight: 4, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }),
    rsv1: fc.oneof({ weight: rsvBias ? 1 : 30, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }),
    rsv2: fc.oneof({ weight: 60, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }),
    rsv3: fc.oneof({ weight: 60, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }),
    opcode: fc.oneof({ weight: 30, arbitrary: fc.constantFrom(0x0, 0x1, 0x2, 0x8, 0x9, 0xa) }, { weight: 1, arbitrary: fc.integer({ min: 0, max: 15 }) }),
    masked: fc.oneof({ weight: 30, arbitrary: fc.constant(receiver === 'server') }, { weight: 1, arbitrary: fc.boolean() }),
    mask: fc.uint8Array({ minLength: 4, maxLength: 4 }),
    payload: payloadArb,
    lengthForm: fc.oneof({ weight: 30, arbitrary: fc.constant('minimal' as const) }, { weight: 1, arbitrary: fc.constantFrom('16' as const, '64' as const, 'lie' as const, 'huge' as const) }),
  }).map((f) => {
    const b0 = (f.fin ? 0x80 : 0) | (f.rsv1 ? 0x40 : 0) | (f.rsv2 ? 0x20 : 0) | (f.rsv3 ? 0x10 : 0) | f.opcode;
    const n = f.payload.length;
    const maskBit = f.masked ? 0x80 : 0;
    let header: number[];
    if (f.lengthForm === 'huge') header = [b0, maskBit | 127, 0x00, 0x00, 0x10, 0x00, 0x00, 0x00, 0x00, 0x00];
    else if (f.lengthForm === 'lie') header = [b0, maskBit | Math.min(n + 3, 125)];
    else if (f.lengthForm === '16' || (f.lengthForm === 'minimal' && n >= 126 && n < 65536)) header = [b0, maskBit | 126, n >> 8, n & 0xff];
    else if (f.lengthForm === '64') header = [b0, maskBit | 127, 0, 0, 0, 0, (n >>> 24) & 0xff, (n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff];
    else header = [b0, maskBit | n];
    const body = f.payload.slice();
    if (f.masked) for (let i = 0; i < body.length; i++) body[i]! ^= f.mask[i & 3]!;
    return u8([...header, ...(f.masked ? f.mask : []), ...body]);
  });
}

/** Bytes a peer might send: frames, frames with a bit flipped, and garbage. */
export interface PeerBytesOptions {
  /** RSV1 set far more often, for runs with an RSV1 extension negotiated. */
  readonly rsvBias?: boolean;
  /** Extra bytes to mix in (an extension's own frames), and how often (default 4, against 11 for the rest). */
  readonly extra?: fc.Arbitrary<Uint8Array>;
  readonly extraWeight?: number;
}

export function peerBytesArb(receiver: Role, options: PeerBytesOptions = {}): fc.Arbitrary<Uint8Array> {
  const frame = frameArb(receiver, options.rsvBias ?? false);
  const flipped = fc.tuple(frame, fc.nat(), fc.integer({ min: 0, max: 7 })).map(([bytes, at, bit]) => {
    const out = bytes.slice();
    if (out.length > 0) out[at % out.length]! ^= 1 << bit;
    return out;
  });
  const arbs: Array<fc.WeightedArbitrary<Uint8Array>> = [
    { weight: 8, arbitrary: frame },
    { weight: 2, arbitrary: flipped },
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: 24 }) },
  ];
  if (options.extra !== undefined) arbs.push({ weight: options.extraWeight ?? 4, arbitrary: options.extra });
  return fc.oneof(...arbs);
}

/** A run: peer bytes in random chunks, interleaved with local calls. */
export function actionsArb(receiver: Role, options: PeerBytesOptions = {}): fc.Arbitrary<Action[]> {
  const receive = fc.tuple(fc.array(peerBytesArb(receiver, options), { minLength: 1, maxLength: 6 }), fc.array(fc.nat(), { maxLength: 4 })).chain(([parts, cuts]) => {
    const all = concatAll(parts);
    const at = [...new Set(cuts.map((c) => (all.length === 0 ? 0 : c % all.length)))].sort((a, b) => a - b);
    const chunks: Action[] = [];
    let from = 0;
    for (const cut of [...at, all.length]) {
      if (cut > from) chunks.push({ kind: 'receive', bytes: all.slice(from, cut) });
      from = Math.max(from, cut);
    }
    return fc.constant(chunks);
  });
  const data = fc.oneof(fc.string({ maxLength: 40 }), fc.uint8Array({ maxLength: 2000 }), fc.string({ minLength: 1000, maxLength: 3000 }));
  const local: fc.Arbitrary<Action[]> = fc.oneof(
    data.map((d): Action[] => [{ kind: 'send', data: d }]),
    fc.tuple(data, fc.boolean()).map(([d, isComplete]): Action[] => [{ kind: 'part', data: d, isComplete }]),
    fc.constant<Action[]>([{ kind: 'ping' }]),
    fc.option(fc.constantFrom(1000, 1001, 3000, 4999), { nil: undefined }).map((code): Action[] => [{ kind: 'close', code }]),
    fc.constant<Action[]>([{ kind: 'transport-closed' }]),
  );
  return fc.array(fc.oneof({ weight: 4, arbitrary: receive }, { weight: 1, arbitrary: local }), { maxLength: 8 }).map((groups) => groups.flat());
}

/** What one run recorded. */
export interface Recording {
  readonly engine: Engine;
  readonly events: EngineEvent[];
  /** The engine's state when each event was emitted. */
  readonly states: EngineState[];
  readonly written: Uint8Array[];
}

const USAGE_CODES = new Set(['WK_ERR_NOT_OPEN', 'WK_ERR_FRAGMENT_ORDER']);

/** Applies the actions to a fresh engine; throws (a finding) when a call breaks its contract. */
export function runActions(role: Role, actions: readonly Action[], extensions: readonly Extension[] = [], maxMessageSize = 4096): Recording {
  const events: EngineEvent[] = [];
  const states: EngineState[] = [];
  const written: Uint8Array[] = [];
  let maskSeed = 7;
  let current: Engine | null = null;
  const engine = new Engine({
    role,
    random: (n) => Uint8Array.from({ length: n }, () => (maskSeed = (maskSeed * 73 + 41) & 0xff)),
    maxMessageSize,
    extensions,
    onEvent: (event) => {
      events.push(event);
      states.push(current?.state ?? 'open');
    },
    onWrite: (chunks) => written.push(...chunks.map((c) => c.slice())),
  });
  current = engine;
  for (const action of actions) {
    const local = (call: () => void): void => {
      try {
        call();
      } catch (error) {
        if (!(error instanceof WireKitUsageError) || !USAGE_CODES.has(error.code)) throw error;
        if (error.code === 'WK_ERR_NOT_OPEN' && engine.state === 'open') throw new Error('WK_ERR_NOT_OPEN while open', { cause: error });
      }
    };
    switch (action.kind) {
      case 'receive':
        engine.receive(action.bytes.slice());
        break;
      case 'send':
        local(() => engine.send(action.data));
        break;
      case 'part':
        local(() => engine.sendPart(action.data, action.isComplete));
        break;
      case 'ping':
        local(() => engine.ping(u8([1, 2, 3])));
        break;
      case 'close':
        engine.close(action.code);
        break;
      case 'transport-closed':
        engine.transportClosed();
        break;
    }
  }
  return { engine, events, states, written };
}

/** The oracle: throws an Error describing the first broken invariant. */
export function checkRecording(role: Role, { engine, events, states, written }: Recording, options: { settled?: boolean } = {}): void {
  const fail = (message: string): never => {
    throw new Error(`${message}\n  events: ${JSON.stringify(events.map(summary))}`);
  };
  // Events: one life, well ordered.
  const closes = events.filter((e) => e.type === 'close');
  if (closes.length > 1) fail('more than one close event');
  const errors = events.filter((e) => e.type === 'protocol-error');
  if (errors.length > 1) fail('more than one protocol-error');
  const closeAt = events.findIndex((e) => e.type === 'close');
  const errorAt = events.findIndex((e) => e.type === 'protocol-error');
  if (closeAt >= 0) {
    const late = events.slice(closeAt + 1).filter((e) => e.type !== 'protocol-error');
    if (late.length > 0) fail(`events after close: ${late.map((e) => e.type).join(', ')}`);
  }
  if (errorAt >= 0) {
    const error = (events[errorAt] as EngineEvent & { type: 'protocol-error' }).error;
    if (!(error instanceof ProtocolError)) fail('protocol-error without a ProtocolError');
    if (options.settled !== false && closeAt < 0 && engine.state !== 'closed') fail('protocol-error but the engine is not closed');
    const close = closes[0];
    // A late error (an asynchronous decode that failed after the engine had closed) only reports
    // the lost message; the close event carries the code that was really sent.
    const late = states[errorAt] === 'closed';
    if (close !== undefined && errorAt < closeAt && !late && (close.code !== error.closeCode || close.wasClean || close.initiator !== 'failure')) {
      fail(`close ${close.code}/${String(close.wasClean)} does not match protocol-error ${error.code}/${String(error.closeCode)}`);
    }
  }
  for (const e of events) {
    if (e.type === 'text' && typeof e.data !== 'string') fail('text event without a string');
    if ((e.type === 'binary' || e.type === 'ping' || e.type === 'pong') && !(e.data instanceof Uint8Array)) fail(`${e.type} event without bytes`);
    if (e.type === 'close' && e.code !== 1005 && e.code !== 1006 && !isValidWireCloseCode(e.code)) fail(`close event with code ${e.code}`);
  }
  if (closes.length === 1 && engine.state !== 'closed') fail('close event but the engine is not closed');
  // Bytes written: valid frames for our role, one Close, nothing after it.
  const decoder = new FrameDecoder({ role: role === 'client' ? 'server' : 'client', maxFrameSize: Number.POSITIVE_INFINITY, allowedRsv: { rsv1: true, rsv2: true, rsv3: true } });
  const frames: Frame[] = [];
  for (const chunk of written) {
    decoder.push(chunk.slice());
    for (let item = decoder.next(); item !== null; item = decoder.next()) {
      if (item instanceof ProtocolError) fail(`wrote an invalid frame: ${item.code} ${item.message}`);
      frames.push(item as Frame);
    }
  }
  if (decoder.bufferedAmount !== 0) fail('wrote a partial frame');
  const closeFrames = frames.map((f, i) => [f, i] as const).filter(([f]) => f.opcode === Opcode.Close);
  if (closeFrames.length > 1) fail('wrote more than one Close frame');
  if (closeFrames.length === 1) {
    const [frame, at] = closeFrames[0]!;
    if (at !== frames.length - 1) fail(`wrote ${frames.length - 1 - at} frame(s) after the Close frame`);
    const status = decodeClosePayload(frame.payload);
    if (status instanceof ProtocolError) fail(`wrote an invalid Close payload: ${status.message}`);
  }
  if (closeAt >= 0 && closes[0]!.initiator === 'failure' && closes[0]!.code !== 1006 && closeFrames.length === 0) fail('failed with a code but wrote no Close frame');
}

/**
 * Differential check: the same bytes fed in other chunks (every run of consecutive receives
 * joined into one) must produce the same events and the same bytes written. Synchronous
 * extensions only: with asynchronous ones, local calls may interleave differently.
 */
export function checkChunkingInvariance(role: Role, actions: readonly Action[], extensions: () => readonly Extension[] = () => []): void {
  const joined: Action[] = [];
  for (const action of actions) {
    const last = joined.at(-1);
    if (action.kind === 'receive' && last?.kind === 'receive') joined[joined.length - 1] = { kind: 'receive', bytes: concatAll([last.bytes, action.bytes]) };
    else joined.push(action);
  }
  const a = runActions(role, actions, extensions());
  const b = runActions(role, joined, extensions());
  const render = (r: Recording): string => JSON.stringify([r.events.map((e) => describe(e)), hexOf(concatAll(r.written))]);
  const [left, right] = [render(a), render(b)];
  if (left !== right) throw new Error(`chunking changed the outcome:\n  split:  ${left.slice(0, 400)}\n  joined: ${right.slice(0, 400)}`);
}

function describe(e: EngineEvent): string {
  switch (e.type) {
    case 'text':
      return `text:${JSON.stringify(e.data)}`;
    case 'utf8':
    case 'binary':
    case 'ping':
    case 'pong':
      return `${e.type}:${hexOf(e.data)}`;
    case 'protocol-error':
      return `protocol-error:${e.error.code}:${String(e.error.closeCode)}`;
    case 'close':
      return `close:${e.code}:${e.reason}:${String(e.wasClean)}:${e.initiator}`;
  }
}

function hexOf(bytes: Uint8Array): string {
  let out = '';
  for (const b of bytes) out += b.toString(16).padStart(2, '0');
  return out;
}

/** An extension wrapped to count its unfinished asynchronous work. */
export function tracked(extension: Extension): Extension & { readonly pending: number } {
  let pending = 0;
  const track = <T>(result: T | Promise<T>): T | Promise<T> => {
    if (!(result instanceof Promise)) return result;
    pending++;
    return result.finally(() => pending--);
  };
  return {
    name: extension.name,
    rsv: extension.rsv,
    get pending() {
      return pending;
    },
    decode: (payload, bits, opcode, maxSize) => track(extension.decode(payload, bits, opcode, maxSize)),
    encode: (payload, opcode) => track(extension.encode(payload, opcode)),
    dispose: () => extension.dispose?.(),
  };
}

/** Waits until no tracked extension has work in flight (bounded: `maxMs`), then a little more for the engine's own hand-offs. */
export async function settle(extensions: ReadonlyArray<{ readonly pending: number }>, maxMs = 10_000): Promise<void> {
  const deadline = Date.now() + maxMs;
  let quiet = 0;
  while (quiet < 3 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 1));
    quiet = extensions.every((e) => e.pending === 0) ? quiet + 1 : 0;
  }
  if (quiet < 3) throw new Error(`extension work still pending after ${maxMs} ms`);
}

function summary(e: EngineEvent): string {
  switch (e.type) {
    case 'protocol-error':
      return `protocol-error:${e.error.code}`;
    case 'close':
      return `close:${e.code}:${e.initiator}`;
    default:
      return e.type;
  }
}

function concatAll(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
