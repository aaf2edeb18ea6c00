// Issue 11's slow subscriber, in a child process with a small heap: a server relaying every message
// to every connection stays bounded while subscribers never read, and the others lose nothing.
import { describe, expect, it } from 'vitest';
import { FLOOD_BYTES, PUBLISHED_BYTES, runSlowSubscriberAttack, SLOW_SUBSCRIBERS } from '../src/hostile/broadcast-attacks.js';
import { expectBounded, MEMORY_CEILING } from './support/hostile.js';

const MiB = 1024 * 1024;
/** The server's default maxBufferedAmount. */
const MAX_BUFFERED = 100 * MiB;
/** The default in-process broker's resume backlog (InProcessHub maxBytes): the last relayed messages. */
const RESUME_BACKLOG = 64 * MiB;

describe('WireKitServer relaying with broadcast(), subscribers that never read', () => {
  it(`holds one bound, not one per slow subscriber, while ${SLOW_SUBSCRIBERS} never read a ${FLOOD_BYTES / MiB} MiB flood`, { timeout: 120_000 }, async () => {
    const outcome = await runSlowSubscriberAttack();
    expect(outcome.published * PUBLISHED_BYTES, 'bytes the publisher sent').toBeGreaterThanOrEqual(FLOOD_BYTES);
    // Nothing lost for the subscribers that read.
    expect(outcome.readerMessages, 'messages the reading subscriber received').toBe(outcome.published);
    expect(outcome.publisherMessages, 'messages the publisher received').toBe(outcome.published);
    // Every slow subscriber reached its bound, and every message it could not take was reported.
    expect(outcome.failures.connections, 'connections a broadcast failed for: the slow subscribers').toBe(SLOW_SUBSCRIBERS);
    expect(Object.keys(outcome.failures.codes), 'every failure is WK_ERR_BUFFER_FULL').toEqual(['WK_ERR_BUFFER_FULL']);
    expect(outcome.failures.codes.WK_ERR_BUFFER_FULL, 'broadcasts refused').toBeGreaterThan(SLOW_SUBSCRIBERS);
    // The slow subscribers hold the same frames: one maxBufferedAmount in all, not one each (nor
    // a payload per broadcast waiting on them), beside the resume backlog's bound.
    expect(outcome.during.heapUsed + outcome.during.external, 'heap + external while they lag').toBeLessThan(MAX_BUFFERED + RESUME_BACKLOG + MEMORY_CEILING);
    // Once they left, what is kept is the resume backlog (the last messages relayed, up to its bound).
    expectBounded(outcome, RESUME_BACKLOG);
  });
});
