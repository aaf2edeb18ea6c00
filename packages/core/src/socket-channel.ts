import { concat } from '@wirekit/protocol';
import type { ByteChannel, ByteChannelHandlers } from './byte-channel.js';

/**
 * The shape of a Node `net.Socket` or `tls.TLSSocket` that {@link socketChannel} needs,
 * written structurally so that core imports nothing from `node:` and stays browser-safe.
 */
export interface DuplexSocketLike {
  write(chunk: Uint8Array, callback?: (error?: Error | null) => void): boolean;
  cork?(): void;
  uncork?(): void;
  end(): unknown;
  destroy(error?: Error): unknown;
  pause(): unknown;
  resume(): unknown;
  on(event: 'data', listener: (chunk: Uint8Array) => void): unknown;
  on(event: 'end' | 'close' | 'drain', listener: () => void): unknown;
  on(event: 'error', listener: (error: Error) => void): unknown;
  off(event: 'data', listener: (chunk: Uint8Array) => void): unknown;
  off(event: 'end' | 'close' | 'drain', listener: () => void): unknown;
  off(event: 'error', listener: (error: Error) => void): unknown;
  /** Bytes written and not yet handed to the OS. */
  readonly writableLength: number;
  /** Where `write()` starts returning false; Node's default when absent. */
  readonly writableHighWaterMark?: number;
  /** When present and true, writes fail at once instead of reaching the socket. */
  readonly destroyed?: boolean;
  readonly writableEnded?: boolean;
}

/** Node's default high-water mark of a socket (16 KiB), for a socket-like that has none. */
const DEFAULT_HIGH_WATER_MARK = 16 * 1024;

/** Where a socket's listeners find their channel: one property instead of a closure per listener. */
const CHANNEL = Symbol('wirekit.socketChannel');

type BoundSocket = DuplexSocketLike & { [CHANNEL]?: SocketChannel };

/**
 * Adapts a connected Node socket (or anything shaped like one) to the {@link ByteChannel} SPI.
 * `write()` holds the chunks written in one turn of the event loop and hands them to the socket
 * at its end, so every frame sent in one turn, a frame's header and payload, the answers to the
 * messages of one read, a burst of sends, a broadcast's frames, leaves in one system call instead
 * of one each (with 64-byte messages pipelined, one call per message was half of a client's CPU
 * time). Small chunks (at most {@link JOIN_AVERAGE} bytes each on average) are joined into one
 * buffer, one `socket.write` with one callback, rather than written to a corked socket one by one:
 * Node keeps a record and a callback per corked write, which a broadcast to thousands of sockets
 * paid per recipient in garbage. Larger ones are written to the corked socket as they are.
 * Nothing waits longer than the current turn, so a lone send's latency is unchanged. Each write's
 * `done` runs once the socket's callback for the turn's batch reports it handed to the OS (or
 * with the error that stopped it). A write after the socket was ended or destroyed fails
 * through its callback, never with an `error` event.
 *
 * The socket's listeners are attached by `bind()`; until then its data stays in its buffer
 * (a socket in paused mode with no `data` listener does not read). They are module-level
 * functions that find the channel through a symbol property of the socket (Node calls a
 * listener with `this` set to its emitter), so a connection costs no closure per listener;
 * a socket therefore carries one channel.
 */
export function socketChannel(socket: DuplexSocketLike): ByteChannel {
  return new SocketChannel(socket);
}

/**
 * Runs `flush` at the end of the current turn: `process.nextTick` where there is one (Node, Bun,
 * Deno), else a microtask. Looked up once; core imports nothing from `node:`.
 */
const endOfTurn: (flush: () => void) => void = (() => {
  const nextTick = (globalThis as { process?: { nextTick?: (fn: () => void) => void } }).process?.nextTick;
  return typeof nextTick === 'function' ? nextTick : queueMicrotask;
})();

/**
 * Chunks up to this size on average are joined into one buffer at the end of a turn: copying a
 * KiB costs less than one more write through Node's stream (the frame encoder joins a header and
 * a payload up to the same size, for the same reason).
 */
const JOIN_AVERAGE = 1024;
/** The most bytes joined into one buffer; more go out through the corked socket uncopied. */
const JOIN_MAX = 256 * 1024;

/**
 * The channels written in this turn, in the order of their first write, flushed together at its
 * end: one callback per turn rather than one per channel (a broadcast writes to thousands of
 * sockets in one turn, and its first recipients' bytes leave first).
 */
let writtenThisTurn: SocketChannel[] = [];

function flushAtTurnEnd(): void {
  const channels = writtenThisTurn;
  // Writes made while these flush (none from Node, whose callbacks come later) start a new list.
  writtenThisTurn = [];
  for (const channel of channels) channel.flush();
}

type Done = (error?: Error) => void;

