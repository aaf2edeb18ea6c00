import { ClientHandshake, WireKitUsageError, type Allocator, type ClientHandshakeOptions, type ClientHandshakeResult, type Utf8Validator } from '@wirekit/protocol';
import type { ByteChannel } from './byte-channel.js';
import { copyDefined, type Writable } from './copy-defined.js';
import { systemClock, type Clock } from './clock.js';
import type { EngineConnectionOptions, HandshakeOutcome, PendingHandshake } from './engine-connection-options.js';
import { EngineConnection } from './engine-connection.js';
import { engineLimits, type EngineConnectOptions } from './engine-limits.js';
import { toWireKitError, WireKitError } from './wirekit-error.js';

/** Options of {@link openClientConnection}: the common connect options plus what core cannot choose for the platform. */
export interface ClientConnectionOptions extends EngineConnectOptions {
  /** The server's ws:, wss:, http: or https: URL. */
  readonly url: string;
  /** Cryptographically random bytes (handshake nonce, masking keys); e.g. `(n) => crypto.getRandomValues(new Uint8Array(n))`. */
  readonly random: (length: number) => Uint8Array;
  /** SHA-1 for Sec-WebSocket-Accept; defaults to protocol's pure implementation. Node transports pass node:crypto's. */
  readonly sha1?: (data: Uint8Array) => Uint8Array;
  /** The UTF-8 validator of `textAsBytes`; defaults to protocol's pure one. Node transports pass `node:buffer`'s `isUtf8`. */
  readonly isUtf8?: Utf8Validator;
  /** Time and timers; defaults to {@link systemClock}. */
  readonly clock?: Clock;
  /**
   * Start the engine at once, without an HTTP upgrade, as NWProtocolWebSocket's
   * `skipHandshake`: for peers that already agreed to speak WebSocket frames on this stream.
   */
  readonly skipHandshake?: boolean;
  /** Outgoing messages larger than this are fragmented; defaults to no fragmentation. */
  readonly fragmentSize?: number;
  /** Buffer allocator for the engine's large buffers; Node transports pass `Buffer.allocUnsafe`. */
  readonly allocate?: Allocator;
}

/**
 * How long the connect + opening handshake may take. 30 000 ms: the order of a browser's and
 * URLSession's connection timeouts, long enough for a slow TLS handshake on a mobile network.
 */
const DEFAULT_CONNECT_TIMEOUT = 30_000;

/**
 * Runs the client side of the opening handshake (RFC 6455 §4.1) over a connected channel and
 * resolves with the open {@link EngineConnection}. Bytes the server sent right after its 101
 * are fed to the engine; the messages they hold wait for the caller's first consumer (a
 * `message` listener, receive() or an iterator), so that none is lost before it can listen.
 *
 * On failure the channel is destroyed and the promise rejects with a {@link WireKitError}:
 * WK_ERR_HANDSHAKE_STATUS (with `status`) for a refusal, WK_ERR_HANDSHAKE_ACCEPT and the other
 * WK_ERR_HANDSHAKE_* codes for a bad 101, WK_ERR_CONNECT_TIMEOUT after `connectTimeout`,
 * WK_ERR_ABORTED when `signal` aborts, WK_ERR_CONNECTION_RESET when the server closes first,
 * or the mapped transport error.
 *
 * @throws {WireKitUsageError} WK_ERR_INVALID_URL, WK_ERR_INVALID_PROTOCOL, WK_ERR_INVALID_HEADER,
 *   WK_ERR_INVALID_ARGUMENT for invalid options (the channel is destroyed first). The one
 *   Promise-returning function that throws, on purpose: it is a transport's building block, called
 *   before the transport dials, so that a bad option stops the dial; every transport's `connect`
 *   (core's `defineConnect`) turns that throw into a rejection, so an application never sees it.
 */
export function openClientConnection(channel: ByteChannel, options: ClientConnectionOptions): Promise<EngineConnection> {
  let handshake: ClientHandshake | null = null;
  let connection: EngineConnection;
  const clock = options.clock ?? systemClock;
  const connectTimeout = options.connectTimeout ?? DEFAULT_CONNECT_TIMEOUT;
  try {
    if (!(connectTimeout > 0)) throw new WireKitUsageError('WK_ERR_INVALID_ARGUMENT', 'connectTimeout must be a positive number of ms');
    if (options.skipHandshake !== true) {
      const request: Writable<ClientHandshakeOptions> = { url: options.url, random: options.random };
      copyDefined(request, options, HANDSHAKE_FIELDS);
      handshake = new ClientHandshake(request);
    }
    const settings = engineLimits(options) as Writable<EngineConnectionOptions>;
    settings.role = 'client';
    settings.url = options.url;
    settings.random = options.random;
    settings.clock = clock;
    copyDefined(settings, options, ENGINE_FIELDS);
    if (options.textAsBytes === true) settings.textAsBytes = true;
    if (handshake !== null) settings.handshake = pendingHandshake(handshake);
    connection = new EngineConnection(channel, settings);
  } catch (error) {
    channel.destroy();
    throw error;
  }
  const { signal } = options;
  if (signal?.aborted === true) {
    connection.terminate(aborted(signal));
    return Promise.reject(connection.error!);
  }

  return new Promise<EngineConnection>((resolve, reject) => {
    const timer = clock.setTimeout(() => {
      connection.terminate(new WireKitError('WK_ERR_CONNECT_TIMEOUT', `the connection was not open after ${connectTimeout} ms`));
    }, connectTimeout);
    // Only a connect given a signal pays for the abort listener.
    const onAbort = signal ? (): void => connection.terminate(aborted(signal)) : null;
    if (onAbort !== null) signal!.addEventListener('abort', onAbort, { once: true });
    const cleanup = (): void => {
      clock.clearTimeout(timer);
      if (onAbort !== null) signal!.removeEventListener('abort', onAbort);
      offOpen();
      offClose();
    };
    const offOpen = connection.on('open', () => {
      cleanup();
      resolve(connection);
    });
    const offClose = connection.on('close', () => {
      cleanup();
      reject(connection.error ?? new WireKitError('WK_ERR_CONNECTION_RESET', 'the connection closed before the opening handshake completed'));
    });
    if (handshake === null) connection.establish();
    else {
      channel.write([handshake.request()], (error) => {
        if (error !== undefined) connection.terminate(toWireKitError(error));
      });
    }
  });
}

/** The options handed on to the ClientHandshake when given, and those handed on to the EngineConnection. */
const HANDSHAKE_FIELDS = ['sha1', 'protocols', 'extensions', 'headers', 'origin'] as const;
const ENGINE_FIELDS = ['autoPong', 'closeTimeout', 'fragmentSize', 'allocate', 'isUtf8'] as const;

function pendingHandshake(handshake: ClientHandshake): PendingHandshake {
  return { receive: (chunk) => outcome(handshake.receive(chunk)) };
}

function outcome(result: ClientHandshakeResult | null): HandshakeOutcome | null {
  if (result === null) return null;
  if (result.kind === 'rejected') return { kind: 'rejected', error: toWireKitError(result.error) };
  return { kind: 'accepted', protocol: result.protocol, extensions: result.extensions, extensionsHeader: result.extensionsHeader, remainder: result.remainder };
}

function aborted(signal: AbortSignal): WireKitError {
  return new WireKitError('WK_ERR_ABORTED', 'the connect was aborted', { errno: 'ECANCELED', cause: signal.reason });
}
