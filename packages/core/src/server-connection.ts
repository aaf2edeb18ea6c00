import type { Extension } from '@wirekit/protocol';
import type { ByteChannel } from './byte-channel.js';
import { copyDefined, type Writable } from './copy-defined.js';
import type { AcceptedHandshake, EngineConnectionOptions } from './engine-connection-options.js';
import { EngineConnection } from './engine-connection.js';
import { engineLimits, type EngineLimits } from './engine-limits.js';

/**
 * Options of {@link acceptServerConnection}: what `acceptUpgrade` negotiated, and the connection's
 * limits and engine settings, as documented on {@link EngineConnectionOptions}.
 */
export interface ServerConnectionOptions extends EngineLimits, Pick<EngineConnectionOptions, 'autoPong' | 'closeTimeout' | 'clock' | 'fragmentSize' | 'allocate' | 'onClose' | 'textAsBytes' | 'isUtf8'> {
  /** The request URL as the server sees it (e.g. `ws://host/path`), for `connection.url`. */
  readonly url: string;
  /** The selected subprotocol, or '' (AcceptedUpgrade.protocol). */
  readonly protocol: string;
  /** The negotiated extensions (AcceptedUpgrade.extensions). */
  readonly extensions: readonly Extension[];
  /** The Sec-WebSocket-Extensions value sent (AcceptedUpgrade.extensionsHeader). */
  readonly extensionsHeader: string;
  /** Bytes the client sent after its request head (ServerHandshakeResult.remainder, or `head` of node:http's upgrade event). */
  readonly remainder?: Uint8Array;
}

/** The engine settings handed on to the EngineConnection when given. */
const ENGINE_FIELDS = ['autoPong', 'closeTimeout', 'clock', 'fragmentSize', 'allocate', 'onClose', 'isUtf8'] as const;

/**
 * Wraps a channel on which the server has already written its 101 response (built with
 * protocol's `acceptUpgrade`) into an open {@link EngineConnection}; the remainder, if any, is
 * fed to the engine at once, and the messages it holds wait for the caller's first consumer
 * (a `message` listener, receive() or an iterator), so none is lost. Being the server, it ends the transport right after the closing
 * handshake (RFC 6455 §7.1.1).
 *
 * @throws {WireKitUsageError} WK_ERR_INVALID_ARGUMENT for a bad `closeTimeout` or limit.
 */
export function acceptServerConnection(channel: ByteChannel, options: ServerConnectionOptions): EngineConnection {
  // Built field by field (copyDefined): no object spread per connection.
  const settings = engineLimits(options) as Writable<EngineConnectionOptions>;
  settings.role = 'server';
  settings.url = options.url;
  copyDefined(settings, options, ENGINE_FIELDS);
  if (options.textAsBytes === true) settings.textAsBytes = true;
  const connection = new EngineConnection(channel, settings);
  const accepted: Writable<AcceptedHandshake> = { protocol: options.protocol, extensions: options.extensions, extensionsHeader: options.extensionsHeader };
  if (options.remainder !== undefined) accepted.remainder = options.remainder;
  connection.establish(accepted);
  return connection;
}
