import { EventEmitter } from 'eventemitter3';
import { systemClock, type Clock } from './clock.js';
import type { CloseInfo, Connection, ConnectionEvents, ConnectionFactory, ConnectOptions, ConnectionState, Message } from './connection.js';
import {
  compareOffsets,
  decodeEnvelope,
  encodeHello,
  isEnvelope,
  RESUME_PROTOCOL,
  resumeError,
  type NotResumedReason,
  type ResumeHeader,
} from './resume-wire.js';
import { toWireKitError, type WireKitError } from './wirekit-error.js';

/** Options of a {@link ResumeSession}. */
export interface ResumeSessionOptions {
  /**
   * ms to wait for the server's welcome after the hello. Defaults to 10 000, the server's
   * handshake timeout: a server that has not answered by then is treated as a failed connect.
   */
  readonly welcomeTimeout?: number;
  /**
   * Most rooms whose offset is kept. Defaults to 1 000, the server's bound on a hello: offsets
   * beyond it would be refused anyway.
   */
  readonly maxRooms?: number;
  readonly clock?: Clock;
}

/** The events of a {@link ResumeSession}. */
export interface ResumeSessionEvents {
  /** Every welcome: the session id in force and whether it continues the previous one. */
  session: [event: { readonly id: string; readonly resumed: boolean }];
  /** A reconnect resumed the session: `replayed` missed messages follow, in order, before live ones. */
  resumed: [event: { readonly id: string; readonly replayed: number }];
  /** A reconnect could not resume: messages sent while away are lost, and the server said why. */
  'not-resumed': [event: { readonly previous: string; readonly id: string; readonly reason: NotResumedReason }];
}

/**
 * The client side of session resume: wraps a {@link ConnectionFactory} so that every link it
 * opens offers the `wirekit.resume.v1` subprotocol, says which session it continues and which
 * room offsets it already has, and unwraps the server's envelopes. Given to `reconnecting()`,
 * it makes `for await` over the reconnecting connection one unbroken stream: a link that
 * drops and comes back (to the same server node or another) yields exactly the room messages
 * missed meanwhile, in order, without duplicates. When the server cannot resume, `not-resumed`
 * says why; nothing is skipped silently.
 *
 * @example
 * const session = new ResumeSession();
 * const connection = reconnecting(session.wrap(connect), 'ws://127.0.0.1:8080');
 * session.on('not-resumed', ({ reason }) => console.warn(`missed messages lost: ${reason}`));
 * @see ../../../docs/scaling.md
 */
export class ResumeSession {
  readonly #emitter = new EventEmitter<ResumeSessionEvents>();
  readonly #offsets = new Map<string, string>();
  readonly #welcomeTimeout: number;
  readonly #maxRooms: number;
  readonly #clock: Clock;
  #id: string | null = null;

  constructor(options: ResumeSessionOptions = {}) {
    this.#welcomeTimeout = options.welcomeTimeout ?? 10_000;
    this.#maxRooms = options.maxRooms ?? 1_000;
    this.#clock = options.clock ?? systemClock;
  }

  /** The session id the server gave, or null before the first welcome. */
  get id(): string | null {
    return this.#id;
  }

  /** The last offset received of each room. */
  get offsets(): ReadonlyMap<string, string> {
    return this.#offsets;
  }

  /** Adds a listener; returns the function that removes it. */
  on<E extends keyof ResumeSessionEvents>(event: E, listener: (...args: ResumeSessionEvents[E]) => void): () => void {
    this.#emitter.on(event, listener as never);
    return () => void this.#emitter.off(event, listener as never);
  }

