// Issue 15's hostile peer: a client on the session-resume subprotocol (wirekit.resume.v1) that
// sends a hello of several MiB, a hello naming far more rooms than the server's maxRooms, or
// opens session after session. The victim is a WireKitServer (resume is on by default) in a
// child process with a small heap (see VictimProcess).
import { decodeEnvelope, RESUME_PROTOCOL, type ResumeHello } from '@wirekit/core';
import { frame, OP } from './raw-frames.js';
import { RawPeer } from './raw-peer.js';
import { VictimProcess, type VictimMemory } from './victim-process.js';

/** The server's default `resume.maxRooms`. */
export const RESUME_MAX_ROOMS = 1_000;
/** The longest hello the server parses with the default maxRooms: maxRooms × 600 + 1 024 characters. */
export const RESUME_HELLO_LIMIT = RESUME_MAX_ROOMS * 600 + 1_024;
/** Sessions the `many-sessions` attack opens, one connection each, one after the other. */
export const SESSION_COUNT = 300;
/** Session records the victim of `many-sessions` keeps (the default, 100 000, is too many to reach in a test). */
export const VICTIM_MAX_SESSIONS = 100;
/** At most how long the `many-sessions` loop runs. */
const SESSIONS_MS = 20_000;

/** The attacks on the resume handshake. */
export type ResumeAttack = 'oversized-hello' | 'too-many-rooms' | 'many-sessions';

/** What a resume attack produced. */
export interface ResumeAttackOutcome {
  /** The victim's Close code and reason on the wire (null: none within the wait). */
  readonly closeCode: number | null;
  readonly closeReason: string;
  /** Bytes of the hello (or of every hello, for `many-sessions`). */
  readonly sent: number;
  /** `many-sessions`: welcomes received, and what resuming the first and the last session gave. */
  readonly welcomes: number;
  readonly first: { readonly resumed: boolean; readonly reason?: string } | null;
  readonly last: { readonly resumed: boolean; readonly reason?: string } | null;
  readonly memory: VictimMemory;
  readonly cpuAfter: number;
  readonly alive: boolean;
}

const encoder = new TextEncoder();
/** A client hello as the wire format has it (JSON text). */
const encodeHello = (hello: ResumeHello): string => JSON.stringify(hello);
const MiB = 1024 * 1024;

function textFrame(text: string): Buffer {
  return frame(OP.text, encoder.encode(text), { masked: true });
}

/** A valid-JSON resume hello of about 4 MiB: refused by its length, before JSON.parse. */
export function oversizedHello(): string {
  return `{"t":"resume","s":"x","o":{"a":"1-0"},"pad":"${'x'.repeat(4 * MiB)}"}`;
}

/** A resume hello naming 20 × maxRooms rooms, yet shorter than the length limit: refused by its room count. */
export function tooManyRoomsHello(): string {
  const o: Record<string, string> = {};
  for (let room = 0; room < 20 * RESUME_MAX_ROOMS; room++) o[`r${room}`] = '1-0';
  return encodeHello({ t: 'resume', s: 'x', o });
}

/** The welcome of a resume connection, decoded from its first message. */
function welcomeOf(peer: RawPeer): { s: string; resumed: boolean; reason?: string } | null {
  if (peer.firstMessage === null) return null;
  const { header } = decodeEnvelope(peer.firstMessage);
  return header.t === 'welcome' ? { s: header.s, resumed: header.resumed, ...(header.reason === undefined ? {} : { reason: header.reason }) } : null;
}

/** Opens one resume connection, sends `hello`, and waits for its welcome; the connection is left at once. */
async function session(port: number, hello: string): Promise<{ s: string; resumed: boolean; reason?: string } | null> {
  const peer = await RawPeer.dial(port, { protocol: RESUME_PROTOCOL });
  try {
    peer.write(textFrame(hello));
    await peer.untilMessages(1, 5_000);
    return welcomeOf(peer);
  } finally {
    peer.destroy();
  }
}

/** Runs `attack` against a fresh WireKitServer victim; the victim is killed afterwards whatever happens. */
export async function runResumeAttack(attack: ResumeAttack): Promise<ResumeAttackOutcome> {
  const many = attack === 'many-sessions';
  const victim = await VictimProcess.start({ kind: 'wirekit-server', ...(many ? { maxSessions: VICTIM_MAX_SESSIONS } : {}) });
  try {
    let closeCode: number | null = null;
    let closeReason = '';
    let sent = 0;
    let welcomes = 0;
    let first: ResumeAttackOutcome['first'] = null;
    let last: ResumeAttackOutcome['last'] = null;
    if (many) {
      // Each new session leaves a record behind for the resume window; the broker keeps at most maxSessions.
      const ids: string[] = [];
      const deadline = Date.now() + SESSIONS_MS;
      for (let index = 0; index < SESSION_COUNT && Date.now() < deadline; index++) {
        const hello = encodeHello({ t: 'hello' });
        sent += hello.length;
        const welcome = await session(victim.port, hello);
        if (welcome === null) break;
        welcomes++;
        ids.push(welcome.s);
      }
      // The oldest record was dropped for newer ones; the newest is still there.
      if (ids.length > 0) {
        const resumeFirst = await session(victim.port, encodeHello({ t: 'resume', s: ids[0]!, o: {} }));
        const resumeLast = await session(victim.port, encodeHello({ t: 'resume', s: ids.at(-1)!, o: {} }));
        first = resumeFirst === null ? null : { resumed: resumeFirst.resumed, ...(resumeFirst.reason === undefined ? {} : { reason: resumeFirst.reason }) };
        last = resumeLast === null ? null : { resumed: resumeLast.resumed, ...(resumeLast.reason === undefined ? {} : { reason: resumeLast.reason }) };
      }
    } else {
      const peer = await RawPeer.dial(victim.port, { protocol: RESUME_PROTOCOL });
      const hello = attack === 'oversized-hello' ? oversizedHello() : tooManyRoomsHello();
      sent = hello.length;
      peer.write(textFrame(hello));
      closeCode = await peer.untilClosed(10_000);
      closeReason = peer.closeReason;
      welcomes = peer.messages;
      peer.destroy();
    }
    const cpuAfter = await victim.cpu(500);
    const memory = await victim.memory();
    return { closeCode, closeReason, sent, welcomes, first, last, memory, cpuAfter, alive: victim.alive };
  } finally {
    victim.stop();
  }
}
