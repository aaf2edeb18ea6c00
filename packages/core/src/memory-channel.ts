import { assertNever } from '@wirekit/protocol';
import type { ByteChannel, ByteChannelHandlers } from './byte-channel.js';

/** Options of {@link memoryChannelPair}. */
export interface MemoryChannelOptions {
  /**
   * Bytes buffered by one side before `write()` returns false. Defaults to 16 KiB, Node's
   * `writableHighWaterMark` for sockets, so that backpressure behaves as it does over TCP.
   */
  readonly highWaterMark?: number;
}

/** One end of a {@link memoryChannelPair}: a ByteChannel with an extra fault injector. */
export interface MemoryChannel extends ByteChannel {
  /**
   * Simulates a connection reset: this end reports `error` (an Error whose `code` is
   * ECONNRESET) then `close`; the other end reports the same, as a TCP RST does to both.
   */
  reset(): void;
}

type Pending = { readonly chunks: Uint8Array[]; readonly size: number; readonly done: (error?: Error) => void };

type Event =
  | { readonly kind: 'data'; readonly chunk: Uint8Array }
  | { readonly kind: 'end' }
  | { readonly kind: 'error'; readonly error: Error }
  | { readonly kind: 'close' }
  | { readonly kind: 'drain' };

class MemoryEnd implements MemoryChannel {
  peer!: MemoryEnd;
  private handlers: ByteChannelHandlers | null = null;
  /** Events not delivered yet: before bind(), or while paused (data only waits while paused). */
  private readonly inbox: Event[] = [];
  private paused = false;
  private pending: Pending[] = [];
  private buffered = 0;
  private flushScheduled = false;
  private needDrain = false;
  private ended = false;
  private endDelivered = false;
  private peerEnded = false;
  private closed = false;

  constructor(private readonly highWaterMark: number) {}

  get bufferedAmount(): number {
    return this.buffered;
  }

  write(chunks: readonly Uint8Array[], done: (error?: Error) => void): boolean {
    if (this.closed || this.ended) {
      const error = new Error(this.closed ? 'write after destroy' : 'write after end');
      queueMicrotask(() => done(error));
      return false;
    }
    // Copied: the writer may reuse its buffers, and the reader takes ownership (the engine unmasks in place).
    const copies = chunks.map((chunk) => chunk.slice());
    const size = copies.reduce((sum, chunk) => sum + chunk.length, 0);
    this.pending.push({ chunks: copies, size, done });
    this.buffered += size;
    this.scheduleFlush();
    const ok = this.buffered < this.highWaterMark;
    if (!ok) this.needDrain = true;
    return ok;
  }

  end(): void {
    if (this.ended || this.closed) return;
    this.ended = true;
    this.scheduleFlush();
  }

  destroy(error?: Error): void {
    if (this.closed) return;
    this.failPending(error ?? new Error('channel destroyed'));
    if (error !== undefined) this.post({ kind: 'error', error });
    this.finish();
    // The peer sees an orderly FIN, as after net.Socket#destroy().
    if (!this.endDelivered) queueMicrotask(() => this.peer.receiveEnd());
  }

  reset(): void {
    if (this.closed) return;
    // An RST, not a FIN: the peer gets no `end`.
    this.endDelivered = true;
    this.destroy(resetError());
    queueMicrotask(() => this.peer.destroy(resetError()));
  }

  pause(): void {
    this.paused = true;
  }

  resume(): void {
    this.paused = false;
    queueMicrotask(() => this.deliver());
  }

  bind(handlers: ByteChannelHandlers): void {
    this.handlers = handlers;
    queueMicrotask(() => this.deliver());
  }

  private scheduleFlush(): void {
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    queueMicrotask(() => this.flush());
  }

  /** Hands pending writes to the peer, then the FIN once everything before it is delivered. */
  private flush(): void {
    this.flushScheduled = false;
    if (this.closed) return;
    const batch = this.pending;
    this.pending = [];
    for (const write of batch) {
      this.buffered -= write.size;
      for (const chunk of write.chunks) this.peer.receiveData(chunk);
      write.done();
    }
    if (this.needDrain && this.buffered < this.highWaterMark) {
      this.needDrain = false;
      this.post({ kind: 'drain' });
    }
    if (this.ended && !this.endDelivered) {
      this.endDelivered = true;
      this.peer.receiveEnd();
      this.maybeClose();
    }
  }

  private receiveData(chunk: Uint8Array): void {
    if (!this.closed && !this.peerEnded) this.post({ kind: 'data', chunk });
  }

  private receiveEnd(): void {
    if (this.closed || this.peerEnded) return;
    this.peerEnded = true;
    this.post({ kind: 'end' });
    // allowHalfOpen: false, as net.Socket's default: our side ends once the peer's has.
    this.end();
    this.maybeClose();
  }

  private maybeClose(): void {
    if (this.peerEnded && this.endDelivered) this.finish();
  }

  private finish(): void {
    if (this.closed) return;
    this.closed = true;
    this.ended = true;
    this.post({ kind: 'close' });
  }

  private failPending(error: Error): void {
    const batch = this.pending;
    this.pending = [];
    this.buffered = 0;
    for (const write of batch) queueMicrotask(() => write.done(error));
  }

  private post(event: Event): void {
    this.inbox.push(event);
    this.deliver();
  }

  private deliver(): void {
    const handlers = this.handlers;
    if (handlers === null) return;
    while (this.inbox.length > 0) {
      const event = this.inbox[0]!;
      if (this.paused && event.kind === 'data') return;
      this.inbox.shift();
      switch (event.kind) {
        case 'data':
          handlers.data(event.chunk);
          break;
        case 'end':
          handlers.end();
          break;
        case 'error':
          handlers.error(event.error);
          break;
        case 'close':
          handlers.close();
          break;
        case 'drain':
          handlers.drain();
          break;
        default:
          assertNever(event);
      }
    }
  }
}

function resetError(): Error {
  return Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' });
}

/**
 * An in-memory pipe: what one end writes, the other receives, in order, in a later microtask
 * (never synchronously, as with a socket). Each end behaves like a `net.Socket` with
 * `allowHalfOpen: false`: `end()` delivers a FIN after pending writes, the receiver ends its
 * own side in turn, and each end reports `close` once both directions are done. Written
 * chunks are copied. Used by the unit tests of every package, so that behaviour is tested
 * without sockets first (STYLE.md §14).
 */
export function memoryChannelPair(options: MemoryChannelOptions = {}): [MemoryChannel, MemoryChannel] {
  const highWaterMark = options.highWaterMark ?? 16 * 1024;
  const a = new MemoryEnd(highWaterMark);
  const b = new MemoryEnd(highWaterMark);
  a.peer = b;
  b.peer = a;
  return [a, b];
}
