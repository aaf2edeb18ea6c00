/**
 * Fuzz targets for the engine with permessage-deflate negotiated: the protocol package's peer
 * bytes and local calls, plus compressed frames (valid deflate of random data, fragmented,
 * bit-flipped, or inflating past the limit), all through a real zlib-backed extension. The
 * oracle is the protocol package's, applied once every zlib job has finished. Used by
 * test/fuzz.test.ts (bounded) and by packages/protocol/fuzz/long-run.ts.
 */
import { constants, deflateRawSync } from 'node:zlib';
import fc from 'fast-check';
import type { Extension, Role } from '@wirekit/protocol';
import { actionsArb, checkRecording, runActions, settle, tracked } from '../../protocol/fuzz/engine-fuzz.js';
import { perMessageDeflate, ZlibLimiter, type PerMessageDeflateOptions } from '../src/index.js';

/** A long-run target: a name, runs per batch, and a fresh property. */
export interface DeflateTarget {
  readonly name: string;
  readonly batch: number;
  readonly property: () => fc.IAsyncProperty<never>;
}

const limiter = new ZlibLimiter(4);

/** One message compressed as RFC 7692 §7.2.1 says, sent as one or two frames, perhaps corrupted. */
function compressedFrameArb(receiver: Role): fc.Arbitrary<Uint8Array> {
  return fc.record({
    data: fc.oneof(
      fc.string({ maxLength: 200 }).map((s) => new TextEncoder().encode(s)),
      fc.uint8Array({ maxLength: 3000 }),
      fc.integer({ min: 0, max: 40_000 }).map((n) => new Uint8Array(n)),
    ),
    text: fc.boolean(),
    split: fc.option(fc.nat(), { nil: undefined }),
    flip: fc.oneof({ weight: 3, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: fc.tuple(fc.nat(), fc.integer({ min: 0, max: 7 })) }),
    finalBlock: fc.oneof({ weight: 5, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }),
    mask: fc.uint8Array({ minLength: 4, maxLength: 4 }),
  }).map(({ data, text, split, flip, finalBlock, mask }) => {
    let payload = new Uint8Array(deflateRawSync(data, finalBlock ? {} : { finishFlush: constants.Z_SYNC_FLUSH }));
    if (!finalBlock) payload = payload.subarray(0, payload.length - 4);
    if (flip !== undefined && payload.length > 0) {
      payload = payload.slice();
      payload[flip[0] % payload.length]! ^= 1 << flip[1];
    }
    const at = split === undefined || payload.length < 2 ? payload.length : 1 + (split % (payload.length - 1));
    const frames = [frame(at === payload.length, true, text ? 0x1 : 0x2, payload.subarray(0, at), receiver, mask)];
    if (at < payload.length) frames.push(frame(true, false, 0x0, payload.subarray(at), receiver, mask));
    return Uint8Array.from(frames.flatMap((f) => [...f]));
  });
}

function frame(fin: boolean, rsv1: boolean, opcode: number, payload: Uint8Array, receiver: Role, mask: Uint8Array): Uint8Array {
  const masked = receiver === 'server';
  const n = payload.length;
  const head = [(fin ? 0x80 : 0) | (rsv1 ? 0x40 : 0) | opcode];
  const bit = masked ? 0x80 : 0;
  if (n < 126) head.push(bit | n);
  else if (n < 65536) head.push(bit | 126, n >> 8, n & 0xff);
  else head.push(bit | 127, 0, 0, 0, 0, (n >>> 24) & 0xff, (n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff);
  const body = payload.slice();
  if (masked) for (let i = 0; i < body.length; i++) body[i]! ^= mask[i & 3]!;
  return Uint8Array.from([...head, ...(masked ? mask : []), ...body]);
}

const optionsArb: fc.Arbitrary<PerMessageDeflateOptions> = fc.record({
  serverNoContextTakeover: fc.boolean(),
  clientNoContextTakeover: fc.boolean(),
  serverMaxWindowBits: fc.integer({ min: 8, max: 15 }),
  clientMaxWindowBits: fc.integer({ min: 8, max: 15 }),
  threshold: fc.constantFrom(0, 1024),
});

/** A permessage-deflate extension for `role`, as a handshake with these parameters would create it. */
function extensionFor(role: Role, options: PerMessageDeflateOptions): Extension {
  const factory = perMessageDeflate({ ...options, limiter });
  if (role === 'server') return factory.negotiate([{ client_max_window_bits: true }])!.extension;
  const { serverMaxWindowBits, clientMaxWindowBits, serverNoContextTakeover, clientNoContextTakeover } = options;
  const response: Record<string, string | true> = { server_max_window_bits: String(serverMaxWindowBits ?? 15), client_max_window_bits: String(clientMaxWindowBits ?? 15) };
  if (serverNoContextTakeover === true) response['server_no_context_takeover'] = true;
  if (clientNoContextTakeover === true) response['client_no_context_takeover'] = true;
  return perMessageDeflate({ ...options, serverMaxWindowBits: 15, clientMaxWindowBits: true, serverNoContextTakeover: false, limiter }).accept(response)!;
}

/** The property for one role. */
export function deflateProperty(role: Role, observe?: (recording: ReturnType<typeof runActions>) => void): fc.IAsyncProperty<[PerMessageDeflateOptions, Parameters<typeof runActions>[1]]> {
  return fc.asyncProperty(optionsArb, actionsArb(role, { rsvBias: true, extra: compressedFrameArb(role), extraWeight: 30 }), async (options, actions) => {
    const extension = tracked(extensionFor(role, options));
    const recording = runActions(role, actions, [extension], 16 * 1024);
    await settle([extension]);
    checkRecording(role, recording);
    observe?.(recording);
    // Release zlib at once: thousands of runs must not pile up streams.
    recording.engine.transportClosed();
    await settle([extension]);
  });
}

/** Both roles, for the long run. */
export function deflateTargets(): DeflateTarget[] {
  return (['client', 'server'] as const).map((role) => ({ name: `engine-${role}-permessage-deflate`, batch: 50, property: () => deflateProperty(role) as never }));
}
