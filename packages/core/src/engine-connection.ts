import {
  assertNever,
  Engine,
  ProtocolError,
  WireKitUsageError,
  type EngineEvent,
  type PreparedMessage,
  type Role,
} from '@wirekit/protocol';
import { closedError, quiet, rejected } from './base-connection.js';
import type { ByteChannel } from './byte-channel.js';
import { cancelTurn, nextTurn, systemClock, type Clock } from './clock.js';
import type { CloseInfo, Message } from './connection.js';
import { ConnectionPort, NO_EXTENSION_LIST, type PortTarget } from './connection-port.js';
import { closeMisuse, pingMisuse } from './misuse.js';
import { PingTracker } from './ping-tracker.js';
import { TicketedConnection } from './ticketed-connection.js';
import { DEFAULT_MAX_CONTROL_BACKLOG, DEFAULT_OUTPUT_STALL_TIMEOUT, OWN_OUTPUT_HIGH_WATER, type AcceptedHandshake, type EngineConnectionOptions, type PendingHandshake } from './engine-connection-options.js';
import { peerCloseError } from './peer-close-error.js';
import { checkControlPayload, notAMessage, notOpen, plain, type SendTicket } from './send-ticket.js';
import { utf8Length } from './utf8.js';
import { toWireKitError, WireKitError } from './wirekit-error.js';

const textEncoder = new TextEncoder();
const SEND_WHOLE = 0;
const SEND_PART = 1;
const SEND_LAST_PART = 2;
const ABNORMAL: CloseInfo = { code: 1006, reason: '', wasClean: false };
const DEFAULT_CLOSE_TIMEOUT = 5_000;
const NO_EXTENSIONS: AcceptedHandshake = { protocol: '', extensions: NO_EXTENSION_LIST, extensionsHeader: '' };

/**
 * The reusable {@link Connection}: the protocol `Engine` driven over a {@link ByteChannel}.
 * Every WebSocket transport of WireKit is this class over its own channel.
 *
 * It starts `connecting`; {@link establish} (or an accepted {@link PendingHandshake}) opens
 * it. `send()` resolves when the channel's write callback fires; `close()` runs the closing
 * handshake, and then, as RFC 6455 §7.1.1 asks, a server ends the transport at once while a
 * client waits for the server to do so, each at most `closeTimeout` before destroying it.
 * Peer faults never throw: they are reported through `error` events and end in `close`.
 */
export class EngineConnection extends TicketedConnection implements PortTarget {
  readonly url: string;
  private readonly channel: ByteChannel;
  private readonly clock: Clock;
  private readonly closeTimeout: number;
  /** Pings waiting for their pong, created by the first ping(). */
  private pings: PingTracker | null = null;
  private handshake: PendingHandshake | null;
  private engine: Engine<SendTicket> | null = null;
  private negotiatedProtocol = '';
  private negotiatedExtensions = '';
  /** Bytes not run through the engine yet (no handshake reader, or held by {@link establish}); null while none. */
  private early: Uint8Array[] | null = null;
  /** The clock's next turn that releases {@link early} bytes, or then fails a held violation; null when none is armed. */
  private turnTimer: unknown = null;
  /** How the WebSocket closed, from the engine; the connection is closed once the transport is too. */
  private engineClose: CloseInfo | null = null;
  private closeTimer: unknown = null;
  private failure: WireKitError | null = null;
  /** What pending operations fail with when the connection ends, when close() was given one. */
  private ending: WireKitError | null = null;
  private channelClosed = false;
  /** Bytes of frames the engine wrote on its own (pongs, Close) not yet handed to the OS. */
  private ownOutput = 0;
  private readonly maxControlBacklog: number;
  private readonly outputStallTimeout: number;
  /** Runs out when reading has been paused for our own output for outputStallTimeout; null while it is not paused so. */
  private stallTimer: unknown = null;
  private readonly onClose: ((connection: EngineConnection, info: CloseInfo) => void) | null;
  private readonly port: ConnectionPort;

