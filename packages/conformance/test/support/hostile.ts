// The assertions every hostile-peer test makes, for a server victim or any engine-based client.
import { describe, expect, it } from 'vitest';
import { ATTACKS, type Attack } from '../../src/hostile/attacks.js';
import { runAttack, runBadFrameWith101, runHandshakeAttack, type AttackOutcome, type VictimKind } from '../../src/hostile/run-attack.js';

const MiB = 1024 * 1024;
/**
 * JS heap plus external memory a victim may hold after an attack and a forced GC. An idle
 * victim holds about 11 MiB; any growth per frame, per ping or per compressed message would
 * put it far above this after the attacks' millions of frames.
 */
export const MEMORY_CEILING = 32 * MiB;
/** Peak RSS allowed: the deflate bomb inflates up to maxMessageSize (100 MiB) before it is refused. */
export const RSS_CEILING = 320 * MiB;
/** CPU ms a victim may use in the half second after the attacker left: nothing is done for a peer that is gone. */
export const CPU_AFTER_CEILING = 250;

/**
 * The victim survived, its memory after GC and its peak RSS under the ceilings, and it is idle once the attacker left.
 * @param retained bytes the victim keeps by design after the attack (a resume backlog), over MEMORY_CEILING.
 */
export function expectBounded(outcome: Pick<AttackOutcome, 'alive' | 'memory' | 'cpuAfter'>, retained = 0): void {
  expect(outcome.alive, 'the victim process survived').toBe(true);
  expect(outcome.memory.heapUsed + outcome.memory.external, 'heap + external after GC').toBeLessThan(MEMORY_CEILING + retained);
  expect(outcome.memory.maxRss, 'peak RSS').toBeLessThan(RSS_CEILING);
  expect(outcome.cpuAfter, 'CPU ms after the attacker left').toBeLessThan(CPU_AFTER_CEILING);
}

/** Whether a WireKit victim must end `attack` itself (it backs up the victim's pongs): every WireKit victim, server and clients. */
function stallsVictim(attack: Attack, kind: VictimKind): boolean {
  return attack.stalls !== undefined && kind.impl === 'wirekit';
}

