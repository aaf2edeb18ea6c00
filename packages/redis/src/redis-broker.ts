import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'eventemitter3';
import { Redis, type RedisOptions } from 'ioredis';
import { compareOffsets, toWireKitError, WireKitError, WireKitUsageError, type Message } from '@wirekit/core';
import type { Broker, BrokerEntry, BrokerEvents, BrokerReplay, PresenceEntry, SessionRecord } from '@wirekit/server';
import { resolveRedisBrokerOptions, type RedisBrokerOptions, type ResolvedRedisBrokerOptions } from './redis-broker-options.js';
import { entryFields, parseEntry, TokenWindow, type RawStreamEntry } from './stream-entry.js';

interface Subscription {
  readonly key: string;
  readonly room: string;
  /** The id of the last entry read: after an outage, reading goes on from here. */
  last: string;
  readonly listener: (entry: BrokerEntry) => void;
  readonly tokens: TokenWindow;
}

type XReadReply = Array<[key: Buffer, entries: RawStreamEntry[]]> | null;

/**
 * A {@link Broker} on Redis (7 or later): each room is a Redis Stream capped at `maxLen`
 * entries, read by every node with members in it through one blocking XREAD per node; presence
 * is a hash per room whose entries count only while their node's heartbeat key lives; session
 * records are keys with a time to live.
 *
 * A dropped Redis connection loses nothing: publishes wait (bounded by `maxPendingPublishes`),
 * and reading resumes after the last id each room delivered. The outage and the way back are
 * reported as `outage` and `restored` events.
 *
 * @example
 * const broker = new RedisBroker({ url: 'redis://127.0.0.1:6379' });
 * broker.on('outage', (error) => console.warn('Redis unreachable', error.message));
 * const server = new WireKitServer({ port: 8080, broker });
 * @see ../README.md
 */
export class RedisBroker implements Broker {
  readonly nodeId: string;
  readonly #options: ResolvedRedisBrokerOptions;
  readonly #command: Redis;
  readonly #reader: Redis;
  readonly #events = new EventEmitter<BrokerEvents>();
  readonly #subscriptions = new Map<string, Subscription>();
  readonly #byKey = new Map<string, Subscription>();
  /** This node's members, per room, removed from presence when the node closes. */
  readonly #members = new Map<string, Set<string>>();
  readonly #down = new Set<Redis>();
  #downSince = 0;
  #pending = 0;
  #wakeId = '0-0';
  #heartbeat: NodeJS.Timeout | null = null;
  #closed = false;
  readonly #reading: Promise<void>;