  /**
   * Binds `channel` at once; the connection is `connecting` until the handshake is settled.
   * @throws {WireKitUsageError} WK_ERR_INVALID_ARGUMENT for a client without `random`, or a bad
   *   `closeTimeout`, `receiveHighWaterMark` or `maxBufferedAmount`.
   */
  constructor(channel: ByteChannel, options: EngineConnectionOptions) {
    super('connecting', options);
    if (options.role === 'client' && typeof options.random !== 'function') {
      throw new WireKitUsageError('WK_ERR_INVALID_ARGUMENT', 'a client connection needs `random` for masking keys (RFC 6455 §5.3)');
    }
    const closeTimeout = options.closeTimeout ?? DEFAULT_CLOSE_TIMEOUT;
    if (!(closeTimeout >= 0)) throw new WireKitUsageError('WK_ERR_INVALID_ARGUMENT', 'closeTimeout must be a number of ms ≥ 0');
    this.url = options.url;
    this.channel = channel;
    this.clock = options.clock ?? systemClock;
    this.closeTimeout = closeTimeout;
    this.handshake = options.handshake ?? null;
    this.maxControlBacklog = options.maxControlBacklog ?? DEFAULT_MAX_CONTROL_BACKLOG;
    if (!(this.maxControlBacklog > 0)) throw new WireKitUsageError('WK_ERR_INVALID_ARGUMENT', 'maxControlBacklog must be a number of bytes > 0');
    this.outputStallTimeout = options.outputStallTimeout ?? DEFAULT_OUTPUT_STALL_TIMEOUT;
    if (!(this.outputStallTimeout > 0)) throw new WireKitUsageError('WK_ERR_INVALID_ARGUMENT', 'outputStallTimeout must be a number of ms > 0');
    this.onClose = options.onClose ?? null;
    this.port = new ConnectionPort(this, options);
    channel.bind(this.port);
  }

  /** Which end of the WebSocket this connection is. */
  get role(): Role {
    return this.port.role;
  }

  get protocol(): string {
    return this.negotiatedProtocol;
  }

  get extensions(): string {
    return this.negotiatedExtensions;
  }

  /** The first error reported on this connection, or null. */
  get error(): WireKitError | null {
    return this.failure;
  }

  /**
   * Opens the connection with what the handshake settled: starts the engine, emits `state`
   * and `open`. The remainder and bytes received meanwhile wait (reading paused) for the
   * clock's next turn, when a client's connect() awaiter and a server's `connection` listeners
   * have run (not for a first consumer: it may be a wrapper, e.g. reconnecting()). So messages
   * before a violation can be answered, and its error reaches a listener or receive() instead
   * of firing before any could exist. A turn or two per connection with such bytes (every
   * client), none per message: `Clock.nextTurn` (setImmediate), not a 0 ms timer (≥ 1 ms in Node).
   * Ignored once the connection closed.
   * @throws {WireKitUsageError} WK_ERR_INVALID_ARGUMENT when it is already open.
   */
  establish(accepted: AcceptedHandshake = NO_EXTENSIONS): void {
    if (this.state === 'closed') return;
    if (this.engine !== null) throw new WireKitUsageError('WK_ERR_INVALID_ARGUMENT', 'the connection is already established');
    // Dropped with the handshake state it refers to (a client's request, its key).
    this.handshake = null;
    this.negotiatedProtocol = accepted.protocol;
    this.negotiatedExtensions = accepted.extensionsHeader;
    const port = this.port;
    // The handshake's empty list is replaced by a shared one: one array fewer per connection.
    if (accepted.extensions.length > 0) port.extensions = accepted.extensions;
    this.engine = new Engine<SendTicket>(port);
    // Every violation waits for the clock's next turn (holdViolation): the answers to messages
    // delivered before it, in this read or an earlier one of this turn, leave before its Close.
    this.engine.holdViolations = true;
    const remainder = accepted.remainder;
    if (remainder !== undefined && remainder.length > 0) (this.early ??= []).unshift(remainder);
    // A client's awaiter runs after this turn, so what its transport delivers in it waits too;
    // a server's listeners run in this turn: only its remainder is held.
    if (this.early !== null || port.role === 'client') {
      this.early ??= [];
      this.channel.pause();
      this.turnTimer = nextTurn(this.clock, () => this.releaseEarly());
    }
    this.setState('open');
  }

