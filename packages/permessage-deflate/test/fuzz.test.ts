/**
 * Bounded fuzz run of the engine with permessage-deflate negotiated (peer bytes, compressed and
 * corrupted frames, local calls); packages/protocol/fuzz/long-run.ts runs it for longer.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { deflateProperty } from '../fuzz/deflate-fuzz.js';

describe('fuzz: the engine with permessage-deflate negotiated', () => {
  const seen = new Set<string>();
  const observe = ({ events }: { events: ReadonlyArray<{ type: string; error?: { code: string } }> }): void => {
    for (const e of events) seen.add(e.type === 'protocol-error' ? e.error!.code : e.type);
  };

  it.each(['client', 'server'] as const)('keeps its invariants as %s, whatever the peer compresses', async (role) => {
    await fc.assert(deflateProperty(role, observe), { numRuns: 100 });
  });

  it('met delivered messages, bombs and corrupt data along the way, so the oracle was exercised', () => {
    expect([...seen]).toEqual(expect.arrayContaining(['text', 'binary', 'close', 'WK_ERR_MESSAGE_TOO_LARGE', 'WK_ERR_INFLATE_FAILED']));
  });
});