  /**
   * @param options see {@link RedisBrokerOptions}; every default says why.
   * @throws {WireKitUsageError} WK_ERR_INVALID_ARGUMENT for an out-of-range option.
   */
  constructor(options: RedisBrokerOptions = {}) {
    this.#options = resolveRedisBrokerOptions(options);
    this.nodeId = options.nodeId ?? randomUUID();
    const redis: RedisOptions = {
      // Commands wait for the connection to come back instead of failing after 20 retries;
      // how many may wait is bounded here (maxPendingPublishes), not by ioredis.
      maxRetriesPerRequest: null,
      retryStrategy: (times) => Math.min(times * 50, this.#options.maxReconnectDelay),
      lazyConnect: false,
      ...options.redis,
    };
    this.#command = options.url === undefined ? new Redis(redis) : new Redis(options.url, redis);
    this.#reader = this.#command.duplicate();
    for (const connection of [this.#command, this.#reader]) this.#watch(connection);
    this.#beat();
    this.#reading = this.#read();
  }

  subscribe(room: string, listener: (entry: BrokerEntry) => void): Promise<string> {
    return this.#subscribe(room, listener);
  }

  unsubscribe(room: string): void {
    const subscription = this.#subscriptions.get(room);
    if (subscription === undefined) return;
    this.#subscriptions.delete(room);
    this.#byKey.delete(subscription.key);
  }

  async publish(room: string, data: Message, options: { readonly except: readonly string[]; readonly token: string }): Promise<string> {
    if (this.#closed) throw new WireKitUsageError('WK_ERR_NOT_OPEN', 'the broker is closed');
    if (this.#pending >= this.#options.maxPendingPublishes) {
      throw new WireKitError('WK_ERR_BUFFER_FULL', `${String(this.#pending)} publishes already wait for Redis (maxPendingPublishes)`);
    }
    this.#pending++;
    try {
      const trim = this.#options.trim === 'exact' ? '=' : '~';
      const id = await this.#command.xadd(this.#stream(room), 'MAXLEN', trim, this.#options.maxLen, '*', ...entryFields(data, options.except, options.token));
      return id!;
    } finally {
      this.#pending--;
    }
  }

  async replay(room: string, after: string, limit: number): Promise<BrokerReplay> {
    const key = this.#stream(room);
    // One transaction, so that no trim falls between the check and the read. The range is
    // inclusive: finding `after` itself proves that nothing after it was trimmed (MAXLEN trims
    // the oldest entries first).
    const results = await this.#command.multi().exists(key).call('XINFO', 'STREAM', key).xrangeBuffer(key, after, '+', 'COUNT', limit + 2).exec();
    if (results === null || results[0]?.[1] === 0) return { kind: 'entries', entries: [] };
    for (const [error] of results) if (error !== null) throw toWireKitError(error);
    let raw = results[2]![1] as RawStreamEntry[];
    if (raw[0]?.[0].toString('latin1') === after) {
      raw = raw.slice(1);
    } else if (wasTrimmedAfter(results[1]![1], after)) {
      return { kind: 'trimmed' };
    }
    if (raw.length > limit) return { kind: 'too-many' };
    const tokens = new TokenWindow(limit + 1);
    const entries: BrokerEntry[] = [];
    for (const item of raw) {
      const entry = parseEntry(room, item);
      if (entry !== null && tokens.first(entry.token)) entries.push(entry);
    }
    return { kind: 'entries', entries };
  }

  async join(room: string, member: string): Promise<void> {
    let members = this.#members.get(room);
    if (members === undefined) this.#members.set(room, (members = new Set()));
    members.add(member);
    await this.#command.hset(this.#key('presence', room), member, this.nodeId);
  }

  async leave(room: string, member: string): Promise<void> {
    const members = this.#members.get(room);
    members?.delete(member);
    if (members?.size === 0) this.#members.delete(room);
    await this.#command.hdel(this.#key('presence', room), member);
  }

  async presence(room: string): Promise<readonly PresenceEntry[]> {
    const key = this.#key('presence', room);
    const all = await this.#command.hgetall(key);
    const nodes = [...new Set(Object.values(all))];
    const alive = new Set<string>();
    if (nodes.length > 0) {
      const flags = await this.#command.mget(nodes.map((node) => this.#key('node', node)));
      nodes.forEach((node, index) => flags[index] !== null && alive.add(node));
    }
    const dead = Object.entries(all).filter(([, node]) => !alive.has(node)).map(([member]) => member);
    // Members of nodes whose heartbeat expired are forgotten here, lazily.
    if (dead.length > 0) await this.#command.hdel(key, ...dead);
    return Object.entries(all).filter(([, node]) => alive.has(node)).map(([member, node]) => ({ member, node }));
  }

  async saveSession(id: string, record: SessionRecord, ttl: number): Promise<void> {
    await this.#command.set(this.#key('session', id), JSON.stringify(record), 'PX', Math.max(1, Math.ceil(ttl)));
  }

  async loadSession(id: string): Promise<SessionRecord | null> {
    const json = await this.#command.get(this.#key('session', id));
    if (json === null) return null;
    try {
      const value = JSON.parse(json) as { rooms?: unknown };
      if (typeof value.rooms !== 'object' || value.rooms === null) return null;
      const rooms = Object.fromEntries(Object.entries(value.rooms).filter((pair): pair is [string, string] => typeof pair[1] === 'string'));
      return { rooms };
    } catch {
      return null;
    }
  }

  on<E extends keyof BrokerEvents>(event: E, listener: (...args: BrokerEvents[E]) => void): () => void {
    this.#events.on(event, listener as never);
    return () => void this.#events.off(event, listener as never);
  }

  /** Whether a Redis connection is down now (between `outage` and `restored`). */
  get outage(): boolean {
    return this.#down.size > 0;
  }

  /** Publishes waiting for Redis. */
  get pendingPublishes(): number {
    return this.#pending;
  }

  /** Stops reading, removes this node's presence and heartbeat, and quits both connections. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#heartbeat !== null) clearInterval(this.#heartbeat);
    this.#subscriptions.clear();
    this.#byKey.clear();
    this.#reader.disconnect();
    await this.#reading;
    if (this.#command.status === 'ready') {
      const pipeline = this.#command.pipeline().del(this.#key('node', this.nodeId), this.#key('wake', this.nodeId));
      for (const [room, members] of this.#members) pipeline.hdel(this.#key('presence', room), ...members);
      await pipeline.exec().catch(() => undefined);
      await this.#command.quit().catch(() => undefined);
    }
    this.#command.disconnect();
  }

  async #subscribe(room: string, listener: (entry: BrokerEntry) => void): Promise<string> {
    const key = this.#stream(room);
    const newest = await this.#command.xrevrange(key, '+', '-', 'COUNT', 1);
    const last = newest[0]?.[0] ?? '0-0';
    const subscription: Subscription = { key, room, last, listener, tokens: new TokenWindow(this.#options.dedupeWindow) };
    this.#subscriptions.set(room, subscription);
    this.#byKey.set(key, subscription);
    // Wakes this node's blocking XREAD, so that it reads the new room at once.
    await this.#command.xadd(this.#key('wake', this.nodeId), 'MAXLEN', '~', 16, '*', 'w', '1');
    return last;
  }

  /** The one reading loop of the node: every subscribed room plus its wake stream, in one XREAD. */
  async #read(): Promise<void> {
    const wake = this.#key('wake', this.nodeId);
    while (!this.#closed) {
      const subscriptions = [...this.#subscriptions.values()];
      let reply: XReadReply;
      try {
        reply = (await this.#reader.xreadBuffer(
          'COUNT', this.#options.readCount,
          'BLOCK', this.#options.blockTime,
          'STREAMS', wake, ...subscriptions.map((s) => s.key),
          this.#wakeId, ...subscriptions.map((s) => s.last),
        )) as XReadReply;
      } catch (error) {
        if (this.#closed) return;
        // A dropped connection: the loop reads again after the last ids once ioredis is back.
        await new Promise((resolve) => setTimeout(resolve, 50));
        if (!this.#down.has(this.#reader)) this.#events.emit('error', toWireKitError(error));
        continue;
      }
      if (reply === null) continue;
      for (const [rawKey, entries] of reply) this.#take(rawKey.toString('utf8'), entries);
    }
  }

  #take(key: string, entries: RawStreamEntry[]): void {
    if (key === this.#key('wake', this.nodeId)) {
      const last = entries.at(-1);
      if (last !== undefined) this.#wakeId = last[0].toString('latin1');
      return;
    }
    const subscription = this.#byKey.get(key);
    if (subscription === undefined) return;
    for (const item of entries) {
      const offset = item[0].toString('latin1');
      // A subscription renewed while this read was in flight has moved on already.
      if (compareOffsets(offset, subscription.last) <= 0) continue;
      subscription.last = offset;
      const entry = parseEntry(subscription.room, item);
      if (entry === null || !subscription.tokens.first(entry.token)) continue;
      try {
        subscription.listener(entry);
      } catch (error) {
        this.#events.emit('error', toWireKitError(error));
      }
    }
  }

  #watch(connection: Redis): void {
    connection.on('error', () => undefined);
    connection.on('close', () => {
      if (this.#closed || this.#down.has(connection)) return;
      if (this.#down.size === 0) {
        this.#downSince = Date.now();
        this.#events.emit('outage', new WireKitError('WK_ERR_TRANSPORT', 'the connection to Redis dropped; publishes wait and reading resumes when it is back'));
      }
      this.#down.add(connection);
    });
    connection.on('ready', () => {
      if (!this.#down.delete(connection) || this.#down.size > 0 || this.#closed) return;
      this.#events.emit('restored', { downtime: Date.now() - this.#downSince });
      void this.#checkGaps();
      this.#beat();
    });
  }

  /** After an outage: a room whose stream was trimmed past the last entry read lost entries on this node; say so. */
  async #checkGaps(): Promise<void> {
    for (const subscription of [...this.#subscriptions.values()]) {
      const found = await this.replay(subscription.room, subscription.last, 0).catch(() => null);
      if (found?.kind === 'trimmed') {
        this.#events.emit('error', new WireKitError('WK_ERR_TRANSPORT', `room ${subscription.room}: entries were trimmed from its stream while this node was away (raise maxLen)`));
      }
    }
  }

  #beat(): void {
    const beat = (): void => {
      void this.#command.set(this.#key('node', this.nodeId), '1', 'PX', this.#options.nodeTtl).catch(() => undefined);
    };
    beat();
    if (this.#heartbeat === null) {
      this.#heartbeat = setInterval(beat, this.#options.heartbeatInterval);
      this.#heartbeat.unref();
    }
  }

  #stream(room: string): string {
    return this.#key('room', room);
  }

  #key(kind: 'room' | 'presence' | 'node' | 'session' | 'wake', name: string): string {
    return `${this.#options.prefix}:${kind}:${name}`;
  }
}

/**
 * Whether entries after `after` (an offset no longer in the stream) may have been trimmed: some
 * entries were (entries-added > length, or one was deleted after it) and `after` is older than
 * the first entry kept. Conservative: when `after` was the very entry before the first one kept,
 * nothing was lost, yet this says trimmed; a client is then told, never left with a silent gap.
 */
function wasTrimmedAfter(info: unknown, after: string): boolean {
  const added = Number(infoField(info, 'entries-added') ?? 0);
  const length = Number(infoField(info, 'length') ?? 0);
  const maxDeleted = infoField(info, 'max-deleted-entry-id');
  if (maxDeleted !== null && compareOffsets(maxDeleted, after) > 0) return true;
  if (added <= length) return false;
  const first = infoField(info, 'first-entry');
  return first === null || compareOffsets(after, first) < 0;
}

/** One field of an XINFO STREAM reply (a flat [name, value, …] array); an entry field gives its id. */
function infoField(reply: unknown, name: string): string | null {
  if (!Array.isArray(reply)) return null;
  for (let index = 0; index + 1 < reply.length; index += 2) {
    if (String(reply[index]) !== name) continue;
    const value: unknown = reply[index + 1];
    if (value === null) return null;
    return Array.isArray(value) ? String(value[0]) : String(value);
  }
  return null;
}