  /**
   * A factory whose links speak the resume subprotocol. A server that does not select it gets
   * a plain link (no resume, no envelopes).
   */
  wrap(factory: ConnectionFactory): ConnectionFactory {
    return async (url: string | URL, options: ConnectOptions = {}) => {
      const protocols = [RESUME_PROTOCOL, ...(options.protocols ?? []).filter((p) => p !== RESUME_PROTOCOL)];
      const link = await factory(url, { ...options, protocols });
      if (link.protocol !== RESUME_PROTOCOL) return link;
      try {
        await this.#greet(link);
      } catch (error) {
        link.terminate();
        throw toWireKitError(error);
      }
      return new ResumeLink(link, (header) => this.#accept(header));
    };
  }

  async #greet(link: Connection): Promise<void> {
    const previous = this.#id;
    const hello = previous === null ? { t: 'hello' as const } : { t: 'resume' as const, s: previous, o: Object.fromEntries(this.#offsets) };
    await link.send(encodeHello(hello));
    let timer: unknown;
    const late = new Promise<never>((_resolve, reject) => {
      timer = this.#clock.setTimeout(() => reject(resumeError(`no welcome within ${this.#welcomeTimeout} ms`)), this.#welcomeTimeout);
    });
    let first: Message;
    try {
      first = await Promise.race([link.receive(), late]);
    } finally {
      this.#clock.clearTimeout(timer);
    }
    if (!isEnvelope(first)) throw resumeError('the first message is not a welcome envelope');
    const { header } = decodeEnvelope(first);
    if (header.t !== 'welcome') throw resumeError('the first envelope is not a welcome');
    this.#id = header.s;
    if (!header.resumed) this.#offsets.clear();
    this.#emitter.emit('session', { id: header.s, resumed: header.resumed });
    if (previous !== null && header.resumed) this.#emitter.emit('resumed', { id: header.s, replayed: header.replayed ?? 0 });
    if (previous !== null && !header.resumed) this.#emitter.emit('not-resumed', { previous, id: header.s, reason: header.reason ?? 'expired' });
  }

  /** A room message arrived: true to deliver it (it is newer than the room's offset), false for a duplicate. */
  #accept(header: Extract<ResumeHeader, { t: 'm' }>): boolean {
    const last = this.#offsets.get(header.r);
    if (last !== undefined && compareOffsets(header.o, last) <= 0) return false;
    if (last === undefined && this.#offsets.size >= this.#maxRooms) {
      // The oldest room's offset goes: its messages can no longer be resumed, never duplicated.
      const oldest = this.#offsets.keys().next().value;
      if (oldest !== undefined) this.#offsets.delete(oldest);
    }
    this.#offsets.delete(header.r);
    this.#offsets.set(header.r, header.o);
    return true;
  }
}

/** One link on the resume subprotocol: unwraps envelopes, everything else forwards to the link. */
class ResumeLink implements Connection {
  readonly #link: Connection;
  readonly #accept: (header: Extract<ResumeHeader, { t: 'm' }>) => boolean;
  readonly #emitter = new EventEmitter<Pick<ConnectionEvents, 'message'>>();
  #shared: AsyncIterator<Message> | null = null;

  constructor(link: Connection, accept: (header: Extract<ResumeHeader, { t: 'm' }>) => boolean) {
    this.#link = link;
    this.#accept = accept;
  }

  get url(): string {
    return this.#link.url;
  }
  get state(): ConnectionState {
    return this.#link.state;
  }
  get protocol(): string {
    return this.#link.protocol;
  }
  get extensions(): string {
    return this.#link.extensions;
  }
  get bufferedAmount(): number {
    return this.#link.bufferedAmount;
  }
  get closed(): Promise<CloseInfo> {
    return this.#link.closed;
  }
  send(data: Message): Promise<void> {
    return this.#link.send(data);
  }
  ping(payload?: Uint8Array): Promise<number> {
    return this.#link.ping(payload);
  }
  close(code?: number, reason?: string): Promise<CloseInfo> {
    return this.#link.close(code, reason);
  }
  terminate(error?: WireKitError): void {
    this.#link.terminate(error);
  }

  async receive(): Promise<Message> {
    this.#shared ??= this[Symbol.asyncIterator]();
    const next = await this.#shared.next();
    if (next.done === true) return this.#link.receive();
    return next.value;
  }

  on<E extends keyof ConnectionEvents>(event: E, listener: (...args: ConnectionEvents[E]) => void): () => void {
    if (event !== 'message') return this.#link.on(event, listener);
    this.#emitter.on('message', listener as never);
    return () => void this.#emitter.off('message', listener as never);
  }

  async *[Symbol.asyncIterator](): AsyncIterator<Message> {
    for await (const data of this.#link) {
      const message = this.#unwrap(data);
      if (message === null) continue;
      this.#emitter.emit('message', message);
      yield message;
    }
  }

  /** The application's message inside `data`, or null for a duplicate; a broken envelope ends the link. */
  #unwrap(data: Message): Message | null {
    if (!isEnvelope(data)) return data;
    try {
      const { header, payload } = decodeEnvelope(data);
      switch (header.t) {
        case 'm':
          return this.#accept(header) ? payload : null;
        case 'd':
          return payload;
        case 'welcome':
          throw resumeError('a second welcome on one link');
      }
    } catch (error) {
      this.#link.terminate(toWireKitError(error));
      return null;
    }
  }
}
