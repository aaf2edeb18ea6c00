import type { WireKitError } from '@wirekit/core';
import { WireKitUsageError } from '@wirekit/protocol';
import { SocketStreamCore, type Side } from './socket-stream-core.js';
import {
  StreamEvent,
  StreamPropertyKey,
  StreamSocketSecurityLevel,
  StreamStatus,
  type StreamEventCode,
  type StreamPairOptions,
  type StreamPropertyKeyName,
  type StreamStatusCode,
} from './stream-constants.js';

/** `StreamDelegate`: told of a stream's events, in order, one call per event. */
export interface StreamDelegate {
  /** Swift: `stream(_ aStream: Stream, handle eventCode: Stream.Event)`. */
  stream?(aStream: Stream, eventCode: StreamEventCode): void;
}

/** The pair `Stream.getStreamsToHost` returns. */
export interface StreamPair {
  readonly inputStream: InputStream;
  readonly outputStream: OutputStream;
}

const cores = new WeakMap<Stream, SocketStreamCore>();

/** The socket core behind a stream of this package (for the channel and bridges), or undefined. */
export function coreOf(stream: Stream): SocketStreamCore | undefined {
  return cores.get(stream);
}

function checkBuffer(buffer: Uint8Array, length: number, what: string): void {
  if (!(buffer instanceof Uint8Array)) throw new WireKitUsageError('WK_ERR_INVALID_ARGUMENT', `${what} needs a Uint8Array`);
  if (!Number.isSafeInteger(length) || length < 0 || length > buffer.length) {
    throw new WireKitUsageError('WK_ERR_INVALID_ARGUMENT', `${what}: the length ${String(length)} is not an integer between 0 and the buffer's ${buffer.length} bytes`);
  }
}

/**
 * Foundation's `Stream`: the base of {@link InputStream} and {@link OutputStream}, with a
 * status, an error, a delegate and properties. Events reach `delegate` asynchronously (on a
 * microtask, where Foundation uses the run loop the stream is scheduled on) and in order.
 *
 * @example
 * ```ts
 * const { inputStream, outputStream } = Stream.getStreamsToHost('127.0.0.1', 7);
 * inputStream.delegate = { stream(aStream, eventCode) { if (eventCode === Stream.Event.hasBytesAvailable) … } };
 * inputStream.open();
 * outputStream.open();
 * ```
 */
export abstract class Stream {
  /** `Stream.Event`. */
  static readonly Event = StreamEvent;
  /** `Stream.Status`. */
  static readonly Status = StreamStatus;
  /** `Stream.PropertyKey`. */
  static readonly PropertyKey = StreamPropertyKey;
  /** `StreamSocketSecurityLevel`, also here for discoverability. */
  static readonly SocketSecurityLevel = StreamSocketSecurityLevel;

  /** Receives this stream's events; null for none. */
  delegate: StreamDelegate | null = null;

  protected constructor(
    protected readonly core: SocketStreamCore,
    private readonly side: Side,
  ) {
    cores.set(this, core);
  }

  /**
   * Creates a TCP stream pair to `host:port`, as `Stream.getStreamsToHost(withName:port:…)`.
   * Nothing connects until either stream is opened; set TLS properties before that.
   * @param options buffer bounds (WireKit's addition); see {@link StreamPairOptions}.
   * @throws {WireKitUsageError} WK_ERR_INVALID_ARGUMENT for an empty host, a port outside
   *   0–65535 or a bound that is not a positive integer.
   */
  static getStreamsToHost(host: string, port: number, options: StreamPairOptions = {}): StreamPair {
    const streams: Partial<Record<'input' | 'output', Stream>> = {};
    const core = new SocketStreamCore(host, port, options, (side, event) => {
      const stream = streams[side]!;
      stream.delegate?.stream?.(stream, event);
    });
    const pair = { inputStream: new InputStream(core), outputStream: new OutputStream(core) };
    streams.input = pair.inputStream;
    streams.output = pair.outputStream;
    return pair;
  }

  /** `streamStatus`. */
  get streamStatus(): StreamStatusCode {
    return this.core[this.side].status;
  }