/** Runs every `done` of one batch with the outcome of its socket write. */
function completeAll(dones: readonly Done[], error?: Error | null): void {
  for (const done of dones) done(error ?? undefined);
}

function failLater(dones: readonly Done[], socket: DuplexSocketLike): void {
  const error = new Error(socket.destroyed === true ? 'the socket is destroyed' : 'the socket has ended');
  queueMicrotask(() => completeAll(dones, error));
}

class SocketChannel implements ByteChannel {
  current: ByteChannelHandlers | null = null;
  closed = false;
  /** The chunks written this turn, not yet handed to the socket (reused from turn to turn). */
  private readonly queued: Uint8Array[] = [];
  private queuedBytes = 0;
  /** The callbacks of this turn's writes, in order; null while nothing is queued. */
  private dones: Done[] | null = null;

  constructor(private readonly socket: DuplexSocketLike) {}

  write(chunks: readonly Uint8Array[], done: Done): boolean {
    const socket = this.socket;
    if (socket.destroyed === true || socket.writableEnded === true) {
      failLater([done], socket);
      return false;
    }
    if (chunks.length === 0) {
      queueMicrotask(() => done());
      return true;
    }
    if (this.dones === null) {
      this.dones = [];
      if (writtenThisTurn.length === 0) endOfTurn(flushAtTurnEnd);
      writtenThisTurn.push(this);
    }
    this.dones.push(done);
    for (const chunk of chunks) {
      this.queued.push(chunk);
      this.queuedBytes += chunk.length;
    }
    return this.bufferedAmount < (socket.writableHighWaterMark ?? DEFAULT_HIGH_WATER_MARK);
  }

  /** Hands this turn's writes to the socket: joined when small, else through the corked socket. */
  flush(): void {
    const dones = this.dones;
    if (dones === null) return;
    this.dones = null;
    const { socket, queued } = this;
    const bytes = this.queuedBytes;
    this.queuedBytes = 0;
    if (socket.destroyed === true || socket.writableEnded === true) {
      queued.length = 0;
      return failLater(dones, socket);
    }
    const completion = (error?: Error | null): void => completeAll(dones, error);
    if (queued.length === 1) socket.write(queued[0]!, completion);
    else if (bytes <= JOIN_AVERAGE * queued.length && bytes <= JOIN_MAX) socket.write(concat(queued, bytes), completion);
    else {
      socket.cork?.();
      const last = queued.length - 1;
      for (let index = 0; index < last; index++) socket.write(queued[index]!);
      socket.write(queued[last]!, completion);
      socket.uncork?.();
    }
    queued.length = 0;
  }

  get bufferedAmount(): number {
    return this.socket.writableLength + this.queuedBytes;
  }

  end(): void {
    this.flush();
    // Ending a socket already ended or destroyed does nothing but make Node build an error (a
    // stack trace) for a callback nobody passed: ~20 µs per closed connection in a handshake profile.
    if (this.socket.writableEnded === true || this.socket.destroyed === true) return;
    this.socket.end();
  }

  destroy(error?: Error): void {
    const dones = this.dones;
    this.dones = null;
    this.queued.length = 0;
    this.queuedBytes = 0;
    this.socket.destroy(error);
    if (dones !== null) failLater(dones, this.socket);
  }

  pause(): void {
    this.socket.pause();
  }

  resume(): void {
    this.socket.resume();
  }

  bind(handlers: ByteChannelHandlers): void {
    // Rebinding swaps the target; the socket keeps one set of listeners.
    const first = this.current === null;
    this.current = handlers;
    if (!first) return;
    const socket = this.socket as BoundSocket;
    socket[CHANNEL] = this;
    socket.on('data', onSocketData);
    socket.on('end', onSocketEnd);
    // Stays attached after close: a late error must not become an uncaught exception.
    socket.on('error', onSocketError);
    socket.on('drain', onSocketDrain);
    socket.on('close', onSocketClose);
  }
}

function channelOf(socket: BoundSocket): SocketChannel {
  return socket[CHANNEL]!;
}

function onSocketData(this: BoundSocket, chunk: Uint8Array): void {
  // A plain Uint8Array view of Node's Buffer: what the SPI promises, with no copy.
  channelOf(this).current!.data(chunk.constructor === Uint8Array ? chunk : new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
}

function onSocketEnd(this: BoundSocket): void {
  channelOf(this).current!.end();
}

function onSocketError(this: BoundSocket, cause: Error): void {
  const channel = channelOf(this);
  if (!channel.closed) channel.current!.error(cause);
}

function onSocketDrain(this: BoundSocket): void {
  channelOf(this).current!.drain();
}

function onSocketClose(this: BoundSocket): void {
  const channel = channelOf(this);
  channel.closed = true;
  this.off('data', onSocketData);
  this.off('end', onSocketEnd);
  this.off('drain', onSocketDrain);
  this.off('close', onSocketClose);
  channel.current!.close();
}
