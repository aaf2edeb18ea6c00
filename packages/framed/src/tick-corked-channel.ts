import type { Socket } from 'node:net';
import { socketChannel, type ByteChannel, type ByteChannelHandlers } from '@wirekit/core';

/**
 * Core's {@link socketChannel} over `socket`, with the socket held corked from the first write
 * of a turn of the event loop until the end of that turn (`process.nextTick`), Node's own
 * pattern for batching writes (see `writable.cork()`). Every frame sent in one turn (the
 * answers to the messages of one read, a burst of sends) then leaves in one `writev` instead
 * of one system call each: with 64-byte messages pipelined that call was half the client's
 * CPU time (`--cpu-prof`, packages/bench). Nothing waits longer than the current turn, so a
 * lone send's latency is unchanged, and the ByteChannel contract holds: a write's `done` still
 * runs once its bytes are handed to the OS.
 */
export function tickCorkedChannel(socket: Socket): ByteChannel {
  return new TickCorkedChannel(socketChannel(socket), socket);
}

function uncorkAtTickEnd(channel: TickCorkedChannel): void {
  channel.flush();
}

class TickCorkedChannel implements ByteChannel {
  private corked = false;

  constructor(
    private readonly inner: ByteChannel,
    private readonly socket: Socket,
  ) {}

  write(chunks: readonly Uint8Array[], done: (error?: Error) => void): boolean {
    if (!this.corked && !this.socket.destroyed) {
      this.corked = true;
      this.socket.cork();
      process.nextTick(uncorkAtTickEnd, this);
    }
    return this.inner.write(chunks, done);
  }

  /** Hands what this turn's writes left corked to the OS. */
  flush(): void {
    if (!this.corked) return;
    this.corked = false;
    this.socket.uncork();
  }

  get bufferedAmount(): number {
    return this.inner.bufferedAmount;
  }

  end(): void {
    this.flush();
    this.inner.end();
  }

  destroy(error?: Error): void {
    this.corked = false;
    this.inner.destroy(error);
  }

  pause(): void {
    this.inner.pause();
  }

  resume(): void {
    this.inner.resume();
  }

  bind(handlers: ByteChannelHandlers): void {
    this.inner.bind(handlers);
  }
}
