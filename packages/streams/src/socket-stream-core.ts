import { isIP, connect as netConnect, type Socket } from 'node:net';
import { connect as tlsConnect, type TLSSocket } from 'node:tls';
import { toWireKitError, WireKitError, type TlsOptions } from '@wirekit/core';
import { WireKitUsageError } from '@wirekit/protocol';
import { StreamEvent, StreamPropertyKey, StreamSocketSecurityLevel, StreamStatus, type StreamEventCode, type StreamPairOptions, type StreamStatusCode } from './stream-constants.js';

/** Which stream of the pair. */
export type Side = 'input' | 'output';

/** What the core calls to hand an event to a stream's delegate. */
export type Dispatch = (side: Side, event: StreamEventCode) => void;

interface SideState {
  status: StreamStatusCode;
  error: WireKitError | null;
  /** An availability event was delivered (or queued) and the app has not read or written since. */
  signalled: boolean;
}

const DEFAULT_READ_HIGH_WATER_MARK = 64 * 1024;
const DEFAULT_WRITE_CAPACITY = 64 * 1024;
const LIVE: ReadonlySet<StreamStatusCode> = new Set([StreamStatus.opening, StreamStatus.open, StreamStatus.atEnd]);

function positive(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || value <= 0) throw new WireKitUsageError('WK_ERR_INVALID_ARGUMENT', `${name} must be a positive integer, got ${String(value)}`);
  return value;
}

/**
 * The one socket behind an `InputStream`/`OutputStream` pair, as CFNetwork's socket stream:
 * the connection is made when either stream opens, properties are shared, and each stream has
 * its own status, error and delegate events. Events go through one ordered queue, delivered
 * on a microtask (the run loop's role), and are dropped for a stream that was closed since.
 *
 * Backpressure is real both ways: the input side pauses the socket once `readHighWaterMark`
 * bytes wait to be read, and the output side accepts at most `writeCapacity` bytes not yet
 * handed to the OS.
 */
export class SocketStreamCore {
  readonly input: SideState = { status: StreamStatus.notOpen, error: null, signalled: false };
  readonly output: SideState = { status: StreamStatus.notOpen, error: null, signalled: false };
  readonly properties = new Map<string, unknown>();
  readonly readHighWaterMark: number;
  readonly writeCapacity: number;
  private socket: Socket | null = null;
  private connected = false;
  private socketClosed = false;
  private failure: WireKitError | null = null;
  private inbox: Uint8Array[] = [];
  private inboxBytes = 0;
  private peerEnded = false;
  private paused = false;
  /** The socket is held corked for the rest of this turn (see corkForTurn). */
  private corked = false;
  private flushedBytes = 0;
  private readonly queue: Array<readonly [Side, StreamEventCode]> = [];
  private draining = false;
  private readonly flushListeners = new Set<(flushed: number) => void>();
  private readonly closeListeners = new Set<() => void>();

  constructor(
    readonly host: string,
    readonly port: number,
    options: StreamPairOptions,
    private readonly dispatch: Dispatch,
  ) {
    if (typeof host !== 'string' || host === '') throw new WireKitUsageError('WK_ERR_INVALID_ARGUMENT', 'getStreamsToHost needs a host name or address');
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new WireKitUsageError('WK_ERR_INVALID_ARGUMENT', `port must be an integer 0–65535, got ${String(port)}`);
    this.readHighWaterMark = positive(options.readHighWaterMark, DEFAULT_READ_HIGH_WATER_MARK, 'readHighWaterMark');
    this.writeCapacity = positive(options.writeCapacity, DEFAULT_WRITE_CAPACITY, 'writeCapacity');
  }

  /** Bytes received and not yet read. */
  get inboxLength(): number {
    return this.inboxBytes;
  }

  /** Bytes accepted by write() and not yet handed to the OS. */
  get outboxLength(): number {
    return this.socket?.writableLength ?? 0;
  }

  /** Total bytes of the output side handed to the OS so far. */
  get flushed(): number {
    return this.flushedBytes;
  }

  /** Whether the socket is gone (closed, or never to be made after an abort). */
  get isClosed(): boolean {
    return this.socketClosed;
  }

  get hasBytesAvailable(): boolean {
    return this.input.status === StreamStatus.open && this.inboxBytes > 0;
  }

  get hasSpaceAvailable(): boolean {
    return this.output.status === StreamStatus.open && this.socket !== null && this.socket.writableLength < this.writeCapacity;
  }

  onFlush(listener: (flushed: number) => void): void {
    this.flushListeners.add(listener);
  }

  onClose(listener: () => void): void {
    this.closeListeners.add(listener);
  }

  open(side: Side): void {
    const state = this[side];
    if (state.status !== StreamStatus.notOpen) return;
    state.status = StreamStatus.opening;
    if (this.failure !== null) this.failSide(side, this.failure);
    // A pair's socket is used once: a stream opened after it closed has nothing to talk to.
    else if (this.socketClosed) this.failSide(side, new WireKitError('WK_ERR_CONNECTION_RESET', 'the stream pair is already closed'));
    else if (this.connected) this.opened(side);
    else if (this.socket === null) this.dial();
  }