  /**
   * Sends one message, a string or a TextBytes as Text, other bytes as Binary; resolves when its bytes are
   * handed to the OS. Rejects WK_ERR_NOT_OPEN (domain usage) unless open, WK_ERR_BUFFER_FULL
   * when it would take bufferedAmount past `maxBufferedAmount` (nothing is sent), and
   * WK_ERR_CLOSED if the connection closes first, WK_ERR_INVALID_ARGUMENT for data that is not
   * a string or Uint8Array, or a TextBytes that is not UTF-8, WK_ERR_FRAGMENT_ORDER while a sendPart()
   * message is unfinished; never throws. A send nobody awaits never causes an unhandled rejection.
   */
  send(data: Message): Promise<void> {
    return this.submit(data, SEND_WHOLE);
  }

  /**
   * Sends part of a message (fragmentation on request, as NWConnection's `isComplete: false`);
   * the part with `isComplete` true ends it. Resolves and rejects as {@link send}, and
   * WK_ERR_FRAGMENT_ORDER when a part's type differs from the first part's.
   */
  sendPart(data: Message, isComplete: boolean): Promise<void> {
    return this.submit(data, isComplete ? SEND_LAST_PART : SEND_PART);
  }

  /**
   * Sends a Ping; resolves with the round-trip time in ms (from the clock) when its pong
   * arrives. Rejects WK_ERR_NOT_OPEN unless open, WK_ERR_CLOSED if the connection closes first,
   * WK_ERR_CONTROL_PAYLOAD_TOO_LONG over 125 bytes (RFC 6455 §5.5); never throws.
   */
  ping(payload: Uint8Array = new Uint8Array(0)): Promise<number> {
    const misuse = pingMisuse(payload);
    if (misuse !== null) return rejected(misuse);
    const engine = this.engine;
    if (this.state !== 'open' || engine === null) return rejected(notOpen(this.state));
    const rtt = quiet((this.pings ??= new PingTracker()).add(payload, this.clock.now()));
    engine.ping(payload);
    return rtt;
  }

  /**
   * Sends an unsolicited Pong, or the answer to a `ping` event when `autoPong` is false.
   * @throws {WireKitUsageError} WK_ERR_CONTROL_PAYLOAD_TOO_LONG; WK_ERR_NOT_OPEN unless open.
   */
  pong(payload: Uint8Array = new Uint8Array(0)): void {
    checkControlPayload(payload);
    if (this.state !== 'open' || this.engine === null) throw new WireKitUsageError('WK_ERR_NOT_OPEN', `cannot pong: the connection is ${this.state}`);
    this.engine.pong(payload);
  }

  /**
   * Starts the closing handshake and resolves with how the connection closed. While
   * connecting it aborts (1006); once closing or closed it just returns {@link closed}.
   * If the peer's Close does not arrive within `closeTimeout`, WK_ERR_CLOSE_TIMEOUT is
   * reported, the transport destroyed, and the connection closes with 1006. Reading resumes
   * if it was paused (`receiveHighWaterMark`), so that the peer's Close is seen.
   * @param ending what receive(), ping() and sends still pending when the connection ends
   *   reject with, instead of WK_ERR_CLOSED (a server shutting down passes WK_ERR_SERVER_CLOSED).
   * Rejects (never throws, whatever the state) WK_ERR_INVALID_CLOSE_CODE (1005, 1006, 1015,
   * reserved codes), WK_ERR_CLOSE_REASON_TOO_LONG (over 123 bytes); nothing is sent then.
   */
  close(code?: number, reason?: string, ending?: WireKitError): Promise<CloseInfo> {
    const misuse = closeMisuse(code, reason);
    if (misuse !== null) return rejected(misuse);
    if (ending !== undefined && this.state !== 'closed') this.ending ??= ending;
    if (this.state === 'connecting') this.terminate();
    else if (this.engine?.heldViolation != null) this.engine.failHeld();
    else if (this.state === 'open' && this.engine !== null) {
      this.setState('closing');
      this.engine.close(code, reason);
      this.stopFlowControl();
      this.armCloseTimer();
      // Bytes held since the handshake are read now: the peer's answer to our Close is behind them.
      this.releaseEarly();
    }
    return this.closed;
  }

