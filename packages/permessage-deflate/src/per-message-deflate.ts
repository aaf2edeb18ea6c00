import { NO_RSV, WireKitUsageError, type EncodedPayload, type Extension, type ExtensionFactory, type ExtensionParams, type RsvBits } from '@wirekit/protocol';
import { DeflateCodec } from './deflate-codec.js';
import { sharedZlibLimiter, ZlibLimiter } from './limiter.js';
import { acceptResponse, answerOffer, clientOffer, validateOptions, type Agreement, type NegotiationOptions } from './params.js';

/** The extension's registered name (RFC 7692 §7). */
export const PERMESSAGE_DEFLATE = 'permessage-deflate';

/**
 * Default size under which a message is sent uncompressed: 1 KiB, as `ws`. Below it the deflate
 * header and the thread-pool round trip cost more than the bytes saved.
 */
export const DEFAULT_THRESHOLD = 1024;

/** Options of {@link perMessageDeflate}. Every option works in both roles unless it says otherwise. */
export interface PerMessageDeflateOptions extends NegotiationOptions {
  /**
   * Client: ask the server to compress each message from an empty context. Server: always do so
   * (it is granted anyway when a client asks). Saves the server's compression memory between
   * messages at the cost of ratio. Default false.
   */
  readonly serverNoContextTakeover?: boolean;
  /**
   * Client: promise to compress each message from an empty context. Server: require the client
   * to. Default false.
   */
  readonly clientNoContextTakeover?: boolean;
  /**
   * Client: ask the server to use a window of at most 2^n bytes (8–15); the handshake fails if it
   * does not agree. Server: use at most this window. Default 15 (32 KiB), zlib's maximum.
   */
  readonly serverMaxWindowBits?: number;
  /**
   * Client: `true` (the default) offers `client_max_window_bits` bare, letting the server pick a
   * smaller window for the client; a number offers that limit. Server: require the client to use
   * at most this window; offers that cannot agree to it are declined. Default: no requirement.
   */
  readonly clientMaxWindowBits?: number | true;
  /** zlib compression level, 0–9. Default 6: zlib's own default, its balance of speed and ratio. */
  readonly level?: number;
  /** zlib memLevel, 1–9. Default 8: zlib's default (about 128 KiB of compressor state per connection). */
  readonly memLevel?: number;
  /** Messages shorter than this many bytes are sent uncompressed. Default {@link DEFAULT_THRESHOLD}. */
  readonly threshold?: number;
  /** Bounds concurrent zlib jobs across connections. Default {@link sharedZlibLimiter}. */
  readonly limiter?: ZlibLimiter;
}

const RSV1: RsvBits = Object.freeze({ rsv1: true, rsv2: false, rsv3: false });

/**
 * permessage-deflate active on one connection: compresses outgoing messages of at least
 * `threshold` bytes (RSV1 set on the first frame) and inflates incoming ones whose first frame
 * set RSV1, with the engine's message limit applied to the inflated size.
 */
export class PerMessageDeflate implements Extension {
  readonly name = PERMESSAGE_DEFLATE;
  readonly rsv = RSV1;
  /** What the handshake settled. */
  readonly agreement: Agreement;
  private readonly codec: DeflateCodec;
  private readonly threshold: number;
  /** zlib's raw deflate cannot use a 256-byte window (it silently uses 512), so that limit is kept by not compressing. */
  private readonly canCompress: boolean;

  constructor(role: 'client' | 'server', agreement: Agreement, options: PerMessageDeflateOptions) {
    this.agreement = agreement;
    const own = role === 'client' ? { window: agreement.clientWindowBits, reset: agreement.clientNoContextTakeover } : { window: agreement.serverWindowBits, reset: agreement.serverNoContextTakeover };
    const peerWindow = role === 'client' ? agreement.serverWindowBits : agreement.clientWindowBits;
    this.canCompress = own.window >= 9;
    this.threshold = options.threshold ?? DEFAULT_THRESHOLD;
    this.codec = new DeflateCodec({
      deflateWindowBits: Math.max(own.window, 9),
      // A peer on zlib told to use 8 bits uses 9; inflating with 9 accepts both.
      inflateWindowBits: Math.max(peerWindow, 9),
      resetDeflate: own.reset,
      // Keeping our inflater's window is always safe, even when the peer promised not to use it
      // (a peer that misreads who promised what then still works); a BFINAL block is handled apart.
      resetInflate: false,
      level: options.level ?? 6,
      memLevel: options.memLevel ?? 8,
      limiter: options.limiter ?? sharedZlibLimiter,
    });
  }