  close(side: Side): void {
    const state = this[side];
    if (state.status === StreamStatus.closed) return;
    const wasOpen = state.status !== StreamStatus.notOpen;
    state.status = StreamStatus.closed;
    if (side === 'input') {
      // A closed input discards what arrives, so that the peer is never blocked by it.
      this.inbox = [];
      this.inboxBytes = 0;
      this.setPaused(false);
    } else if (wasOpen && this.socket !== null && !this.socket.destroyed) {
      // Closing the output stream sends FIN after the bytes it already accepted.
      this.socket.end();
    }
    const other = this[side === 'input' ? 'output' : 'input'].status;
    if (other === StreamStatus.closed || other === StreamStatus.notOpen) this.release();
  }

  /** Aborts the pair: the socket is destroyed, both streams closed, unflushed bytes dropped. */
  abort(): void {
    this.input.status = StreamStatus.closed;
    this.output.status = StreamStatus.closed;
    this.inbox = [];
    this.inboxBytes = 0;
    if (this.socket !== null && !this.socketClosed) this.socket.destroy();
    else if (this.socket === null && !this.socketClosed) {
      this.socketClosed = true;
      queueMicrotask(() => this.emitClose());
    }
  }

  read(buffer: Uint8Array, maxLength: number): number {
    const state = this.input;
    switch (state.status) {
      case StreamStatus.error:
        return -1;
      case StreamStatus.atEnd:
      case StreamStatus.opening:
        return 0;
      case StreamStatus.open:
        break;
      default:
        throw new WireKitUsageError('WK_ERR_NOT_OPEN', 'read() on an input stream that is not open');
    }
    state.signalled = false;
    let filled = 0;
    while (filled < maxLength && this.inbox.length > 0) {
      const chunk = this.inbox[0]!;
      const used = Math.min(chunk.length, maxLength - filled);
      buffer.set(chunk.subarray(0, used), filled);
      filled += used;
      if (used === chunk.length) this.inbox.shift();
      else this.inbox[0] = chunk.subarray(used);
    }
    this.inboxBytes -= filled;
    if (this.inboxBytes < this.readHighWaterMark) this.setPaused(false);
    if (this.inboxBytes > 0) this.signalBytes();
    else if (this.peerEnded) this.reachEnd();
    return filled;
  }

  write(buffer: Uint8Array, length: number): number {
    const state = this.output;
    switch (state.status) {
      case StreamStatus.error:
        return -1;
      case StreamStatus.opening:
        return 0;
      case StreamStatus.open:
        break;
      default:
        throw new WireKitUsageError('WK_ERR_NOT_OPEN', 'write() on an output stream that is not open');
    }
    const socket = this.socket!;
    if (socket.destroyed) return -1;
    state.signalled = false;
    const space = this.writeCapacity - socket.writableLength;
    if (space <= 0 || length === 0) return 0;
    const count = Math.min(length, space);
    // A copy: the caller may reuse its buffer as soon as write() returns, as with Foundation.
    const copy = Buffer.from(buffer.subarray(0, count));
    this.corkForTurn(socket);
    socket.write(copy, (error) => {
      if (error !== undefined && error !== null) return;
      this.flushedBytes += count;
      for (const listener of this.flushListeners) listener(this.flushedBytes);
      this.signalSpace();
    });
    return count;
  }

  /**
   * Holds the socket corked until the end of this turn of the event loop, so that every write()
   * of one turn (a frame's header and payload, the answers to one read) reaches the kernel in
   * one system call instead of one each, as Foundation's run loop hands a stream's buffer to the
   * socket once per pass. Measured in packages/bench: the write call was half the CPU time with
   * 64-byte messages. Nothing waits beyond the current turn.
   */
  private corkForTurn(socket: Socket): void {
    if (this.corked) return;
    this.corked = true;
    socket.cork();
    process.nextTick(() => {
      this.corked = false;
      socket.uncork();
    });
  }

  private dial(): void {
    const level = this.properties.get(StreamPropertyKey.socketSecurityLevelKey) ?? StreamSocketSecurityLevel.none;
    const tls = level === StreamSocketSecurityLevel.none ? null : ((this.properties.get(StreamPropertyKey.sslSettings) ?? {}) as TlsOptions);
    const { host, port } = this;
    const socket =
      tls === null
        ? netConnect({ host, port, allowHalfOpen: true })
        : tlsConnect({
            host,
            port,
            // Honoured by tls.connect (it passes it to the TLSSocket) though @types/node omits it.
            ...({ allowHalfOpen: true } as object),
            // RFC 6066 §3: SNI carries host names only, never IP literals.
            ...(tls.servername !== undefined ? { servername: tls.servername } : isIP(host) === 0 ? { servername: host } : {}),
            ...(tls.ca === undefined ? {} : { ca: toCaList(tls.ca) }),
            rejectUnauthorized: tls.rejectUnauthorized ?? true,
          });
    this.socket = socket;
    socket.once(tls === null ? 'connect' : 'secureConnect', () => {
      const refusal = tls?.verifyPeer === undefined ? null : checkPeer(socket as TLSSocket, tls.verifyPeer);
      if (refusal !== null) {
        this.fail(refusal);
        socket.destroy();
        return;
      }
      socket.setNoDelay(true);
      this.connected = true;
      for (const side of ['input', 'output'] as const) if (this[side].status === StreamStatus.opening) this.opened(side);
    });
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('end', () => {
      this.peerEnded = true;
      if (this.inboxBytes === 0) this.reachEnd();
    });
    socket.on('error', (error) => this.fail(toWireKitError(error)));
    socket.on('close', () => {
      this.socketClosed = true;
      this.emitClose();
    });
  }

