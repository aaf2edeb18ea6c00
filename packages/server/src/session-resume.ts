import { randomUUID } from 'node:crypto';
import {
  compareOffsets,
  encodeEnvelope,
  isEnvelope,
  parseHello,
  type Clock,
  type Connection,
  type Message,
  type NotResumedReason,
  type ResumeHello,
} from '@wirekit/core';
import { CloseCode, WireKitUsageError } from '@wirekit/protocol';
import { broadcast, type BroadcastResult } from './broadcast.js';
import type { BrokerEntry } from './broker.js';
import type { RoomRegistry } from './room.js';
import type { ResumeDelivery, RoomBus } from './room-bus.js';

/** Session resume settings of a server (`resume` option). Every default says why. */
export interface ResumeOptions {
  /**
   * ms a session can be resumed after its connection was lost. Defaults to 120 000: a phone
   * changing networks or a client whose node died is back within seconds, a laptop waking up
   * within a minute or two; longer would need longer room streams to be worth anything.
   */
  readonly window?: number;
  /**
   * ms a client on the resume subprotocol has to send its hello. Defaults to 10 000, the
   * handshake timeout: a client that says nothing is dropped, never held open.
   */
  readonly helloTimeout?: number;
  /**
   * Most missed messages replayed to one client at once (all its rooms together). Defaults to
   * 10 000: a replay is sent at once, so it is bounded; a client further behind is told
   * `too-far-behind` and starts afresh.
   */
  readonly maxReplay?: number;
  /** Most rooms a resumed session rejoins (and a hello may name). Defaults to 1 000. */
  readonly maxRooms?: number;
  /**
   * Live messages held for one client while its replay is being sent. Defaults to 10 000; a
   * client whose replay is outrun by more is closed with 1013 Try Again Later and resumes again.
   */
  readonly maxPending?: number;
}

interface SessionState {
  id: string;
  /** Each room the session is in, with the offset it joined at. */
  readonly rooms: Map<string, string>;
  /** The last offset sent, per room: later duplicates are skipped. */
  readonly sent: Map<string, string>;
  /** Live entries held while a replay is sent, or null when live. */
  pending: BrokerEntry[] | null;
}

/**
 * The server side of session resume (`wirekit.resume.v1`): gives each session an id, keeps
 * its rooms in the broker (so that another node can resume it), and on a resume rejoins the
 * rooms and replays, in order and once, the room messages the client missed.
 */
export class SessionResume implements ResumeDelivery {
  readonly #bus: RoomBus;
  readonly #rooms: RoomRegistry;
  readonly #clock: Clock;
  readonly #report: (error: unknown) => void;
  readonly #window: number;
  readonly #helloTimeout: number;
  readonly #maxReplay: number;
  readonly #maxRooms: number;
  readonly #maxPending: number;
  readonly #states = new Map<Connection, SessionState>();
  /** Envelopes made here: sent as they are (a direct message that looks like one is escaped). */
  readonly #own = new WeakSet<Uint8Array>();
  /** Connections whose handshake (hello, welcome) is not over. */
  readonly #opening = new WeakSet<Connection>();
  #refresh: unknown = null;

  constructor(bus: RoomBus, rooms: RoomRegistry, clock: Clock, report: (error: unknown) => void, options: ResumeOptions = {}) {
    for (const name of ['window', 'helloTimeout', 'maxReplay', 'maxRooms', 'maxPending'] as const) {
      const value = options[name];
      if (value !== undefined && !(Number.isInteger(value) && value > 0)) throw new WireKitUsageError('WK_ERR_INVALID_ARGUMENT', `resume.${name} must be an integer > 0`);
    }
    this.#bus = bus;
    this.#rooms = rooms;
    this.#clock = clock;
    this.#report = report;
    this.#window = options.window ?? 120_000;
    this.#helloTimeout = options.helloTimeout ?? 10_000;
    this.#maxReplay = options.maxReplay ?? 10_000;
    this.#maxRooms = options.maxRooms ?? 1_000;
    this.#maxPending = options.maxPending ?? 10_000;
    bus.useResume(this);
    this.#schedule();
  }

