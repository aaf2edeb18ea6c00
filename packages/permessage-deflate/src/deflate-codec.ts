import { constants, createDeflateRaw, createInflateRaw, type DeflateRaw, type InflateRaw } from 'node:zlib';
import { ProtocolError } from '@wirekit/protocol';
import type { ZlibLimiter } from './limiter.js';

/** Options of a {@link DeflateCodec}: one direction's settings from the negotiation, and zlib's. */
export interface DeflateCodecOptions {
  /** Window of our compressor (9–15; the peer's limit for what we send). */
  readonly deflateWindowBits: number;
  /** Window of our decompressor (9–15). */
  readonly inflateWindowBits: number;
  /** Start each outgoing message from an empty context (our `*_no_context_takeover`). */
  readonly resetDeflate: boolean;
  /** Start each incoming message from an empty context (the peer's `*_no_context_takeover`). */
  readonly resetInflate: boolean;
  readonly level: number;
  readonly memLevel: number;
  readonly limiter: ZlibLimiter;
}

/** RFC 7692 §7.2.1: what a sync flush ends with, removed by the sender and put back by the receiver. */
const TRAILER = new Uint8Array([0x00, 0x00, 0xff, 0xff]);
/** §7.2.3.6: an empty message compresses to one empty stored block's first byte. */
const EMPTY_BLOCK = new Uint8Array([0x00]);
const ignore = (): void => {};

/**
 * One connection's zlib streams: a raw deflate stream for what it sends and a raw inflate stream
 * for what it receives, each kept between messages for context takeover (§7.2.3) or reset after
 * each. Jobs on one stream run one at a time in call order, each holding a slot of the shared
 * limiter; streams are created on first use, so an idle connection holds no zlib memory.
 */
export class DeflateCodec {
  private deflater: DeflateRaw | null = null;
  private inflater: InflateRaw | null = null;
  private deflateTail: Promise<unknown> = Promise.resolve();
  private inflateTail: Promise<unknown> = Promise.resolve();
  private inflatedTotal = 0;
  private disposed = false;
  /** Jobs asked for and not finished; the streams are closed when it falls to 0 after dispose(). */
  private pending = 0;

  constructor(private readonly options: DeflateCodecOptions) {}

  /** Bytes the inflater has produced on this connection, including any it stopped at for the limit. */
  get inflatedBytes(): number {
    return this.inflatedTotal;
  }

  /** Compresses one message (§7.2.1): deflate, sync flush, trailer removed. */
  compress(data: Uint8Array): Promise<Uint8Array> {
    const run = this.schedule(this.deflateTail, () => this.deflate(data));
    this.deflateTail = run.catch(ignore);
    return run;
  }

  /**
   * Decompresses one message (§7.2.2), stopping as soon as the output passes `maxSize`: the
   * output held is then at most `maxSize` plus one zlib chunk, whatever the input claims.
   * Rejects with a ProtocolError: WK_ERR_MESSAGE_TOO_LARGE (1009) past the limit,
   * WK_ERR_INFLATE_FAILED (1007, as ws: the peer sent inconsistent data) for data that is not valid deflate.
   */
  decompress(data: Uint8Array, maxSize: number): Promise<Uint8Array> {
    const run = this.schedule(this.inflateTail, () => this.inflate(data, maxSize));
    this.inflateTail = run.catch(ignore);
    return run;
  }

