/**
 * The small SPI a transport implements so that `@wirekit/core` can drive the engine over it:
 * an ordered, reliable byte stream (TCP, TLS, a Stream pair, a descriptor, an in-memory pipe).
 */
export interface ByteChannel {
  /**
   * Writes the chunks in order; `done` runs once they are handed to the OS (or with the error
   * that prevented it). Returns false when the channel's buffer is over its high-water mark.
   */
  write(chunks: readonly Uint8Array[], done: (error?: Error) => void): boolean;
  /** Bytes written and not yet handed to the OS. */
  readonly bufferedAmount: number;
  /** Graceful end: sends FIN after pending writes. */
  end(): void;
  /** Abort now; pending writes fail. */
  destroy(error?: Error): void;
  /** Stop delivering data (backpressure from the reader); resume() starts again. */
  pause(): void;
  resume(): void;
  /**
   * Registers the channel's callbacks. A later bind() replaces the earlier handlers, so that a
   * driver can hand the channel over (a server's handshake reader to its connection); events
   * that arrive before the first bind wait for it.
   */
  bind(handlers: ByteChannelHandlers): void;
}

/** What a channel reports to its driver. */
export interface ByteChannelHandlers {
  data(chunk: Uint8Array): void;
  /** The peer ended its side (FIN). */
  end(): void;
  /** A transport error (ECONNRESET, EPIPE, a TLS alert…). `close` follows. */
  error(error: Error): void;
  /** The channel is fully closed. */
  close(): void;
  /** The channel's buffer drained below its high-water mark. */
  drain(): void;
}