  /** Aborts now: the transport is destroyed and the connection closes with 1006 (after reporting `error`, if given). */
  terminate(error?: WireKitError): void {
    if (this.state === 'closed') return;
    // A violation held for the application's answer is still the reason the connection ends.
    this.engine?.failHeld();
    if (error !== undefined) this.fail(error);
    this.settle();
    this.engine?.transportClosed();
    this.channel.destroy();
  }

  /**
   * The send path shared by send() and sendPart(), with no closure per message.
   * @param how SEND_WHOLE, SEND_PART or SEND_LAST_PART.
   */
  private submit(data: Message, how: number): Promise<void> {
    if (typeof data !== 'string' && !(data instanceof Uint8Array)) return rejected(notAMessage());
    const engine = this.engine;
    if (this.state !== 'open' || engine === null) return rejected(notOpen(this.state));
    // A whole text message is encoded once: the bytes give bufferedAmount its size and become the payload.
    const utf8 = how === SEND_WHOLE && typeof data === 'string' ? textEncoder.encode(data) : null;
    const size = utf8 !== null ? utf8.length : typeof data === 'string' ? utf8Length(data) : data.length;
    const full = this.bufferFull(size);
    if (full !== null) return rejected(full);
    const done = this.openTicket(size);
    const ticket = this.lastTicket!;
    try {
      if (utf8 !== null) engine.sendUtf8Text(utf8, ticket);
      else if (how === SEND_WHOLE) engine.send(data, ticket);
      else engine.sendPart(data, how === SEND_LAST_PART, ticket);
    } catch (error) {
      this.settleTicket(ticket, error);
    }
    return done;
  }

  /**
   * Sends a message framed once for many connections (protocol's `prepareMessage`): a server's
   * broadcast writes the same frame to every recipient. Resolves and rejects as {@link send};
   * `given` a ticket (a broadcast's, of the payload's size) it settles that instead, with no promise.
   */
  sendPrepared(message: PreparedMessage, given?: SendTicket): Promise<void> | undefined {
    const engine = this.engine;
    const refused = this.state !== 'open' || engine === null ? notOpen(this.state) : this.bufferFull(message.payload.length);
    if (refused !== null) return given === undefined ? rejected(refused) : void given.reject(refused);
    const done = given === undefined ? this.openTicket(message.payload.length) : this.linkTicket(given);
    const ticket = this.lastTicket!;
    try {
      engine!.sendPrepared(message, ticket);
    } catch (error) {
      this.settleTicket(ticket, error);
    }
    return done;
  }

  /** @internal The {@link ConnectionPort}'s to call. A write that succeeded gives the engine back the buffers it lent (Engine.written). */
  write(chunks: Uint8Array[], ticket: SendTicket | undefined): void {
    if (ticket === undefined) return this.writeOwn(chunks);
    this.channel.write(chunks, (error) => (error === undefined && this.engine?.written(chunks), this.settleTicket(ticket, error)));
  }

