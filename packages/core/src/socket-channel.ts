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

/**
 * Adapts a connected Node socket (or anything shaped like one) to the {@link ByteChannel} SPI.
 * `write()` corks the socket around a batch of chunks, so that a frame's header and payload
 * leave in one segment, and reports completion through the callback of the batch's last chunk,
 * which Node calls once every chunk before it has been handed to the OS (or with the error
 * that stopped them). A write after the socket was ended or destroyed fails through its
 * callback, never with an `error` event.
 *
 * The socket's listeners are attached by `bind()`; until then its data stays in its buffer
 * (a socket in paused mode with no `data` listener does not read).
 */
export function socketChannel(socket: DuplexSocketLike): ByteChannel {
  let current: ByteChannelHandlers | null = null;
  let closed = false;
  return {
    write(chunks, done) {
      if (socket.destroyed === true || socket.writableEnded === true) {
        queueMicrotask(() => done(new Error(socket.destroyed === true ? 'the socket is destroyed' : 'the socket has ended')));
        return false;
      }
      if (chunks.length === 0) {
        queueMicrotask(() => done());
        return true;
      }
      socket.cork?.();
      let ok = true;
      chunks.forEach((chunk, index) => {
        ok = index === chunks.length - 1 ? socket.write(chunk, (error) => done(error ?? undefined)) : socket.write(chunk);
      });
      socket.uncork?.();
      return ok;
    },
    get bufferedAmount() {
      return socket.writableLength;
    },
    end() {
      socket.end();
    },
    destroy(error) {
      socket.destroy(error);
    },
    pause() {
      socket.pause();
    },
    resume() {
      socket.resume();
    },
    bind(handlers: ByteChannelHandlers) {
      // Rebinding swaps the target; the socket keeps one set of listeners.
      const first = current === null;
      current = handlers;
      if (!first) return;
      // A plain Uint8Array view of Node's Buffer: what the SPI promises, with no copy.
      const data = (chunk: Uint8Array): void => current!.data(chunk.constructor === Uint8Array ? chunk : new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
      const end = (): void => current!.end();
      // Stays attached after close: a late error must not become an uncaught exception.
      const error = (cause: Error): void => {
        if (!closed) current!.error(cause);
      };
      const drain = (): void => current!.drain();
      const close = (): void => {
        closed = true;
        socket.off('data', data);
        socket.off('end', end);
        socket.off('drain', drain);
        socket.off('close', close);
        current!.close();
      };
      socket.on('data', data);
      socket.on('end', end);
      socket.on('error', error);
      socket.on('drain', drain);
      socket.on('close', close);
    },
  };
}
