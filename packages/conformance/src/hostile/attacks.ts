// The attacks of issue 11, each bounded in bytes and time, written once for both directions:
// a RawPeer plays the client against a server victim, or the server against a client victim.
import { DEFAULT_MAX_FRAGMENTS } from '@wirekit/protocol';
import { frame, OP, repeat, zeroBomb, zeroMessage, announcedLength } from './raw-frames.js';
import type { RawPeer } from './raw-peer.js';

/** What the attacker saw. */
export interface AttackSeen {
  /** The victim's Close code, or null when it sent none (yet). */
  readonly closeCode: number | null;
  /** Bytes the attacker managed to write. */
  readonly sent: number;
  /** The victim ended the connection before the attacker left. */
  readonly endedByVictim?: boolean;
}

/** One attack on an open WebSocket. */
export interface Attack {
  readonly name: string;
  /** The victim must negotiate permessage-deflate. */
  readonly deflate?: boolean;
  /** The attacker ends the connection itself (the victim reports 1006); otherwise the victim closes with `expected`. */
  readonly endsItself: boolean;
  /** How the attacker leaves: a FIN after its data (default), or a reset, which drops what the victim has not read. */
  readonly leaves?: 'fin' | 'reset';
  /** For a WireKit victim: the close code and error code expected, when the victim closes. */
  readonly expected?: { readonly closeCode: number; readonly error: string };
  /**
   * The attack backs up the victim's own output (pongs) by never reading: a WireKit victim, with
   * its default options, must end the connection with this (after the default 30 s of
   * `outputStallTimeout` and 5 s of `closeTimeout`), the attacker never leaving.
   */
  readonly stalls?: { readonly closeCode: number; readonly error: string };
  /** `untilVictimEnds`: flood (bounded by STALL_FLOOD_MS) until the victim ends the connection, instead of FLOOD_MS. */
  run(peer: RawPeer, untilVictimEnds?: boolean): Promise<AttackSeen>;
}

const MiB = 1024 * 1024;
const EMPTY = new Uint8Array(0);
/** How long a flood that the victim should throttle goes on. */
const FLOOD_MS = 1_500;
/**
 * At most how long a flood waits for a WireKit victim to end the connection: the kernel buffers
 * fill (a few seconds; ~15 s for the streams client, whose stream pair writes each pong on its
 * own), then the default outputStallTimeout (30 s) and closeTimeout (5 s); margin for a loaded CI.
 */
export const STALL_FLOOD_MS = 90_000;

/** Floods until the victim closes, then waits for its Close. */
async function untilRefused(peer: RawPeer, first: Buffer, batch: Buffer, maxBytes: number): Promise<AttackSeen> {
  peer.write(first);
  await peer.flood(batch, 10_000, maxBytes);
  return { closeCode: await peer.untilClosed(3_000), sent: peer.sent };
}

/** Floods without reading for `ms` or until the victim ends the connection, then leaves. */
async function floodUnread(peer: RawPeer, batch: Buffer, ms = FLOOD_MS): Promise<AttackSeen> {
  peer.stopReading();
  await peer.flood(batch, ms);
  return { closeCode: peer.closeCode, sent: peer.sent, endedByVictim: peer.closed };
}

const OUTPUT_BACKLOG = { closeCode: 1008, error: 'WK_ERR_OUTPUT_BACKLOG' } as const;

/** Every attack on an open WebSocket. */
export const ATTACKS: readonly Attack[] = [
  {
    name: 'a stream of empty continuation frames (a message that never ends)',
    endsItself: false,
    expected: { closeCode: 1008, error: 'WK_ERR_TOO_MANY_FRAGMENTS' },
    run: (peer) => {
      const masked = peer.masked;
      // At most three times DEFAULT_MAX_FRAGMENTS frames (1.1 MiB): WireKit refuses after 65,536, ws after 16,384.
      return untilRefused(peer, frame(OP.binary, EMPTY, { fin: false, masked }), repeat(frame(OP.continuation, EMPTY, { fin: false, masked }), 1_000), 3 * DEFAULT_MAX_FRAGMENTS * 6);
    },
  },
  {
    name: 'a 10 MB message in 1-byte fragments',
    endsItself: false,
    expected: { closeCode: 1008, error: 'WK_ERR_TOO_MANY_FRAGMENTS' },
    run: (peer) => {
      const masked = peer.masked;
      const one = Uint8Array.of(0x2a);
      return untilRefused(peer, frame(OP.binary, one, { fin: false, masked }), repeat(frame(OP.continuation, one, { fin: false, masked }), 1_000), 10_000_000 * 7);
    },
  },
  {
    name: 'a flood of 125-byte pings from a peer that never reads',
    endsItself: true,
    stalls: OUTPUT_BACKLOG,
    run: (peer, untilVictimEnds) => floodUnread(peer, repeat(frame(OP.ping, new Uint8Array(125), { masked: peer.masked }), 100), untilVictimEnds === true ? STALL_FLOOD_MS : FLOOD_MS),
  },
  {
    name: 'a flood of empty pings from a peer that never reads',
    endsItself: true,
    // Every ping is answered: a server's 2-byte pongs are a third of the client's 6-byte pings, a
    // client's 6-byte pongs three times the server's 2-byte pings, so the kernel buffers fill
    // within a few MB and the victim's output stall rule ends the connection.
    stalls: OUTPUT_BACKLOG,
    run: (peer, untilVictimEnds) => floodUnread(peer, repeat(frame(OP.ping, EMPTY, { masked: peer.masked }), 2_000), untilVictimEnds === true ? STALL_FLOOD_MS : FLOOD_MS),
  },
  {
    name: 'small compressed messages inflating to 16 MiB each, sent as fast as accepted',
    deflate: true,
    endsItself: true,
    // With a FIN the victim still owes the peer the messages its kernel holds (ws does the same);
    // a reset says the peer is gone, and nothing more may be inflated for it.
    leaves: 'reset',
    run: (peer) => floodUnread(peer, repeat(frame(OP.binary, zeroMessage(16 * MiB), { rsv1: true, masked: peer.masked }), 8)),
  },
  {
    name: 'a deflate bomb: one message inflating to 1 GiB',
    deflate: true,
    endsItself: false,
    expected: { closeCode: 1009, error: 'WK_ERR_MESSAGE_TOO_LARGE' },
    run: async (peer) => {
      peer.write(frame(OP.binary, zeroBomb(1024), { rsv1: true, masked: peer.masked }));
      return { closeCode: await peer.untilClosed(10_000), sent: peer.sent };
    },
  },
  {
    name: 'a frame announcing 2^63 bytes',
    endsItself: false,
    expected: { closeCode: 1002, error: 'WK_ERR_INVALID_LENGTH' },
    run: async (peer) => {
      peer.write(announcedLength(2n ** 63n, peer.masked));
      return { closeCode: await peer.untilClosed(3_000), sent: peer.sent };
    },
  },
  {
    name: 'a slow reader: 64 KiB messages to echo, never reading the echoes',
    endsItself: true,
    run: (peer) => floodUnread(peer, repeat(frame(OP.binary, new Uint8Array(64 * 1024), { masked: peer.masked }), 4)),
  },
];
