import type { Message, WireKitError } from '@wirekit/core';

/**
 * One room message as a broker delivers it: the same entry, with the same offset, on every
 * node that subscribes to the room.
 */
export interface BrokerEntry {
  readonly room: string;
  /**
   * Its place in the room's stream, `<ms>-<seq>` (a Redis stream id), increasing within the
   * room; compare with `compareOffsets` from `@wirekit/core`.
   */
  readonly offset: string;
  readonly data: Message;
  /** Member ids the publisher left out (`except`). */
  readonly except: readonly string[];
  /** The publisher's token: unique per publish, so that a node finds its own messages again. */
  readonly token: string;
}

/** What {@link Broker.replay} found after an offset. */
export type BrokerReplay =
  | { readonly kind: 'entries'; readonly entries: readonly BrokerEntry[] }
  /** Some entry after the offset was trimmed (the stream is bounded): resuming would skip it. */
  | { readonly kind: 'trimmed' }
  /** More than `limit` entries follow the offset. */
  | { readonly kind: 'too-many' };

/** A member of a room somewhere in the cluster. */
export interface PresenceEntry {
  /** The member id (a connection's session id). */
  readonly member: string;
  /** The node it is connected to. */
  readonly node: string;
}

/** What a broker keeps of a resumable session: each room with the offset the session joined it at. */
export interface SessionRecord {
  readonly rooms: Readonly<Record<string, string>>;
}

/** The events of a {@link Broker}. */
export interface BrokerEvents {
  /** The broker lost its backing store (a Redis connection dropped); publishes wait, bounded. */
  outage: [error: WireKitError];
  /** Back after an outage: every room resumes reading where it stopped. */
  restored: [event: { readonly downtime: number }];
  /** A failure that is not an outage (a trimmed gap after a long outage, a bad entry). */
  error: [error: WireKitError];
}

/**
 * The seam between a {@link WireKitServer}'s rooms and the nodes that share them. A server
 * uses the in-process broker by default; `@wirekit/redis` implements this on Redis Streams so
 * that rooms, broadcast, presence and session resume span processes and machines.
 *
 * The contract (run by `describeBroker` of `@wirekit/conformance` against every broker):
 * - an entry published to a room reaches the listener of every node subscribed to it, once,
 *   and each node sees a room's entries in the same order (increasing offsets);
 * - `subscribe` resolves once the node's position in the room is fixed: every entry published
 *   after it resolves is delivered;
 * - `replay(room, after)` returns the entries after an offset, or says they are gone;
 * - presence lists the members of live nodes only;
 * - session records expire after their time to live.
 */
export interface Broker {
  /** This node's id, unique in the cluster. */
  readonly nodeId: string;
  /**
   * Starts delivering the room's entries to `listener` (one listener per room per node).
   * Resolves with the offset delivery starts after: every later entry is delivered.
   */
  subscribe(room: string, listener: (entry: BrokerEntry) => void): Promise<string>;
  /** Stops delivering the room's entries to this node. */
  unsubscribe(room: string): void;
  /**
   * Appends `data` to the room's stream; resolves with its offset once the broker holds it.
   * Rejects WK_ERR_BUFFER_FULL when too many publishes wait for an outage to end.
   */
  publish(room: string, data: Message, options: { readonly except: readonly string[]; readonly token: string }): Promise<string>;
  /** Up to `limit` entries of the room after `after`, in order. */
  replay(room: string, after: string, limit: number): Promise<BrokerReplay>;
  /** Records `member` as present in `room` on this node. */
  join(room: string, member: string): Promise<void>;
  /** Forgets `member` in `room`. */
  leave(room: string, member: string): Promise<void>;
  /** The members of the room on every live node. */
  presence(room: string): Promise<readonly PresenceEntry[]>;
  /** Stores a session's record for `ttl` ms (stored again to extend it). */
  saveSession(id: string, record: SessionRecord, ttl: number): Promise<void>;
  /** The session's record, or null when unknown or expired. */
  loadSession(id: string): Promise<SessionRecord | null>;
  /** Adds a listener; returns the function that removes it. */
  on<E extends keyof BrokerEvents>(event: E, listener: (...args: BrokerEvents[E]) => void): () => void;
  /** Stops this node: its subscriptions end and its presence goes. */
  close(): Promise<void>;
}

/** The room name that carries `server.broadcast()` to every connection of every node. */
export const BROADCAST_ROOM = '\u0000all';
