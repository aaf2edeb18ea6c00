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
  /** When present and true, writes fail at once instead of reaching the socket. */
  readonly destroyed?: boolean;
  readonly writableEnded?: boolean;
}

/** Where a socket's listeners find their channel: one property instead of a closure per listener. */
const CHANNEL = Symbol('wirekit.socketChannel');

type BoundSocket = DuplexSocketLike & { [CHANNEL]?: SocketChannel };

/**
 * Adapts a connected Node socket (or anything shaped like one) to the {@link ByteChannel} SPI.
 * The first write of a turn of the event loop (of any channel) goes straight to the socket when it
 * is one chunk (a small frame): a lone send, the common case of request/response traffic, costs no cork, no
 * buffered-write entry and no deferred uncork, and leaves before the rest of the turn runs. From
 * the second write of a turn (or a first write of several chunks, a frame's header and payload)
 * `write()` corks the socket until the end of that turn (Node's own pattern for batching, see
 * `writable.cork()`), so the answers to the messages of one read or a burst of sends leave in one
 * `writev` instead of one system call each (with 64-byte messages pipelined, one call per message
 * was half of a client's CPU time). Nothing waits longer than the current turn. Completion is
 * reported through the callback of the batch's last chunk,
 * which Node calls once every chunk before it has been handed to the OS (or with the error
 * that stopped them). A write after the socket was ended or destroyed fails through its
 * callback, never with an `error` event.
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

/** Where a channel is in the current turn: see {@link SocketChannel.turn}. */
const IDLE = 0;
const WROTE = 1;
const CORKED = 2;
type TurnState = typeof IDLE | typeof WROTE | typeof CORKED;

/**
 * The channels written in this turn, in the order of their first write, uncorked together at its
 * end: one callback per turn rather than one per channel (a broadcast corks thousands of sockets
 * in one turn, and its first recipients' bytes leave first).
 */
let corkedThisTurn: SocketChannel[] = [];

function uncorkAtTurnEnd(): void {
  const channels = corkedThisTurn;
  // Writes made while these flush (none from Node, whose callbacks come later) start a new list.
  corkedThisTurn = [];
  for (const channel of channels) channel.flush();
}

class SocketChannel implements ByteChannel {
  current: ByteChannelHandlers | null = null;
  closed = false;
  /** This turn's writes so far: {@link IDLE}, one written straight ({@link WROTE}), or the socket corked ({@link CORKED}). */
  turn: TurnState = IDLE;

  constructor(private readonly socket: DuplexSocketLike) {}

  write(chunks: readonly Uint8Array[], done: (error?: Error) => void): boolean {
    const socket = this.socket;
    if (socket.destroyed === true || socket.writableEnded === true) {
      queueMicrotask(() => done(new Error(socket.destroyed === true ? 'the socket is destroyed' : 'the socket has ended')));
      return false;
    }
    if (chunks.length === 0) {
      queueMicrotask(() => done());
      return true;
    }
    const turn = this.turn;
    if (turn !== CORKED && socket.cork !== undefined) {
      // Straight only for the turn's first write of any channel: a broadcast corks its other recipients.
      const first = corkedThisTurn.length === 0;
      if (turn === IDLE) {
        if (first) endOfTurn(uncorkAtTurnEnd);
        corkedThisTurn.push(this);
      }
      if (!first || turn === WROTE || chunks.length > 1) {
        this.turn = CORKED;
        socket.cork();
      } else this.turn = WROTE;
    }
    let ok = true;
    const last = chunks.length - 1;
    for (let index = 0; index < last; index++) ok = socket.write(chunks[index]!);
    ok = socket.write(chunks[last]!, (error) => done(error ?? undefined));
    return ok;
  }

  /** Hands what this turn's writes left corked to the OS. */
  flush(): void {
    const turn = this.turn;
    this.turn = IDLE;
    if (turn === CORKED) this.socket.uncork?.();
  }

  get bufferedAmount(): number {
    return this.socket.writableLength;
  }

  end(): void {
    this.flush();
    // Ending a socket already ended or destroyed does nothing but make Node build an error (a
    // stack trace) for a callback nobody passed: ~20 µs per closed connection in a handshake profile.
    if (this.socket.writableEnded === true || this.socket.destroyed === true) return;
    this.socket.end();
  }

  destroy(error?: Error): void {
    this.turn = IDLE;
    this.socket.destroy(error);
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