  /**
   * Frees the streams once the job running has finished. Jobs not started yet are refused when
   * their turn comes, without touching zlib, and so are later ones: nothing is inflated for a
   * connection that has ended.
   */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    if (this.pending === 0) this.release();
  }

  private schedule(tail: Promise<unknown>, job: () => Promise<Uint8Array>): Promise<Uint8Array> {
    if (this.disposed) return Promise.reject(ended());
    this.pending++;
    const guarded = (): Promise<Uint8Array> => (this.disposed ? Promise.reject(ended()) : job());
    return tail.then(() => (this.disposed ? Promise.reject(ended()) : this.options.limiter.run(guarded, this))).finally(() => {
      if (--this.pending === 0 && this.disposed) this.release();
    });
  }

  private release(): void {
    this.deflater?.close();
    this.inflater?.close();
    this.deflater = null;
    this.inflater = null;
  }

  private deflate(data: Uint8Array): Promise<Uint8Array> {
    const { options } = this;
    const stream = (this.deflater ??= quiet(createDeflateRaw({ windowBits: options.deflateWindowBits, level: options.level, memLevel: options.memLevel })));
    return new Promise((resolve, reject) => {
      const chunks: Buffer[] = [];
      let total = 0;
      const onData = (chunk: Buffer): void => {
        chunks.push(chunk);
        total += chunk.length;
      };
      const onError = (error: Error): void => {
        stream.off('data', onData);
        this.deflater = null;
        stream.destroy();
        reject(error);
      };
      stream.on('data', onData);
      stream.once('error', onError);
      stream.write(data);
      stream.flush(constants.Z_SYNC_FLUSH, () => {
        stream.off('data', onData);
        stream.off('error', onError);
        if (options.resetDeflate && !stream.destroyed) stream.reset();
        const out = join(chunks, total);
        const body = endsWithTrailer(out) ? out.subarray(0, out.length - TRAILER.length) : out;
        resolve(body.length === 0 ? EMPTY_BLOCK.slice() : body);
      });
    });
  }

  private dropInflater(stream: InflateRaw): void {
    if (this.inflater === stream) this.inflater = null;
    stream.destroy();
  }

  private inflate(data: Uint8Array, maxSize: number): Promise<Uint8Array> {
    const { options } = this;
    const stream = (this.inflater ??= quiet(createInflateRaw({ windowBits: options.inflateWindowBits })));
    return new Promise((resolve, reject) => {
      const chunks: Buffer[] = [];
      let total = 0;
      let settled = false;
      let ended = false;
      const settle = (error: ProtocolError | null): void => {
        if (settled) return;
        settled = true;
        stream.off('data', onData);
        stream.off('error', onError);
        stream.off('end', onEnd);
        if (error === null) {
          // §7.2.3.2: a block with BFINAL set ends the peer's stream; the next message starts a new one.
          if (ended) this.dropInflater(stream);
          else if (options.resetInflate && !stream.destroyed) stream.reset();
          resolve(join(chunks, total));
          return;
        }
        // The stream may be mid-message: it is of no further use, and destroying it stops the inflation.
        this.dropInflater(stream);
        chunks.length = 0;
        reject(error);
      };
      const onData = (chunk: Buffer): void => {
        this.inflatedTotal += chunk.length;
        total += chunk.length;
        if (total > maxSize) return settle(new ProtocolError('WK_ERR_MESSAGE_TOO_LARGE', `permessage-deflate: the message inflates past maxMessageSize (${maxSize} bytes); inflation stopped there`));
        chunks.push(chunk);
      };
      const onError = (error: Error): void => {
        settle(new ProtocolError('WK_ERR_INFLATE_FAILED', `permessage-deflate: the message is not valid deflate data (${error.message})`, { cause: error }));
      };
      const onEnd = (): void => {
        ended = true;
      };
      stream.on('data', onData);
      stream.on('error', onError);
      stream.on('end', onEnd);
      stream.write(data);
      stream.write(TRAILER);
      stream.flush(constants.Z_SYNC_FLUSH, () => settle(null));
    });
  }
}

function ended(): Error {
  return new Error('permessage-deflate: the connection has ended');
}

/** A stream that never emits an unhandled 'error' (late errors after a job gave up on it are expected). */
function quiet<T extends DeflateRaw | InflateRaw>(stream: T): T {
  stream.on('error', ignore);
  return stream;
}

function endsWithTrailer(bytes: Uint8Array): boolean {
  const n = bytes.length;
  return n >= 4 && bytes[n - 4] === 0x00 && bytes[n - 3] === 0x00 && bytes[n - 2] === 0xff && bytes[n - 1] === 0xff;
}

/** The chunks as one plain Uint8Array (not a Buffer), as the engine delivers everything else. */
function join(chunks: readonly Buffer[], total: number): Uint8Array {
  if (chunks.length === 1) {
    const only = chunks[0]!;
    // zlib cuts its output from 16 KiB buffers: a small message is copied out rather than
    // keeping the whole buffer alive for as long as the application holds the message.
    if (only.length * 2 < only.buffer.byteLength) return new Uint8Array(only);
    return new Uint8Array(only.buffer, only.byteOffset, only.length);
  }
  const out = new Uint8Array(total);
  let at = 0;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.length;
  }
  return out;
}
