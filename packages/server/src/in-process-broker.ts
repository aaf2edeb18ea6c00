import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'eventemitter3';
import { compareOffsets, systemClock, type Clock, type Message } from '@wirekit/core';
import { WireKitUsageError } from '@wirekit/protocol';
import type { Broker, BrokerEntry, BrokerEvents, BrokerReplay, PresenceEntry, SessionRecord } from './broker.js';

/** Options of an {@link InProcessBroker}. Every default says why. */
export interface InProcessBrokerOptions {
  /**
   * The hub the broker is a node of. Defaults to a hub of its own: one server, one node.
   * Brokers sharing a hub behave as nodes of one cluster inside one process (tests, samples).
   */
  readonly hub?: InProcessHub;
  /** This node's id; defaults to a random UUID. */
  readonly nodeId?: string;
}

/** Options of an {@link InProcessHub}. */
export interface InProcessHubOptions {
  /**
   * Entries kept per room for resume. Defaults to 1 000: a chat client offline for a minute in
   * a busy room (16 messages/s) still resumes, and a room costs at most 1 000 messages.
   */
  readonly maxLen?: number;
  /**
   * Rooms whose backlog is kept. Defaults to 10 000; the least recently published one is
   * dropped beyond it, so that rooms named by clients cannot grow memory without bound.
   */
  readonly maxRooms?: number;
  /**
   * Bytes of payload kept for resume, in all rooms together (a string counts two bytes per
   * UTF-16 unit). Defaults to 64 MiB: 1 000 chat messages of 64 KiB fit, while a relay of large
   * messages cannot pin maxLen × maxMessageSize (100 GB) per room. Beyond it the least recently
   * published rooms lose their backlog first, then the oldest entries of the room published to;
   * its newest entry is always kept. A resume from before what was let go gets `trimmed`.
   */
  readonly maxBytes?: number;
  /** Session records kept. Defaults to 100 000 (a record is a few hundred bytes); the oldest goes first. */
  readonly maxSessions?: number;
  readonly clock?: Clock;
}

interface Stream {
  entries: BrokerEntry[];
  seq: number;
  /** Bytes of payload of `entries` (see {@link InProcessHubOptions.maxBytes}). */
  bytes: number;
  /** The offset of the last entry trimmed, or null when none was. */
  trimmed: string | null;
}

/**
 * The state that in-process brokers share: room streams (bounded), presence and sessions. One
 * hub is one "cluster" in memory.
 */
export class InProcessHub {
  readonly streams = new Map<string, Stream>();
  readonly presence = new Map<string, Map<string, string>>();
  readonly sessions = new Map<string, { record: SessionRecord; expires: number }>();
  readonly nodes = new Map<string, Map<string, (entry: BrokerEntry) => void>>();
  readonly maxLen: number;
  readonly maxRooms: number;
  readonly maxSessions: number;
  readonly maxBytes: number;
  /** Bytes of payload kept in all rooms. */
  bytes = 0;
  readonly clock: Clock;
  /** The highest offset of a dropped room's backlog: a resume before it may have lost entries. */
  droppedUpTo = '0-0';

  constructor(options: InProcessHubOptions = {}) {
    for (const name of ['maxLen', 'maxRooms', 'maxSessions', 'maxBytes'] as const) {
      const value = options[name];
      if (value !== undefined && !(Number.isInteger(value) && value > 0)) throw new WireKitUsageError('WK_ERR_INVALID_ARGUMENT', `${name} must be an integer > 0`);
    }
    this.maxLen = options.maxLen ?? 1_000;
    this.maxRooms = options.maxRooms ?? 10_000;
    this.maxSessions = options.maxSessions ?? 100_000;
    this.maxBytes = options.maxBytes ?? 64 * 1024 * 1024;
    this.clock = options.clock ?? systemClock;
  }

  append(room: string, data: Message, except: readonly string[], token: string): BrokerEntry {
    let stream = this.streams.get(room);
    if (stream === undefined) {
      stream = { entries: [], seq: 0, bytes: 0, trimmed: null };
      if (this.streams.size >= this.maxRooms) this.#dropOldestRoom();
    } else {
      this.streams.delete(room);
    }
    // Re-inserted: the Map's order is the order of last use.
    this.streams.set(room, stream);
    const entry: BrokerEntry = { room, offset: `0-${String(++stream.seq)}`, data, except, token };
    stream.entries.push(entry);
    const size = payloadBytes(data);
    stream.bytes += size;
    this.bytes += size;
    if (stream.entries.length > this.maxLen) this.#trimOldest(stream);
    if (this.bytes > this.maxBytes) this.#fitBytes(stream);
    return entry;
  }

