// Issue 11: one hostile peer must not exhaust a WireKit server's memory or CPU. Each attack runs
// against a WireKitServer with default options in a child process with a 96 MiB heap.
import { describe, expect, it } from 'vitest';
import { RESUME_HELLO_LIMIT, RESUME_MAX_ROOMS, runResumeAttack, SESSION_COUNT, tooManyRoomsHello } from '../src/hostile/resume-attacks.js';
import { describeHostilePeer, expectBounded } from './support/hostile.js';

describeHostilePeer('WireKitServer, attacked by one hostile client', { side: 'server', impl: 'wirekit' });

// Issue 15: the session-resume handshake (wirekit.resume.v1, on by default) under the same victim.
describe.concurrent('WireKitServer, attacked by one hostile resume client', { timeout: 60_000 }, () => {
  it('closes a 4 MiB hello with 1008 WK_ERR_RESUME before parsing it', async () => {
    const outcome = await runResumeAttack('oversized-hello');
    expect(outcome.sent).toBeGreaterThan(4 * 1024 * 1024);
    expect(outcome.closeCode, 'close code on the wire').toBe(1008);
    expect(outcome.closeReason).toMatch(/^WK_ERR_RESUME\b/);
    expect(outcome.welcomes, 'no welcome for a refused hello').toBe(0);
    expectBounded(outcome);
  });

  it('closes a hello naming 20 × maxRooms rooms with 1008 WK_ERR_RESUME', async () => {
    // Shorter than the length limit, so that the room count is what refuses it.
    expect(tooManyRoomsHello().length).toBeLessThan(RESUME_HELLO_LIMIT);
    const outcome = await runResumeAttack('too-many-rooms');
    expect(outcome.sent).toBeGreaterThan(0);
    expect(RESUME_MAX_ROOMS).toBe(1_000);
    expect(outcome.closeCode, 'close code on the wire').toBe(1008);
    expect(outcome.closeReason).toMatch(/^WK_ERR_RESUME\b/);
    expect(outcome.welcomes, 'no welcome for a refused hello').toBe(0);
    expectBounded(outcome);
  });

  it(`keeps at most maxSessions session records over ${SESSION_COUNT} sessions from one client`, async () => {
    const outcome = await runResumeAttack('many-sessions');
    expect(outcome.welcomes, 'every session was welcomed').toBe(SESSION_COUNT);
    // The victim keeps 100 records (VICTIM_MAX_SESSIONS): the oldest was dropped, the newest resumes.
    expect(outcome.first).toEqual({ resumed: false, reason: 'expired' });
    expect(outcome.last).toEqual({ resumed: true });
    expectBounded(outcome);
  });
});