  /**
   * Writes a frame the engine sent on its own (a pong, a Close): counted in bufferedAmount like
   * any output, and bounded. Past OWN_OUTPUT_HIGH_WATER reading pauses, so a peer that pings
   * and does not read fills its own buffers; past `maxControlBacklog` (a channel that delivers
   * while paused) the connection fails with 1008, WK_ERR_OUTPUT_BACKLOG, and so it does when
   * reading stays paused so for `outputStallTimeout` (a peer that never reads).
   */
  private writeOwn(chunks: Uint8Array[]): void {
    let size = 0;
    for (const chunk of chunks) size += chunk.length;
    this.ownOutput += size;
    this.pendingBytes += size;
    this.channel.write(chunks, () => {
      this.ownOutput -= size;
      this.pendingBytes -= size;
      if (this.ownOutput <= OWN_OUTPUT_HIGH_WATER / 2) this.ownOutputStalled(false);
    });
    if (this.ownOutput > this.maxControlBacklog) {
      this.engine?.abort(new ProtocolError('WK_ERR_OUTPUT_BACKLOG', `${this.ownOutput} bytes of pongs and Close the peer does not read (maxControlBacklog ${this.maxControlBacklog})`));
    } else if (this.ownOutput > OWN_OUTPUT_HIGH_WATER) this.ownOutputStalled(true);
  }

  /** Pauses reading while our own output backs up, and fails the connection if it stays so for outputStallTimeout. */
  private ownOutputStalled(stalled: boolean): void {
    // The wait first, then the flow: resuming may read at once (a stream pair) and stall again.
    if (stalled) {
      this.stallTimer ??= this.clock.setTimeout(() => {
        this.stallTimer = null;
        if (this.state === 'open') this.engine?.abort(new ProtocolError('WK_ERR_OUTPUT_BACKLOG', `the peer read none of our pongs and Close for ${this.outputStallTimeout} ms (outputStallTimeout)`));
      }, this.outputStallTimeout);
    } else if (this.stallTimer !== null) {
      this.clock.clearTimeout(this.stallTimer);
      this.stallTimer = null;
    }
    this.outputBlocked(stalled);
  }

  /** @internal The {@link ConnectionPort}'s to call, not part of the Connection API. */
  onData(chunk: Uint8Array): void {
    if (this.state === 'closed') return;
    const engine = this.engine;
    if (engine !== null && this.early === null) {
      engine.receive(chunk);
      if (engine.heldViolation !== null) this.holdViolation();
      // Messages handed to an asynchronous extension count towards receiveHighWaterMark.
      else if (engine.decodeBacklog > 0) this.updateFlow();
      return;
    }
    if (this.handshake === null) {
      (this.early ??= []).push(chunk);
      return;
    }
    const outcome = this.handshake.receive(chunk);
    if (outcome === null) return;
    this.handshake = null;
    if (outcome.kind === 'rejected') return this.terminate(outcome.error);
    this.establish(outcome);
  }

  /** Runs the bytes held since the handshake through the engine (once), and reads again; violations wait a turn. */
  private releaseEarly(): void {
    const engine = this.engine;
    const early = this.early;
    if (early === null || engine === null || this.state === 'closed') return;
    this.early = null;
    if (this.turnTimer !== null) cancelTurn(this.clock, this.turnTimer);
    this.turnTimer = null;
    for (const chunk of early) engine.receive(chunk);
    if (engine.heldViolation !== null) this.holdViolation();
    // After them: a channel may deliver what it kept while paused within resume() itself.
    this.channel.resume();
  }

  /**
   * The engine held a peer's violation (`holdViolations`, always on here): the connection fails
   * on the clock's next turn, so that the answers of a `message` listener, a `for await` loop or
   * a receive() chain (microtasks) to the messages before it leave before the Close, as ws and
   * Autobahn expect; the engine ignores input meanwhile. Only the error path pays for the timer.
   */
  private holdViolation(): void {
    if (this.turnTimer !== null) return;
    this.turnTimer = nextTurn(this.clock, () => {
      this.turnTimer = null;
      this.engine?.failHeld();
    });
  }

  /** The peer ended its side. Before a completed closing handshake this is 1006 (RFC 6455 §7.1.5). */
  /** @internal The {@link ConnectionPort}'s to call, not part of the Connection API. */
  onEnd(): void {
    if (this.state === 'closed') return;
    this.engine?.failHeld();
    this.engine?.transportClosed();
    this.channel.end();
    this.armCloseTimer();
  }

