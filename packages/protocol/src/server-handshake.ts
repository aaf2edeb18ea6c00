import { WireKitUsageError } from './errors.js';
import { HttpHeadReader } from './http-head-reader.js';
import { invalidUpgrade, validateUpgradeRequest, type UpgradeRequest, type UpgradeValidation } from './upgrade-request.js';

/** Options of a {@link ServerHandshake}. */
export interface ServerHandshakeOptions {
  /**
   * Largest request head accepted; a longer one is answered with 431. Defaults to 16 KiB,
   * Node's default, so that a WireKit server accepts what `node:http` would
   * (see DEFAULT_MAX_HEADER_BYTES).
   */
  readonly maxHeaderBytes?: number;
}

/** The outcome of {@link ServerHandshake.receive}. */
export type ServerHandshakeResult =
  | {
      readonly kind: 'upgrade';
      /** Pass it to `acceptUpgrade` (or refuse it with `rejectUpgrade`, e.g. for a bad origin). */
      readonly request: UpgradeRequest;
      /** Bytes after the request head in the same chunk: frames a client sent without waiting. */
      readonly remainder: Uint8Array;
    }
  | Extract<UpgradeValidation, { kind: 'invalid' }>;

/**
 * The server side of the opening handshake for servers that own the raw bytes (no `node:http`
 * in front): feed what the client sends, get either a validated {@link UpgradeRequest} or a
 * ready-made error response. Servers behind `node:http` call `validateUpgradeRequest` on the
 * `upgrade` event's request instead.
 *
 * A malformed head is answered with 400 (WK_ERR_HANDSHAKE_MALFORMED), one over
 * `maxHeaderBytes` with 431 (WK_ERR_HANDSHAKE_HEADERS_TOO_LARGE, RFC 6585 §5); every other
 * check is `validateUpgradeRequest`'s. Peer bytes never make it throw.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6455#section-4.2
 */
export class ServerHandshake {
  private readonly reader: HttpHeadReader<'request'>;
  private finished = false;

  /**
   * @param options see {@link ServerHandshakeOptions}.
   * @throws {WireKitUsageError} WK_ERR_INVALID_ARGUMENT when `maxHeaderBytes` is not a positive integer.
   */
  constructor(options: ServerHandshakeOptions = {}) {
    this.reader = new HttpHeadReader('request', options);
  }

  /**
   * Feeds bytes received from the client.
   *
   * @returns null while the request head is incomplete, then the result (once).
   * @throws {WireKitUsageError} WK_ERR_INVALID_ARGUMENT when called after a result was returned.
   */
  receive(chunk: Uint8Array): ServerHandshakeResult | null {
    if (this.finished) throw new WireKitUsageError('WK_ERR_INVALID_ARGUMENT', 'The handshake has already completed');
    const result = this.reader.push(chunk);
    if (result === null) return null;
    this.finished = true;
    if (result.kind === 'error') {
      const { code, message } = result.error;
      return code === 'WK_ERR_HANDSHAKE_HEADERS_TOO_LARGE'
        ? invalidUpgrade(code, 431, message)
        : invalidUpgrade(code, 400, message);
    }
    const { head } = result;
    const validation = validateUpgradeRequest({
      method: head.method,
      url: head.target,
      httpVersion: head.httpVersion,
      headers: head.headers,
    });
    if (validation.kind === 'invalid') return validation;
    return { kind: 'upgrade', request: validation.request, remainder: result.remainder };
  }
}