  /** Lets go of the backlog of the least recently published rooms, then of `current`'s oldest entries (never its newest), until maxBytes holds. */
  #fitBytes(current: Stream): void {
    while (this.bytes > this.maxBytes && this.streams.size > 1) this.#dropOldestRoom();
    while (this.bytes > this.maxBytes && current.entries.length > 1) this.#trimOldest(current);
  }

  #trimOldest(stream: Stream): void {
    const oldest = stream.entries.shift()!;
    const size = payloadBytes(oldest.data);
    stream.bytes -= size;
    this.bytes -= size;
    stream.trimmed = oldest.offset;
  }

  #dropOldestRoom(): void {
    const [room, stream] = this.streams.entries().next().value!;
    this.streams.delete(room);
    this.bytes -= stream.bytes;
    const last = stream.entries.at(-1)?.offset;
    if (last !== undefined && compareOffsets(last, this.droppedUpTo) > 0) this.droppedUpTo = last;
  }
}

/** What an entry's payload costs toward maxBytes. */
function payloadBytes(data: Message): number {
  return typeof data === 'string' ? data.length * 2 : data.byteLength;
}

/**
 * The default broker of a {@link WireKitServer}: rooms, presence and resumable sessions in the
 * server's own memory. Delivery is synchronous, so a single process behaves exactly as without
 * a broker. Nodes of one {@link InProcessHub} share rooms inside one process.
 */
export class InProcessBroker implements Broker {
  readonly nodeId: string;
  readonly #hub: InProcessHub;
  readonly #listeners = new Map<string, (entry: BrokerEntry) => void>();
  readonly #events = new EventEmitter<BrokerEvents>();
  #closed = false;

  constructor(options: InProcessBrokerOptions = {}) {
    this.#hub = options.hub ?? new InProcessHub();
    this.nodeId = options.nodeId ?? randomUUID();
    this.#hub.nodes.set(this.nodeId, this.#listeners);
  }

  subscribe(room: string, listener: (entry: BrokerEntry) => void): Promise<string> {
    this.#listeners.set(room, listener);
    return Promise.resolve(this.#hub.streams.get(room)?.entries.at(-1)?.offset ?? '0-0');
  }

  unsubscribe(room: string): void {
    this.#listeners.delete(room);
  }

  publish(room: string, data: Message, options: { readonly except: readonly string[]; readonly token: string }): Promise<string> {
    if (this.#closed) return Promise.reject(new WireKitUsageError('WK_ERR_NOT_OPEN', 'the broker is closed'));
    const entry = this.#hub.append(room, data, options.except, options.token);
    for (const listeners of this.#hub.nodes.values()) listeners.get(room)?.(entry);
    return Promise.resolve(entry.offset);
  }

  replay(room: string, after: string, limit: number): Promise<BrokerReplay> {
    const stream = this.#hub.streams.get(room);
    if (stream === undefined) {
      return Promise.resolve(compareOffsets(after, this.#hub.droppedUpTo) < 0 ? { kind: 'trimmed' } : { kind: 'entries', entries: [] });
    }
    if (stream.trimmed !== null && compareOffsets(stream.trimmed, after) > 0) return Promise.resolve({ kind: 'trimmed' });
    const entries = stream.entries.filter((entry) => compareOffsets(entry.offset, after) > 0);
    return Promise.resolve(entries.length > limit ? { kind: 'too-many' } : { kind: 'entries', entries });
  }

  join(room: string, member: string): Promise<void> {
    let members = this.#hub.presence.get(room);
    if (members === undefined) this.#hub.presence.set(room, (members = new Map()));
    members.set(member, this.nodeId);
    return Promise.resolve();
  }

  leave(room: string, member: string): Promise<void> {
    const members = this.#hub.presence.get(room);
    members?.delete(member);
    if (members?.size === 0) this.#hub.presence.delete(room);
    return Promise.resolve();
  }

  presence(room: string): Promise<readonly PresenceEntry[]> {
    const members = this.#hub.presence.get(room) ?? new Map<string, string>();
    return Promise.resolve([...members].filter(([, node]) => this.#hub.nodes.has(node)).map(([member, node]) => ({ member, node })));
  }

  saveSession(id: string, record: SessionRecord, ttl: number): Promise<void> {
    const sessions = this.#hub.sessions;
    sessions.delete(id);
    if (sessions.size >= this.#hub.maxSessions) sessions.delete(sessions.keys().next().value!);
    sessions.set(id, { record, expires: this.#hub.clock.now() + ttl });
    return Promise.resolve();
  }

  loadSession(id: string): Promise<SessionRecord | null> {
    const found = this.#hub.sessions.get(id);
    if (found === undefined) return Promise.resolve(null);
    if (found.expires <= this.#hub.clock.now()) {
      this.#hub.sessions.delete(id);
      return Promise.resolve(null);
    }
    return Promise.resolve(found.record);
  }

  on<E extends keyof BrokerEvents>(event: E, listener: (...args: BrokerEvents[E]) => void): () => void {
    this.#events.on(event, listener as never);
    return () => void this.#events.off(event, listener as never);
  }

  /** Leaves the hub: this node's subscriptions end and its members drop out of presence. */
  close(): Promise<void> {
    this.#closed = true;
    this.#listeners.clear();
    this.#hub.nodes.delete(this.nodeId);
    return Promise.resolve();
  }
}
