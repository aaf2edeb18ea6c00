/**
 * Short fuzz runs for CI (bounded numRuns); fuzz/long-run.ts runs the same properties for as
 * long as it is given. Each property's generator and oracle live in fuzz/.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Extension, RsvBits } from '../src/index.js';
import { actionsArb, checkChunkingInvariance, checkRecording, runActions, settle, tracked } from '../fuzz/engine-fuzz.js';
import { checkClientHandshake, checkHeadReader, checkServerHandshake, headBytesArb, mutatedRequestArb } from '../fuzz/handshake-fuzz.js';

const RUNS = 300;
const RSV1: RsvBits = { rsv1: true, rsv2: false, rsv3: false };

/** A toy RSV1 extension: reverses payloads, synchronously or a microtask later, and refuses payloads starting 0xff. */
function reverser(isAsync: boolean): Extension {
  const later = <T>(value: () => T): T | Promise<T> => (isAsync ? Promise.resolve().then(value) : value());
  return {
    name: 'x-reverse',
    rsv: RSV1,
    decode: (payload) => later(() => {
      if (payload[0] === 0xff) throw new Error('refused');
      return payload.slice().reverse();
    }),
    encode: (payload) => later(() => ({ payload: payload.slice().reverse(), rsv: RSV1 })),
  };
}

describe('fuzz (bounded runs; fuzz/long-run.ts for long ones)', () => {
  describe.each(['client', 'server'] as const)('the engine as %s', (role) => {
    it('survives arbitrary peer bytes and local calls with its invariants intact', () => {
      const seen = new Set<string>();
      fc.assert(fc.property(actionsArb(role), (actions) => {
        const recording = runActions(role, actions);
        checkRecording(role, recording);
        for (const e of recording.events) seen.add(e.type);
      }), { numRuns: RUNS });
      // The generator reaches every kind of outcome, so the oracle was exercised.
      expect([...seen].sort()).toEqual(expect.arrayContaining(['binary', 'close', 'ping', 'protocol-error', 'text']));
    });

    it('reaches the same events and writes the same bytes however the peer bytes are chunked', () => {
      fc.assert(fc.property(actionsArb(role), (actions) => checkChunkingInvariance(role, actions)), { numRuns: RUNS });
      fc.assert(fc.property(actionsArb(role, { rsvBias: true }), (actions) => checkChunkingInvariance(role, actions, () => [reverser(false)])), { numRuns: RUNS });
    });

    it.each([false, true])('keeps them with an RSV1 extension negotiated (async: %s)', async (isAsync) => {
      await fc.assert(fc.asyncProperty(actionsArb(role, { rsvBias: true }), async (actions) => {
        const extension = tracked(reverser(isAsync));
        const recording = runActions(role, actions, [extension]);
        await settle([extension]);
        checkRecording(role, recording);
      }), { numRuns: isAsync ? RUNS / 3 : RUNS });
    });
  });

  it('ServerHandshake answers mutated requests once, with a usable request or a 4xx/505 refusal', () => {
    fc.assert(fc.property(mutatedRequestArb, (input) => checkServerHandshake(input)), { numRuns: RUNS * 3 });
    fc.assert(fc.property(mutatedRequestArb, fc.integer({ min: 1, max: 600 }), (input, max) => checkServerHandshake(input, max)), { numRuns: RUNS });
  });

  it('ClientHandshake answers mutated 101 responses once, never throwing', () => {
    fc.assert(fc.property(mutatedRequestArb, (input) => checkClientHandshake(input)), { numRuns: RUNS * 3 });
  });

  it('HttpHeadReader takes arbitrary bytes in any chunking, never throwing', () => {
    fc.assert(fc.property(fc.constantFrom('request' as const, 'response' as const), headBytesArb, fc.array(fc.nat(), { maxLength: 6 }), fc.integer({ min: 1, max: 500 }),
      (kind, bytes, cuts, max) => checkHeadReader(kind, bytes, cuts, max)), { numRuns: RUNS * 3 });
  });
});