  /** The error after `errorOccurred` (a WireKitError with a stable code and domain), or null. */
  get streamError(): WireKitError | null {
    return this.core[this.side].error;
  }

  /** Opens the stream (connecting the pair's socket if the other stream has not); once. */
  open(): void {
    this.core.open(this.side);
  }

  /** Closes the stream; no event is delivered to it afterwards. The socket goes when both are closed. */
  close(): void {
    this.core.close(this.side);
  }

  /** `property(forKey:)`: a value set on either stream of the pair, or undefined. */
  property(key: StreamPropertyKeyName): unknown {
    return this.core.properties.get(key);
  }

  /**
   * `setProperty(_:forKey:)`: sets a pair-wide property. Returns false, as Foundation, for an
   * unknown key or once the pair is connecting (TLS cannot be turned on later here).
   */
  setProperty(value: unknown, key: StreamPropertyKeyName): boolean {
    if (!(Object.values(StreamPropertyKey) as string[]).includes(key)) return false;
    if (this.core.input.status !== StreamStatus.notOpen || this.core.output.status !== StreamStatus.notOpen) return false;
    if (key === StreamPropertyKey.socketSecurityLevelKey && !(Object.values(StreamSocketSecurityLevel) as unknown[]).includes(value)) return false;
    this.core.properties.set(key, value);
    return true;
  }
}

/** Foundation's `InputStream` over a socket: read what arrived with `read(buffer, maxLength)`. */
export class InputStream extends Stream {
  /** @internal Streams come from {@link Stream.getStreamsToHost}. */
  constructor(core: SocketStreamCore) {
    super(core, 'input');
  }

  /** Whether a read() would return bytes now. */
  get hasBytesAvailable(): boolean {
    return this.core.hasBytesAvailable;
  }

  /**
   * Bytes received and not yet read (WireKit's addition). It stays under `readHighWaterMark`
   * plus one socket read: beyond it the socket is paused until the app reads.
   */
  get bufferedAmount(): number {
    return this.core.inboxLength;
  }

  /**
   * Copies up to `maxLength` received bytes into `buffer` and returns how many: 0 at the end
   * of the stream (status `atEnd`), -1 after an error (see `streamError`). Foundation's read
   * blocks when nothing has arrived; this one cannot, and returns 0 with the status still
   * `open` (or `opening`): wait for `hasBytesAvailable`.
   * @throws {WireKitUsageError} WK_ERR_INVALID_ARGUMENT for a bad buffer or length;
   *   WK_ERR_NOT_OPEN before open() or after close().
   */
  read(buffer: Uint8Array, maxLength: number): number {
    checkBuffer(buffer, maxLength, 'read()');
    return this.core.read(buffer, maxLength);
  }
}

/** Foundation's `OutputStream` over a socket, with a bounded buffer and partial writes. */
export class OutputStream extends Stream {
  /** @internal Streams come from {@link Stream.getStreamsToHost}. */
  constructor(core: SocketStreamCore) {
    super(core, 'output');
  }

  /** Whether a write() would accept at least one byte now. */
  get hasSpaceAvailable(): boolean {
    return this.core.hasSpaceAvailable;
  }

  /** Bytes accepted and not yet handed to the OS (WireKit's addition); at most `writeCapacity`. */
  get bufferedAmount(): number {
    return this.core.outboxLength;
  }

  /**
   * Offers the first `length` bytes of `buffer` and returns how many were accepted (copied):
   * fewer than offered when the buffer is nearly full, 0 when it is full (or the stream is
   * still opening), -1 after an error (see `streamError`). Write the rest after the next
   * `hasSpaceAvailable` event, which follows each write once there is room.
   * @throws {WireKitUsageError} WK_ERR_INVALID_ARGUMENT for a bad buffer or length;
   *   WK_ERR_NOT_OPEN before open() or after close().
   */
  write(buffer: Uint8Array, length: number): number {
    checkBuffer(buffer, length, 'write()');
    return this.core.write(buffer, length);
  }
}