/** One `it` per attack of issue 11 against `kind` (the stalling ones together), each in its own victim process. */
export function describeHostilePeer(title: string, kind: VictimKind): void {
  // Each case has its own victim process: they run side by side (maxConcurrency in vitest.config.ts).
  describe.concurrent(title, { timeout: 60_000 }, () => {
    const stalling = ATTACKS.filter((attack) => stallsVictim(attack, kind));
    if (stalling.length > 0) {
      // Default options: the kernel buffers fill, reading pauses, and after outputStallTimeout
      // (30 s) the victim fails the connection itself, 1008, though the attacker never leaves;
      // ~40 s each, so they run side by side in one case, started first, beside the others.
      it(`ends each ping flood from a peer that never reads with 1008 WK_ERR_OUTPUT_BACKLOG, under default options (${stalling.map((attack) => attack.name).join('; ')})`, { timeout: 150_000 }, async () => {
        const outcomes = await Promise.all(stalling.map((attack) => runAttack(kind, attack, true)));
        outcomes.forEach((outcome, index) => {
          const attack = stalling[index]!;
          expectBounded(outcome);
          expect(outcome.close, `${attack.name}: the victim reported the connection closed`).not.toBeNull();
          expect(outcome.close!.lateMessages).toBe(0);
          expect(outcome.seen.endedByVictim, `${attack.name}: the victim ended the connection`).toBe(true);
          expect(outcome.close!.code, attack.name).toBe(attack.stalls!.closeCode);
          expect(outcome.close!.errors, attack.name).toContain(attack.stalls!.error);
        });
      });
    }

    it.each(ATTACKS.filter((attack) => !stallsVictim(attack, kind)))('survives $name', async (attack) => {
      const outcome = await runAttack(kind, attack, false);
      expectBounded(outcome);
      expect(outcome.close, 'the victim reported the connection closed').not.toBeNull();
      expect(outcome.close!.lateMessages, 'messages delivered after close').toBe(0);
      if (attack.expected === undefined) {
        // The attacker left: the victim saw the transport end (1006), having lost nothing it owed.
        expect(outcome.close!.code).toBe(1006);
      } else {
        expect(outcome.seen.closeCode, 'close code on the wire').toBe(attack.expected.closeCode);
        expect(outcome.close!.code).toBe(attack.expected.closeCode);
        expect(outcome.close!.errors).toContain(attack.expected.error);
      }
    });

    if (kind.side === 'server') {
      it('answers a slowloris request with 408 at the handshake timeout (as ws does)', async () => {
        const outcome = await runHandshakeAttack(kind, 'slowloris');
        expect(outcome.status).toMatch(/^HTTP\/1\.1 408 /);
        expect(outcome.alive).toBe(true);
        expect(outcome.memory.heapUsed + outcome.memory.external).toBeLessThan(MEMORY_CEILING);
      });

      it('answers 10,000 headers with 431', async () => {
        const outcome = await runHandshakeAttack(kind, 'many-headers');
        expect(outcome.status).toMatch(/^HTTP\/1\.1 431 /);
        expect(outcome.alive).toBe(true);
        expect(outcome.memory.heapUsed + outcome.memory.external).toBeLessThan(MEMORY_CEILING);
      });

      it.each([
        { attack: 'huge-request-line', what: 'a request line flooded up to 4 MiB', status: 431, least: 16 * 1024 },
        { attack: 'flood-after-head', what: 'a plain request followed by an 8 MiB flood', status: 426, least: 1 },
        { attack: 'never-sends', what: 'a connection that never sends a byte', status: 408, least: 0 },
      ] as const)('answers $what with $status, bounded', async ({ attack, status, least }) => {
        const outcome = await runHandshakeAttack(kind, attack);
        expect(outcome.status).toMatch(new RegExp(`^HTTP/1\\.1 ${String(status)} `));
        expect(outcome.sent).toBeGreaterThanOrEqual(least);
        expect(outcome.alive).toBe(true);
        expect(outcome.memory.heapUsed + outcome.memory.external).toBeLessThan(MEMORY_CEILING);
        expect(outcome.memory.maxRss).toBeLessThan(RSS_CEILING);
      });
    } else {
      it('fails the connection with 1002 and the real code (WK_ERR_RESERVED_BITS) for a bad frame in the same write as the 101', async () => {
        const outcome = await runBadFrameWith101(kind);
        expect(outcome.alive).toBe(true);
        expect(outcome.memory.heapUsed + outcome.memory.external).toBeLessThan(MEMORY_CEILING);
        expect(outcome.wireCloseCode, 'close code on the wire').toBe(1002);
        // connect() resolved and the listeners attached then heard the real error, or connect() rejected with it.
        if (outcome.connectError === null) {
          expect(outcome.close?.code).toBe(1002);
          expect(outcome.close?.errors).toContain('WK_ERR_RESERVED_BITS');
        } else expect(outcome.connectError).toBe('WK_ERR_RESERVED_BITS');
      });

      it('fails a 101 that never ends with WK_ERR_CONNECT_TIMEOUT (a slowloris server)', async () => {
        const outcome = await runHandshakeAttack(kind, 'slowloris');
        expect(outcome.connectError).toBe('WK_ERR_CONNECT_TIMEOUT');
        expect(outcome.alive).toBe(true);
        expect(outcome.memory.heapUsed + outcome.memory.external).toBeLessThan(MEMORY_CEILING);
      });

      it('fails a 101 with 10,000 headers with WK_ERR_HANDSHAKE_HEADERS_TOO_LARGE', async () => {
        const outcome = await runHandshakeAttack(kind, 'many-headers');
        expect(outcome.connectError).toBe('WK_ERR_HANDSHAKE_HEADERS_TOO_LARGE');
        expect(outcome.alive).toBe(true);
        expect(outcome.memory.heapUsed + outcome.memory.external).toBeLessThan(MEMORY_CEILING);
      });
    }
  });
}
