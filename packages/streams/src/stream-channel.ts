import type { ByteChannel, ByteChannelHandlers } from '@wirekit/core';
import { WireKitUsageError } from '@wirekit/protocol';
import type { SocketStreamCore } from './socket-stream-core.js';
import { coreOf, Stream, type InputStream, type OutputStream } from './stream.js';

/** A batch of chunks passed to write(): done once every byte up to `end` is handed to the OS. */
interface Batch {
  readonly end: number;
  readonly done: (error?: Error) => void;
}

/**
 * The bytes the channel itself holds beyond the output stream's bounded buffer before write()
 * answers false. 64 KiB, the output stream's default capacity: together they are the
 * "buffer" of core's ByteChannel contract.
 */
const HIGH_WATER_MARK = 64 * 1024;
/** Largest single read from the input stream: one socket read. */
const READ_SIZE = 64 * 1024;

/**
 * Adapts an `InputStream`/`OutputStream` pair from {@link Stream.getStreamsToHost} to core's
 * {@link ByteChannel}, so that core's engine (`openClientConnection`) runs WebSocket over it.
 * The channel becomes both streams' delegate and talks to them only through the Foundation
 * API: it reads on `hasBytesAvailable` (not while paused, so the input stream fills and stops
 * the socket), queues writes and offers them to `write(buffer, length)` on each
 * `hasSpaceAvailable`, honouring partial writes. A batch's `done` runs when its last byte has
 * been handed to the OS. Writes made before the streams are open wait for them.
 *
 * @throws {WireKitUsageError} WK_ERR_INVALID_ARGUMENT when the streams are not a pair of this package.
 */
export function streamChannel(input: InputStream, output: OutputStream): ByteChannel {
  return new StreamPairChannel(input, output);
}

class StreamPairChannel implements ByteChannel {
  private handlers: ByteChannelHandlers | null = null;
  private early: Array<(handlers: ByteChannelHandlers) => void> = [];
  private readonly core: SocketStreamCore;
  private readonly baseline: number;
  private queue: Uint8Array[] = [];
  private queuedBytes = 0;
  private enqueued = 0;
  private batches: Batch[] = [];
  private paused = false;
  private ending = false;
  private closed = false;
  private errorReported = false;
  /** write() answered false: `drain` is owed once the buffer is below the high-water mark. */
  private drainOwed = false;

  constructor(
    private readonly input: InputStream,
    private readonly output: OutputStream,
  ) {
    const core = coreOf(input);
    if (core === undefined || core !== coreOf(output)) throw new WireKitUsageError('WK_ERR_INVALID_ARGUMENT', 'streamChannel needs the two streams of one Stream.getStreamsToHost pair');
    this.core = core;
    this.baseline = core.flushed;
    input.delegate = { stream: (stream, event) => this.onEvent(stream, event) };
    output.delegate = { stream: (stream, event) => this.onEvent(stream, event) };
    core.onFlush((flushed) => {
      this.completeUpTo(flushed - this.baseline);
      if (this.drainOwed && this.bufferedAmount < HIGH_WATER_MARK) {
        this.drainOwed = false;
        this.emit((handlers) => handlers.drain());
      }
    });
    core.onClose(() => this.onClose());
    if (core.isClosed) queueMicrotask(() => this.onClose());
  }

  get bufferedAmount(): number {
    return this.queuedBytes + this.output.bufferedAmount;
  }

  write(chunks: readonly Uint8Array[], done: (error?: Error) => void): boolean {
    if (this.closed || this.ending) {
      queueMicrotask(() => done(new Error(this.closed ? 'the stream pair is closed' : 'the output stream is closing')));
      return false;
    }
    for (const chunk of chunks) {
      if (chunk.length === 0) continue;
      this.queue.push(chunk);
      this.queuedBytes += chunk.length;
      this.enqueued += chunk.length;
    }
    this.batches.push({ end: this.enqueued, done });
    this.completeUpTo(this.core.flushed - this.baseline);
    this.pump();
    if (this.bufferedAmount < HIGH_WATER_MARK) return true;
    this.drainOwed = true;
    return false;
  }

  end(): void {
    if (this.closed || this.ending) return;
    this.ending = true;
    this.pump();
  }

  destroy(error?: Error): void {
    if (this.closed) return;
    this.failBatches(error ?? new Error('the stream pair was destroyed'));
    this.core.abort();
  }

  pause(): void {
    this.paused = true;
  }

  resume(): void {
    if (!this.paused) return;
    this.paused = false;
    this.readAvailable();
  }

  bind(handlers: ByteChannelHandlers): void {
    this.handlers = handlers;
    const early = this.early;
    this.early = [];
    for (const call of early) call(handlers);
  }

  private emit(call: (handlers: ByteChannelHandlers) => void): void {
    if (this.handlers === null) this.early.push(call);
    else call(this.handlers);
  }

  private onEvent(stream: Stream, event: number): void {
    switch (event) {
      case Stream.Event.hasBytesAvailable:
        return this.readAvailable();
      case Stream.Event.hasSpaceAvailable:
        return this.pump();
      case Stream.Event.endEncountered:
        return this.emit((handlers) => handlers.end());
      case Stream.Event.errorOccurred: {
        if (this.errorReported || stream.streamError === null) return;
        this.errorReported = true;
        const error = stream.streamError;
        this.failBatches(error);
        return this.emit((handlers) => handlers.error(error));
      }
      default:
        return;
    }
  }

  private readAvailable(): void {
    // Bounded by what the input stream holds: each read takes at least one byte of it.
    while (!this.paused && this.input.hasBytesAvailable) {
      const buffer = new Uint8Array(Math.min(READ_SIZE, this.input.bufferedAmount));
      const length = this.input.read(buffer, buffer.length);
      if (length <= 0) return;
      this.emit((handlers) => handlers.data(buffer.subarray(0, length)));
    }
  }

  /** Offers queued bytes to the output stream while it has space; ends it once empty if asked. */
  private pump(): void {
    while (this.queue.length > 0 && this.output.hasSpaceAvailable) {
      const chunk = this.queue[0]!;
      const accepted = this.output.write(chunk, chunk.length);
      if (accepted <= 0) break;
      this.queuedBytes -= accepted;
      if (accepted === chunk.length) this.queue.shift();
      else this.queue[0] = chunk.subarray(accepted);
    }
    if (this.ending && this.queue.length === 0 && this.output.streamStatus !== Stream.Status.closed) this.output.close();
  }

  private completeUpTo(flushed: number): void {
    while (this.batches.length > 0 && this.batches[0]!.end <= flushed) this.batches.shift()!.done();
  }

  private failBatches(error: Error): void {
    const batches = this.batches;
    this.batches = [];
    this.queue = [];
    this.queuedBytes = 0;
    for (const batch of batches) batch.done(error);
  }

  private onClose(): void {
    if (this.closed) return;
    this.closed = true;
    this.failBatches(new Error('the socket closed before the bytes were sent'));
    this.emit((handlers) => handlers.close());
  }
}
