import type { ByteChannel, ByteChannelHandlers } from '@wirekit/core';
import { SHUT_WR } from './constants.js';
import type { SocketEvent } from './descriptor.js';
import type { SocketTable } from './socket-table.js';

/** Bytes asked of recv() per call: a TCP window's worth, so one readable event is usually one call. */
const READ_SIZE = 64 * 1024;
/** recv() calls per turn of the event loop before yielding, so a fast peer cannot starve timers. */
const READS_PER_TURN = 64;

/**
 * Core's {@link ByteChannel} over a connected (or connecting) SOCK_STREAM descriptor, driven
 * only through the table's calls, as a C program drives a descriptor: readable events pump
 * non-blocking `recv()` until EAGAIN, writes go through `writev()`, `end()` is
 * `shutdown(SHUT_WR)`, `destroy()` is `close()`. `pause()` simply stops reading: the table's
 * receive buffer fills and the socket stops reading, so TCP flow control reaches the peer.
 *
 * The channel owns the descriptor: once the connection underneath has closed and every byte
 * was delivered, it closes the descriptor (as CFSocket's kCFSocketCloseOnInvalidate) and
 * reports `close`.
 */
export function descriptorChannel(table: SocketTable, fd: number): ByteChannel {
  let handlers: ByteChannelHandlers | null = null;
  let paused = false;
  let ended = false;
  let hungUp = false;
  let closed = false;
  let wantDrain = false;
  let scheduled = false;
  let stop: () => void = () => undefined;

  const finish = (closeDescriptor: boolean): void => {
    if (closed) return;
    closed = true;
    stop();
    if (closeDescriptor) {
      try {
        table.close(fd);
      } catch {
        // Already closed by its owner.
      }
    }
    handlers?.close();
  };

  const schedule = (): void => {
    if (scheduled || closed) return;
    scheduled = true;
    setImmediate(() => {
      scheduled = false;
      pump();
    });
  };

  const pump = (): void => {
    if (handlers === null || closed) return;
    let drained = false;
    // Once the socket hung up, what its receive buffer holds (bounded by the table's receiveBuffer)
    // is read even while paused: pausing waits for a reader, and no more can come.
    for (let reads = 0; (!paused || hungUp) && !closed; reads += 1) {
      if (reads === READS_PER_TURN) return schedule();
      let result;
      try {
        result = table.recv(fd, READ_SIZE);
      } catch (error) {
        if ((error as { errno?: string }).errno === 'EBADF') return finish(false);
        handlers.error(error as Error);
        continue;
      }
      if (result.kind === 'data') {
        handlers.data(result.bytes);
        continue;
      }
      if (result.kind === 'eof' && !ended) {
        ended = true;
        handlers.end();
      }
      drained = true;
      break;
    }
    if (drained && hungUp) finish(true);
  };

  const onEvent = (event: SocketEvent): void => {
    switch (event.kind) {
      case 'readable':
      case 'connect':
        return pump();
      case 'writable':
        if (wantDrain && handlers !== null) {
          wantDrain = false;
          handlers.drain();
        }
        return;
      case 'hangup':
        hungUp = true;
        return pump();
      case 'close':
        return finish(false);
    }
  };

  return {
    write(chunks, done) {
      try {
        const ok = table.writev(fd, chunks, done);
        if (!ok) wantDrain = true;
        return ok;
      } catch (error) {
        queueMicrotask(() => done(error as Error));
        return false;
      }
    },
    get bufferedAmount() {
      try {
        return table.bufferedAmount(fd);
      } catch {
        return 0;
      }
    },
    end() {
      try {
        table.shutdown(fd, SHUT_WR);
      } catch {
        // Not connected (yet or any more): nothing to end.
      }
    },
    destroy() {
      if (closed) return;
      stop();
      try {
        table.close(fd);
      } catch {
        // Already closed.
      }
      // Reported on a later turn, as a Node socket reports 'close' after destroy().
      queueMicrotask(() => finish(false));
    },
    pause() {
      paused = true;
    },
    resume() {
      if (!paused) return;
      paused = false;
      schedule();
    },
    bind(next) {
      const first = handlers === null;
      handlers = next;
      if (!first) return;
      stop = table.watch(fd, onEvent);
      // Bytes that arrived before the first bind are waiting in the receive buffer.
      schedule();
    },
  };
}
