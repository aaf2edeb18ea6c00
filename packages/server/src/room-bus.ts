import { randomUUID } from 'node:crypto';
import { toWireKitError, type Connection, type Message } from '@wirekit/core';
import { broadcast, exclusions, type BroadcastOptions, type BroadcastResult } from './broadcast.js';
import { BROADCAST_ROOM, type Broker, type BrokerEntry } from './broker.js';
import type { Room, RoomHooks } from './room.js';

/** How the bus hands room entries to members that speak the resume subprotocol. */
export interface ResumeDelivery {
  /** Whether `connection` gets envelopes (it negotiated resume). */
  has(connection: Connection): boolean;
  /** Whether `connection` is in its resume handshake (nothing but its welcome may reach it yet). */
  opening(connection: Connection): boolean;
  /** Delivers one room entry to resumable members, in offset order per connection. */
  deliver(targets: readonly Connection[], entry: BrokerEntry): Promise<BroadcastResult>;
  /** A resumable member joined (`at`: where its delivery starts) or left (`at` null) a room. */
  membership(connection: Connection, room: string, at: Promise<string> | null): void;
}

/**
 * The glue between a server's rooms and its {@link Broker}: a room with members on this node
 * is subscribed, its broadcasts are published, and each entry the broker delivers goes to
 * the room's local members through one call into the local fan-out (one more for members
 * that get resume envelopes). Presence follows joins and leaves.
 */
export class RoomBus {
  readonly #broker: Broker;
  readonly #find: (room: string) => Room | undefined;
  readonly #everyone: () => Iterable<Connection>;
  readonly #ids = new WeakMap<Connection, string>();
  readonly #waiters = new Map<string, { readonly room: string; readonly resolve: (result: Promise<BroadcastResult>) => void }>();
  /** Each subscribed room, with the offset its delivery started after once known. */
  readonly #subscribed = new Map<string, Promise<string>>();
  /** The offset of the last entry delivered here, per subscribed room: where a new member starts. */
  readonly #last = new Map<string, string>();
  readonly #report: (error: unknown) => void;
  #resume: ResumeDelivery | null = null;
  #tokens = 0;
  readonly #prefix = randomUUID();

  constructor(broker: Broker, find: (room: string) => Room | undefined, everyone: () => Iterable<Connection>, report: (error: unknown) => void) {
    this.#broker = broker;
    this.#find = find;
    this.#everyone = everyone;
    this.#report = report;
    this.#watch(BROADCAST_ROOM);
  }

  get broker(): Broker {
    return this.#broker;
  }

  /** The hooks the server's RoomRegistry gives its rooms. */
  readonly hooks: RoomHooks = {
    publish: (room, message, options) => this.publish(room.name, message, options),
    onJoin: (room, connection) => this.#joined(room, connection),
    onLeave: (room, connection) => this.#left(room, connection),
  };

  /** Plugs in session resume. */
  useResume(resume: ResumeDelivery): void {
    this.#resume = resume;
  }

  /** The member id of `connection` (its session id when it has one), made on first use. */
  idOf(connection: Connection): string {
    let id = this.#ids.get(connection);
    if (id === undefined) this.#ids.set(connection, (id = randomUUID()));
    return id;
  }

  /** Gives `connection` a known id (a resumed session's) before it joins anything. */
  setId(connection: Connection, id: string): void {
    this.#ids.set(connection, id);
  }

  /**
   * Where a member joining `room` now starts: the last offset delivered here, or where the
   * room's subscription starts when nothing was delivered yet. Read at the call, so that
   * entries delivered while it resolves come after it.
   */
  joinOffset(room: string): Promise<string> {
    const last = this.#last.get(room);
    if (last !== undefined) return Promise.resolve(last);
    return this.#subscribed.get(room) ?? Promise.resolve('0-0');
  }

  /**
   * Publishes to every node; resolves with the outcome for this node's members once the entry
   * came back and was handed to them. Never rejects: a refused publish fails each local member.
   */
  publish(room: string, message: Message, options: BroadcastOptions = {}): Promise<BroadcastResult> {
    const token = `${this.#prefix}:${String(++this.#tokens)}`;
    const local = this.#subscribed.has(room) ? new Promise<Promise<BroadcastResult>>((resolve) => this.#waiters.set(token, { room, resolve })) : null;
    const except = [...exclusions(options.except)].map((connection) => this.idOf(connection));
    let published: Promise<string>;
    try {
      published = this.#broker.publish(room, message, { except, token });
    } catch (error) {
      published = Promise.reject(error);
    }
    return this.#outcome(room, token, local, published);
  }

