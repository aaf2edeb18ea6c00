// The slow subscriber: on a server that relays every message to every connection
// (`server.broadcast`, as a chat room does), several subscribers stop reading while a publisher
// floods. The victim is a WireKitServer with default options in a child process with a small heap
// (see VictimProcess); what bounds it is each connection's maxBufferedAmount, and that a broadcast
// frames its message once, so the subscribers that lag hold the same frames, not a copy each.
import { frame, OP } from './raw-frames.js';
import { RawPeer } from './raw-peer.js';
import { VictimProcess, type VictimMemory } from './victim-process.js';

/** Subscribers that never read. */
export const SLOW_SUBSCRIBERS = 4;
/** Size of each published message. */
export const PUBLISHED_BYTES = 64 * 1024;
/**
 * Bytes the publisher sends: more than the default maxBufferedAmount (100 MiB) plus what the
 * kernel buffers for a socket, so that every slow subscriber reaches its bound.
 */
export const FLOOD_BYTES = 160 * 1024 * 1024;
/** At most how long the publisher floods. */
const FLOOD_MS = 40_000;
/** At most how long the subscriber that reads may take to receive everything after the flood. */
const DRAIN_MS = 30_000;

/** What the slow-subscriber attack produced. */
export interface SlowSubscriberOutcome {
  /** Messages the publisher wrote. */
  readonly published: number;
  /** Messages the subscriber that reads received, and the publisher (which also reads). */
  readonly readerMessages: number;
  readonly publisherMessages: number;
  /** The victim's memory after a forced GC while the slow subscribers were still connected. */
  readonly during: VictimMemory;
  /** The victim's broadcast failures by error code, and the connections they were for, while the slow subscribers were still connected. */
  readonly failures: { readonly codes: Readonly<Record<string, number>>; readonly connections: number };
  /** Memory after every attacker left, and the CPU used in the half second after. */
  readonly memory: VictimMemory;
  readonly cpuAfter: number;
  readonly alive: boolean;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Runs the attack against a fresh relaying WireKitServer; the victim is killed afterwards whatever happens. */
export async function runSlowSubscriberAttack(): Promise<SlowSubscriberOutcome> {
  const victim = await VictimProcess.start({ kind: 'wirekit-server', app: 'relay' });
  const peers: RawPeer[] = [];
  try {
    for (let index = 0; index < SLOW_SUBSCRIBERS; index++) {
      const slow = await RawPeer.dial(victim.port);
      slow.stopReading();
      peers.push(slow);
    }
    const reader = await RawPeer.dial(victim.port);
    const publisher = await RawPeer.dial(victim.port);
    peers.push(reader, publisher);
    const message = frame(OP.binary, new Uint8Array(PUBLISHED_BYTES).fill(0x5a), { masked: true });
    const published = (await publisher.flood(message, FLOOD_MS, FLOOD_BYTES)) / message.length;
    await reader.untilMessages(published, DRAIN_MS);
    await publisher.untilMessages(published, DRAIN_MS);
    const during = await victim.memory();
    const failures = await victim.failures();
    for (const peer of peers) peer.destroy();
    // The victim sees every socket end; what it held for the slow subscribers is then released.
    await sleep(500);
    const cpuAfter = await victim.cpu(500);
    const memory = await victim.memory();
    return { published, readerMessages: reader.messages, publisherMessages: publisher.messages, during, failures, memory, cpuAfter, alive: victim.alive };
  } finally {
    for (const peer of peers) peer.destroy();
    victim.stop();
  }
}