  has(connection: Connection): boolean {
    return this.#states.has(connection);
  }

  opening(connection: Connection): boolean {
    return this.#opening.has(connection);
  }

  /** The session id of a resumable connection, or null. */
  idOf(connection: Connection): string | null {
    return this.#states.get(connection)?.id ?? null;
  }

  /**
   * Runs the resume handshake on a connection that selected the subprotocol: reads its hello,
   * resumes or starts the session, sends the welcome and any replay. Resolves with whether
   * the connection is ready for the application (false: it was closed).
   */
  async open(connection: Connection): Promise<boolean> {
    this.#opening.add(connection);
    try {
      return await this.#open(connection);
    } finally {
      this.#opening.delete(connection);
    }
  }

  async #open(connection: Connection): Promise<boolean> {
    const hello = await this.#hello(connection);
    if (hello === null) {
      if (connection.state === 'open') void connection.close(CloseCode.PolicyViolation, 'WK_ERR_RESUME: wirekit.resume.v1 hello expected').catch(() => undefined);
      return false;
    }
    this.#escapeDirect(connection);
    const state: SessionState = { id: randomUUID(), rooms: new Map(), sent: new Map(), pending: null };
    let reason: NotResumedReason | null = null;
    let replayed = 0;
    if (hello.t === 'resume') {
      const outcome = await this.#resume(connection, state, hello);
      if (typeof outcome === 'number') replayed = outcome;
      else reason = outcome;
    } else {
      this.#adopt(connection, state);
    }
    if (connection.state !== 'open') return false;
    const welcome = reason === null && hello.t === 'resume'
      ? encodeEnvelope({ t: 'welcome', s: state.id, resumed: true, replayed })
      : encodeEnvelope({ t: 'welcome', s: state.id, resumed: false, ...(reason === null ? {} : { reason }) });
    this.#own.add(welcome);
    void connection.send(welcome).catch(() => undefined);
    if (state.pending !== null) this.#flush(connection, state);
    return connection.state === 'open';
  }

  deliver(targets: readonly Connection[], entry: BrokerEntry): Promise<BroadcastResult> {
    const live: Connection[] = [];
    for (const connection of targets) {
      const state = this.#states.get(connection);
      if (state === undefined) continue;
      if (state.pending !== null) {
        if (state.pending.length >= this.#maxPending) {
          void connection.close(CloseCode.TryAgainLater, 'resume replay outrun').catch(() => undefined);
        } else {
          state.pending.push(entry);
        }
        continue;
      }
      if (this.#take(state, entry)) live.push(connection);
    }
    return live.length === 0 ? Promise.resolve({ sent: 0, failed: [] }) : broadcast(live, this.#envelope(entry));
  }

  membership(connection: Connection, room: string, at: Promise<string> | null): void {
    const state = this.#states.get(connection);
    if (state === undefined) return;
    if (at === null) {
      state.rooms.delete(room);
      state.sent.delete(room);
      this.#save(state, this.#window * 2);
      return;
    }
    if (state.rooms.has(room)) return;
    // Placeholder until the offset is known; a record saved meanwhile starts the room at the stream's start.
    state.rooms.set(room, '0-0');
    void at.then((offset) => {
      if (state.rooms.get(room) !== '0-0') return;
      state.rooms.set(room, offset);
      if (!state.sent.has(room)) state.sent.set(room, offset);
      this.#save(state, this.#window * 2);
    });
  }

  /** Stops refreshing records; each live session gets its window from now. */
  close(): void {
    this.#clock.clearTimeout(this.#refresh);
    for (const state of this.#states.values()) this.#save(state, this.#window);
  }

  async #hello(connection: Connection): Promise<ResumeHello | null> {
    let timer: unknown;
    const late = new Promise<null>((resolve) => (timer = this.#clock.setTimeout(() => resolve(null), this.#helloTimeout)));
    try {
      const received = connection.receive();
      received.catch(() => undefined);
      const first = await Promise.race([received, late]);
      return first === null ? null : parseHello(first, this.#maxRooms);
    } catch {
      return null;
    } finally {
      this.#clock.clearTimeout(timer);
    }
  }

  /** Resumes `hello.s` into `state`: the number of messages replayed, or why it could not. */
  async #resume(connection: Connection, state: SessionState, hello: Extract<ResumeHello, { t: 'resume' }>): Promise<number | NotResumedReason> {
    const record = await this.#bus.broker.loadSession(hello.s);
    if (record === null) {
      this.#adopt(connection, state);
      return 'expired';
    }
    state.id = hello.s;
    state.pending = [];
    this.#adopt(connection, state);
    const rooms = Object.entries(record.rooms).slice(0, this.#maxRooms);
    for (const [room, joined] of rooms) {
      const claimed = hello.o[room];
      // Never before the join: a client cannot read what was said before it came in.
      const from = claimed !== undefined && compareOffsets(claimed, joined) > 0 ? claimed : joined;
      state.rooms.set(room, joined);
      state.sent.set(room, from);
      this.#rooms.get(room).join(connection);
    }
    // Each room's subscription must be in place before its backlog is read, so that nothing falls between the two.
    await Promise.all(rooms.map(([room]) => this.#bus.joinOffset(room)));
    const replay: BrokerEntry[] = [];
    for (const [room] of rooms) {
      const found = await this.#bus.broker.replay(room, state.sent.get(room)!, this.#maxReplay - replay.length);
      if (found.kind !== 'entries') return this.#fresh(connection, state, found.kind === 'trimmed' ? 'trimmed' : 'too-far-behind');
      replay.push(...found.entries);
    }
    state.pending = [...replay, ...state.pending];
    return replay.length;
  }

  /** A resume that failed: the rooms it rejoined are left, and the connection is a new session. */
  #fresh(connection: Connection, state: SessionState, reason: NotResumedReason): NotResumedReason {
    for (const room of [...state.rooms.keys()]) this.#rooms.find(room)?.leave(connection);
    state.pending = null;
    state.id = randomUUID();
    this.#bus.setId(connection, state.id);
    this.#save(state, this.#window * 2);
    return reason;
  }

  #adopt(connection: Connection, state: SessionState): void {
    this.#states.set(connection, state);
    this.#bus.setId(connection, state.id);
    this.#save(state, this.#window * 2);
    void connection.closed.then(() => {
      this.#states.delete(connection);
      this.#save(state, this.#window);
    });
  }

  /** Sends what was held during the handshake (replay first, then live), in order, once. */
  #flush(connection: Connection, state: SessionState): void {
    const held = state.pending ?? [];
    state.pending = null;
    for (const entry of held) {
      if (!this.#take(state, entry)) continue;
      void connection.send(this.#envelope(entry)).catch(() => undefined);
    }
  }

  /** Whether `entry` is new for the session (and marks it sent). */
  #take(state: SessionState, entry: BrokerEntry): boolean {
    if (!state.rooms.has(entry.room)) return false;
    const last = state.sent.get(entry.room);
    if (last !== undefined && compareOffsets(entry.offset, last) <= 0) return false;
    state.sent.set(entry.room, entry.offset);
    return true;
  }

  #envelope(entry: BrokerEntry): Uint8Array {
    const envelope = encodeEnvelope({ t: 'm', r: entry.room, o: entry.offset }, entry.data);
    this.#own.add(envelope);
    return envelope;
  }

  /** A direct message that starts like an envelope is wrapped in one, so the client reads it as sent. */
  #escapeDirect(connection: Connection): void {
    const send = connection.send.bind(connection);
    const own = this.#own;
    connection.send = (data: Message) => send(isEnvelope(data) && !own.has(data) ? encodeEnvelope({ t: 'd' }, data) : data);
  }

  #save(state: SessionState, ttl: number): void {
    this.#bus.broker.saveSession(state.id, { rooms: Object.fromEntries(state.rooms) }, ttl).catch((error: unknown) => this.#report(error));
  }

  /** Live sessions' records are stored again every half window, so that a node's death leaves them a window to resume. */
  #schedule(): void {
    this.#refresh = this.#clock.setTimeout(() => {
      for (const state of this.#states.values()) this.#save(state, this.#window * 2);
      this.#schedule();
    }, Math.max(1, Math.floor(this.#window / 2)));
  }
}