  private opened(side: Side): void {
    this[side].status = StreamStatus.open;
    this.notify(side, StreamEvent.openCompleted);
    if (side === 'output') this.signalSpace();
    else if (this.inboxBytes > 0) this.signalBytes();
    else if (this.peerEnded) this.reachEnd();
  }

  private onData(chunk: Buffer): void {
    if (this.input.status === StreamStatus.closed) return;
    this.inbox.push(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
    this.inboxBytes += chunk.byteLength;
    if (this.inboxBytes >= this.readHighWaterMark) this.setPaused(true);
    this.signalBytes();
  }

  private setPaused(paused: boolean): void {
    if (this.paused === paused || this.socket === null) return;
    this.paused = paused;
    if (paused) this.socket.pause();
    else this.socket.resume();
  }

  private signalBytes(): void {
    const state = this.input;
    if (state.status !== StreamStatus.open || state.signalled || this.inboxBytes === 0) return;
    state.signalled = true;
    this.notify('input', StreamEvent.hasBytesAvailable);
  }

  private signalSpace(): void {
    const state = this.output;
    if (state.signalled || !this.hasSpaceAvailable) return;
    state.signalled = true;
    this.notify('output', StreamEvent.hasSpaceAvailable);
  }

  private reachEnd(): void {
    if (this.input.status !== StreamStatus.open) return;
    this.input.status = StreamStatus.atEnd;
    this.notify('input', StreamEvent.endEncountered);
  }

  private fail(error: WireKitError): void {
    if (this.failure !== null) return;
    this.failure = error;
    for (const side of ['input', 'output'] as const) if (LIVE.has(this[side].status)) this.failSide(side, error);
  }

  private failSide(side: Side, error: WireKitError): void {
    const state = this[side];
    // An input already at its end has nothing more to lose.
    if (side === 'input' && state.status === StreamStatus.atEnd) return;
    state.status = StreamStatus.error;
    state.error = error;
    this.notify(side, StreamEvent.errorOccurred);
  }

  /** Both streams are closed: end the socket after what was accepted, then destroy it. */
  private release(): void {
    const socket = this.socket;
    if (socket === null) return this.abort();
    if (this.socketClosed || socket.destroyed) return;
    if (!this.connected || socket.writableFinished) {
      socket.destroy();
      return;
    }
    socket.end();
    socket.once('finish', () => socket.destroy());
  }

  private emitClose(): void {
    for (const listener of this.closeListeners) listener();
    this.closeListeners.clear();
  }

  private notify(side: Side, event: StreamEventCode): void {
    this.queue.push([side, event]);
    if (this.draining) return;
    this.draining = true;
    queueMicrotask(() => this.drain());
  }

  private drain(): void {
    try {
      for (let next = this.queue.shift(); next !== undefined; next = this.queue.shift()) {
        const [side, event] = next;
        const status = this[side].status;
        if (status === StreamStatus.closed || status === StreamStatus.notOpen) continue;
        try {
          this.dispatch(side, event);
        } catch (error) {
          // A throwing delegate is the app's bug: surface it as an uncaught error, keep delivering.
          queueMicrotask(() => {
            throw error;
          });
        }
      }
    } finally {
      this.draining = false;
    }
  }
}

function toCaList(ca: NonNullable<TlsOptions['ca']>): Array<string | Buffer> {
  const list = typeof ca === 'string' || ca instanceof Uint8Array ? [ca] : ca;
  return list.map((entry) => (typeof entry === 'string' ? entry : Buffer.from(entry.buffer, entry.byteOffset, entry.byteLength)));
}

/** Runs a `verifyPeer` pinning hook on a connected TLS socket; returns the refusal, or null. */
function checkPeer(socket: TLSSocket, verifyPeer: NonNullable<TlsOptions['verifyPeer']>): WireKitError | null {
  const cert = socket.getPeerCertificate(true);
  let verdict: boolean | Error;
  try {
    verdict = verifyPeer({ fingerprint256: cert.fingerprint256, subject: { ...cert.subject }, raw: new Uint8Array(cert.raw) });
  } catch (error) {
    verdict = error instanceof Error ? error : new Error(String(error));
  }
  if (verdict === true) return null;
  const detail = verdict instanceof Error ? `: ${verdict.message}` : ' by the verifyPeer hook';
  return new WireKitError('WK_ERR_TLS', `the server certificate was refused${detail}`, { cause: verdict });
}
