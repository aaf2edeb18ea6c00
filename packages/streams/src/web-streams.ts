import { WireKitError, type Connection, type Message } from '@wirekit/core';
import { StreamStatus } from './stream-constants.js';
import type { InputStream, OutputStream } from './stream.js';

/** Options of {@link toWebStreams}. */
export interface WebStreamsOptions {
  /**
   * Messages the readable pulls ahead of its reader. Default 1, as WebSocketStream: one
   * message ready, and the network held back beyond it.
   */
  readonly readableHighWaterMark?: number;
  /** Messages the writable queues before `writer.ready` waits. Default 1: one send in flight, one waiting. */
  readonly writableHighWaterMark?: number;
}

/** The WebSocketStream-like pair of {@link toWebStreams}. */
export interface ConnectionStreams {
  readonly readable: ReadableStream<Message>;
  readonly writable: WritableStream<Message>;
}

/** Options of the byte-stream bridges. */
export interface ByteStreamOptions {
  /** Bytes queued in the WHATWG stream before it stops pulling (or `ready` waits). Default 64 KiB, the pair's own buffer. */
  readonly highWaterMark?: number;
  /** Largest chunk one read produces. Default 64 KiB. */
  readonly chunkSize?: number;
}

const DEFAULT_BYTES = 64 * 1024;

/**
 * Bridges any `Connection` to WHATWG streams, the WebSocketStream idea: the readable pulls with
 * `receive()`, so a reader that stops reading stops the pulls; the messages then wait in the
 * connection, which stops reading its transport past its `receiveHighWaterMark` (core's flow
 * control): on this package's `connect` the input stream fills, its socket pauses, and TCP
 * pushes back on the server. The writable awaits each `send()`.
 *
 * The readable closes after a clean close and errors (with the failure) otherwise; cancelling
 * it closes the connection. Closing the writable closes the connection; aborting it too.
 */
export function toWebStreams(connection: Connection, options: WebStreamsOptions = {}): ConnectionStreams {
  let failure: WireKitError | null = null;
  connection.on('error', (error) => (failure ??= error));
  const readable = new ReadableStream<Message>(
    {
      async pull(controller) {
        let message: Message;
        try {
          message = await connection.receive();
        } catch (error) {
          const info = await connection.closed;
          if (info.wasClean) controller.close();
          else controller.error(failure ?? error);
          return;
        }
        controller.enqueue(message);
      },
      async cancel() {
        await connection.close();
      },
    },
    new CountQueuingStrategy({ highWaterMark: options.readableHighWaterMark ?? 1 }),
  );
  const writable = new WritableStream<Message>(
    {
      write: (message) => connection.send(message),
      async close() {
        await connection.close();
      },
      async abort() {
        await connection.close();
      },
    },
    new CountQueuingStrategy({ highWaterMark: options.writableHighWaterMark ?? 1 }),
  );
  return { readable, writable };
}

/** Calls `wake` on each of the stream's events: the bridges re-check the stream's state then. */
function waker(stream: InputStream | OutputStream): () => Promise<void> {
  let wake: (() => void) | null = null;
  stream.delegate = {
    stream: () => {
      const resolve = wake;
      wake = null;
      resolve?.();
    },
  };
  if (stream.streamStatus === StreamStatus.notOpen) stream.open();
  return () => new Promise<void>((resolve) => (wake = resolve));
}

function notOpen(): WireKitError {
  return new WireKitError('WK_ERR_NOT_OPEN', 'the stream is closed', { domain: 'usage' });
}

/**
 * A `ReadableStream` of the bytes of an `InputStream` (opened if it is not), the bridge
 * becoming its delegate. Each pull reads once; an unread readable stops reading, so the input
 * stream fills and pauses its socket. Closes at the end, errors with `streamError`; cancelling
 * closes the input stream.
 */
export function inputStreamToReadable(input: InputStream, options: ByteStreamOptions = {}): ReadableStream<Uint8Array> {
  const chunkSize = options.chunkSize ?? DEFAULT_BYTES;
  const nextEvent = waker(input);
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        // Each pass settles the pull or waits for the stream's next event.
        for (;;) {
          const status = input.streamStatus;
          if (status === StreamStatus.error) return controller.error(input.streamError);
          if (status === StreamStatus.atEnd || status === StreamStatus.closed) return controller.close();
          if (input.hasBytesAvailable) {
            const buffer = new Uint8Array(Math.min(chunkSize, input.bufferedAmount));
            const length = input.read(buffer, buffer.length);
            if (length > 0) return controller.enqueue(buffer.subarray(0, length));
          }
          await nextEvent();
        }
      },
      cancel() {
        input.close();
      },
    },
    new ByteLengthQueuingStrategy({ highWaterMark: options.highWaterMark ?? DEFAULT_BYTES }),
  );
}

/**
 * A `WritableStream` of bytes onto an `OutputStream` (opened if it is not), the bridge becoming
 * its delegate. Each chunk is offered with partial writes, waiting for `hasSpaceAvailable`
 * between them, so a write resolves once the output stream accepted all of it. Errors with
 * `streamError`; closing or aborting closes the output stream (FIN after the accepted bytes).
 */
export function outputStreamToWritable(output: OutputStream, options: Pick<ByteStreamOptions, 'highWaterMark'> = {}): WritableStream<Uint8Array> {
  const nextEvent = waker(output);
  return new WritableStream<Uint8Array>(
    {
      async write(chunk) {
        let offset = 0;
        // Each pass accepts bytes or waits for the stream's next event.
        while (offset < chunk.length) {
          const status = output.streamStatus;
          if (status === StreamStatus.error) throw output.streamError;
          if (status !== StreamStatus.open && status !== StreamStatus.opening) throw notOpen();
          const accepted = output.hasSpaceAvailable ? output.write(chunk.subarray(offset), chunk.length - offset) : 0;
          if (accepted < 0) throw output.streamError ?? notOpen();
          if (accepted > 0) offset += accepted;
          else await nextEvent();
        }
      },
      close() {
        output.close();
      },
      abort() {
        output.close();
      },
    },
    new ByteLengthQueuingStrategy({ highWaterMark: options.highWaterMark ?? DEFAULT_BYTES }),
  );
}