  /** @internal The {@link ConnectionPort}'s to call, not part of the Connection API. */
  onTransportError(cause: Error): void {
    // After the closing handshake (or a failure already reported) a reset is no news.
    if (this.state === 'closed' || this.engineClose !== null) return;
    this.fail(toWireKitError(cause));
    this.engine?.transportClosed();
  }

  /** @internal The {@link ConnectionPort}'s to call, not part of the Connection API. */
  onChannelClose(): void {
    this.channelClosed = true;
    if (this.state !== 'closed') this.engine?.failHeld();
    this.engine?.transportClosed();
    this.settle();
  }

  /** @internal The {@link ConnectionPort}'s to call, not part of the Connection API. */
  onEngineEvent(event: EngineEvent): void {
    switch (event.type) {
      case 'utf8':
      case 'text':
        return this.deliver(event.data);
      case 'binary':
        return this.deliver(plain(event.data));
      case 'ping':
        this.emitter.emit('ping', plain(event.data));
        return;
      case 'pong':
        this.pings?.pong(event.data, this.clock.now());
        this.emitter.emit('pong', plain(event.data));
        return;
      case 'protocol-error': {
        const error = toWireKitError(event.error);
        // What receive(), ping() and pending sends reject with: the violation, not WK_ERR_CLOSED.
        if (this.state !== 'closed') this.ending ??= error;
        return this.fail(error);
      }
      case 'close': {
        if (this.state === 'closed') return;
        this.engineClose ??= { code: event.code, reason: event.reason, wasClean: event.wasClean };
        // The transport is already gone (transportClosed): its own close event settles the connection.
        if (event.initiator === 'failure' && event.code === 1006) return;
        if (event.initiator === 'remote' && this.failure === null) {
          const refused = peerCloseError(event);
          if (refused !== null) this.fail(refused);
        }
        if (this.state === 'open') this.setState('closing');
        // RFC 6455 §7.1.1: the server closes the TCP connection first; a client waits for it.
        if (!this.channelClosed && (this.role === 'server' || event.initiator === 'failure')) this.channel.end();
        this.armCloseTimer();
        return;
      }
      default:
        return assertNever(event);
    }
  }

  private fail(error: WireKitError): void {
    this.failure ??= error;
    this.reportError(error);
  }

  private armCloseTimer(): void {
    if (this.closeTimer !== null || this.state === 'closed') return;
    this.closeTimer = this.clock.setTimeout(() => {
      this.closeTimer = null;
      if (this.state === 'closed') return;
      if (this.engineClose === null) {
        this.fail(new WireKitError('WK_ERR_CLOSE_TIMEOUT', `no Close frame from the peer within ${this.closeTimeout} ms`));
      }
      this.terminate();
    }, this.closeTimeout);
  }

  /** The connection is over: everything pending fails, and the close is reported once. */
  private settle(): void {
    if (this.state === 'closed') return;
    if (this.closeTimer !== null) this.clock.clearTimeout(this.closeTimer);
    this.closeTimer = null;
    if (this.turnTimer !== null) cancelTurn(this.clock, this.turnTimer);
    this.turnTimer = null;
    this.early = null;
    if (this.stallTimer !== null) this.clock.clearTimeout(this.stallTimer);
    this.stallTimer = null;
    const info = this.engineClose ?? ABNORMAL;
    // Built only for what is pending (a stack trace per close costs ~20 µs), once for all of it.
    const closed = this.firstTicket !== null || (this.pings?.size ?? 0) > 0 ? (this.ending ?? closedError(info)) : this.ending;
    if (closed !== null) {
      this.pings?.fail(closed);
      this.settleTickets(closed);
    }
    this.finish(info, closed ?? undefined);
    this.onClose?.(this, info);
  }

  protected pauseReading(): void {
    this.channel.pause();
  }

  protected override holdDecoding(held: boolean): void {
    this.engine?.holdDecoding(held);
  }

  protected override get inputBacklog(): number {
    return this.engine?.decodeBacklog ?? 0;
  }

  protected resumeReading(): void {
    this.channel.resume();
  }
}