  /** Bytes inflated on this connection so far, including output discarded at the size limit. */
  get inflatedBytes(): number {
    return this.codec.inflatedBytes;
  }

  /** Inflates a message whose first frame set RSV1 (§7.2.2); rejects past `maxSize` (1009) or on corrupt data (WK_ERR_INFLATE_FAILED, 1007). */
  decode(payload: Uint8Array, _bits: RsvBits, _opcode: number, maxSize: number): Promise<Uint8Array> {
    return this.codec.decompress(payload, maxSize);
  }

  /** Deflates a message of at least `threshold` bytes and sets RSV1; shorter ones go out as they are (§6.1). */
  encode(payload: Uint8Array): EncodedPayload | Promise<EncodedPayload> {
    // §6.1: a message may be sent uncompressed, with RSV1 clear, whatever was negotiated.
    if (payload.length < this.threshold || !this.canCompress) return { payload, rsv: NO_RSV };
    return this.codec.compress(payload).then((compressed) => ({ payload: compressed, rsv: RSV1 }));
  }

  /** Frees the zlib streams once the jobs already asked for have finished. */
  dispose(): void {
    this.codec.dispose();
  }
}

/**
 * The permessage-deflate extension factory (RFC 7692) for both roles: pass it in `extensions`
 * to `ClientHandshake` (offer, then accept the server's answer) or to `acceptUpgrade`
 * (answer the client's offers).
 *
 * A client fails the handshake with WK_ERR_HANDSHAKE_EXTENSION, naming the parameter, when the
 * server's answer is invalid or does not honour the offer. A server declines invalid offers, as
 * §7.1 requires, and answers the first valid one.
 *
 * @throws {WireKitUsageError} WK_ERR_INVALID_ARGUMENT for an option out of range.
 * @see https://www.rfc-editor.org/rfc/rfc7692
 */
export function perMessageDeflate(options: PerMessageDeflateOptions = {}): ExtensionFactory {
  validateOptions(options);
  checkRange(options.level, -1, 9, 'level');
  checkRange(options.memLevel, 1, 9, 'memLevel');
  if (options.threshold !== undefined && !(Number.isFinite(options.threshold) && options.threshold >= 0)) {
    throw new WireKitUsageError('WK_ERR_INVALID_ARGUMENT', 'threshold must be a non-negative number of bytes');
  }
  if (options.limiter !== undefined && !(options.limiter instanceof ZlibLimiter)) {
    throw new WireKitUsageError('WK_ERR_INVALID_ARGUMENT', 'limiter must be a ZlibLimiter');
  }
  return {
    name: PERMESSAGE_DEFLATE,
    offer: () => [clientOffer(options)],
    accept: (response: ExtensionParams) => new PerMessageDeflate('client', acceptResponse(response, options), options),
    negotiate(offers: readonly ExtensionParams[]) {
      for (const offer of offers) {
        const answer = answerOffer(offer, options);
        if (typeof answer !== 'string') return { params: answer.response, extension: new PerMessageDeflate('server', answer.agreement, options) };
      }
      return null;
    },
  };
}

function checkRange(value: number | undefined, min: number, max: number, name: string): void {
  if (value !== undefined && !(Number.isInteger(value) && value >= min && value <= max)) {
    throw new WireKitUsageError('WK_ERR_INVALID_ARGUMENT', `${name} must be an integer from ${min} to ${max}, got ${String(value)}`);
  }
}