  /**
   * The outcome of a publish, apart from {@link publish} so that nothing waiting here holds the
   * message: a broadcast waits as long as its slowest recipient takes it, and a payload held per
   * waiting broadcast would double what subscribers that lag cost (each holds only the frame).
   */
  async #outcome(room: string, token: string, local: Promise<Promise<BroadcastResult>> | null, published: Promise<string>): Promise<BroadcastResult> {
    try {
      await published;
    } catch (error) {
      this.#waiters.delete(token);
      const failure = toWireKitError(error);
      const members = room === BROADCAST_ROOM ? [...this.#everyone()] : [...(this.#find(room)?.members() ?? [])];
      return { sent: 0, failed: members.map((connection) => ({ connection, error: failure })) };
    }
    return local === null ? { sent: 0, failed: [] } : await local;
  }

  /** Ends every subscription; pending broadcasts resolve with what was delivered (nothing more). */
  close(): void {
    for (const room of this.#subscribed.keys()) this.#broker.unsubscribe(room);
    this.#subscribed.clear();
    this.#settle(() => true);
  }

  /** Broadcasts waiting for their entry to come back, where it no longer will: nobody here got them. */
  #settle(which: (room: string) => boolean): void {
    for (const [token, waiter] of this.#waiters) {
      if (!which(waiter.room)) continue;
      this.#waiters.delete(token);
      waiter.resolve(Promise.resolve({ sent: 0, failed: [] }));
    }
  }

  #watch(room: string): void {
    const ready = this.#broker.subscribe(room, (entry) => this.#deliver(entry)).catch((error: unknown) => {
      this.#report(error);
      return '0-0';
    });
    this.#subscribed.set(room, ready);
  }

  #joined(room: Room, connection: Connection): void {
    if (room.size === 1 && !this.#subscribed.has(room.name)) this.#watch(room.name);
    const id = this.idOf(connection);
    this.#broker.join(room.name, id).catch((error: unknown) => this.#report(error));
    if (this.#resume?.has(connection) === true) this.#resume.membership(connection, room.name, this.joinOffset(room.name));
  }

  #left(room: Room, connection: Connection): void {
    if (room.size === 0 && this.#subscribed.delete(room.name)) {
      this.#broker.unsubscribe(room.name);
      this.#last.delete(room.name);
      this.#settle((name) => name === room.name);
    }
    this.#broker.leave(room.name, this.idOf(connection)).catch((error: unknown) => this.#report(error));
    if (this.#resume?.has(connection) === true && connection.state === 'open') this.#resume.membership(connection, room.name, null);
  }

  /** One entry from the broker: to this node's members, in the order the broker gives. */
  #deliver(entry: BrokerEntry): void {
    if (entry.room !== BROADCAST_ROOM) this.#last.set(entry.room, entry.offset);
    const members = entry.room === BROADCAST_ROOM ? this.#everyone() : this.#find(entry.room)?.members() ?? [];
    const excluded = new Set(entry.except);
    const plain: Connection[] = [];
    const resumable: Connection[] = [];
    const everyone = entry.room === BROADCAST_ROOM;
    const resume = this.#resume;
    for (const connection of members) {
      if (excluded.size > 0 && excluded.has(this.idOf(connection))) continue;
      // server.broadcast() is not resumable: resume members get it as a direct message, once welcomed.
      if (everyone && resume?.opening(connection) === true) continue;
      (!everyone && resume?.has(connection) === true ? resumable : plain).push(connection);
    }
    const result = resumable.length === 0 ? broadcast(plain, entry.data) : merge(broadcast(plain, entry.data), resume!.deliver(resumable, entry));
    const waiter = this.#waiters.get(entry.token);
    if (waiter !== undefined) {
      this.#waiters.delete(entry.token);
      waiter.resolve(result);
    }
  }
}

async function merge(a: Promise<BroadcastResult>, b: Promise<BroadcastResult>): Promise<BroadcastResult> {
  const [left, right] = await Promise.all([a, b]);
  return { sent: left.sent + right.sent, failed: [...left.failed, ...right.failed] };
}
