import { isUtf8 } from 'node:buffer';
import { createHash, randomFillSync } from 'node:crypto';
import { checkConnectUrl, defineConnect, openClientConnection, randomPool, type Connection, type ConnectionFactory, type EngineConnectOptions, type EngineConnection } from '@wirekit/core';
import { StreamSocketSecurityLevel, type StreamPairOptions } from './stream-constants.js';
import { streamChannel } from './stream-channel.js';
import { Stream } from './stream.js';

/** Node's CSPRNG, for Sec-WebSocket-Key and masking keys: drawn from a pooled block (core's randomPool), as framed's. */
const random = randomPool((bytes) => randomFillSync(bytes));
/** Node's SHA-1, for Sec-WebSocket-Accept. */
const sha1 = (data: Uint8Array): Uint8Array => new Uint8Array(createHash('sha1').update(data).digest());

const DEFAULT_PORTS: Readonly<Record<string, number>> = { 'ws:': 80, 'http:': 80, 'wss:': 443, 'https:': 443 };

/** Where a WebSocket URL points, and whether it needs TLS. */
export interface StreamTarget {
  readonly url: URL;
  readonly host: string;
  readonly port: number;
  readonly secure: boolean;
}

/**
 * Parses a ws:, wss:, http: or https: URL (core's one URL check).
 * @throws {WireKitError} WK_ERR_INVALID_URL (domain usage) for anything else.
 */
export function streamTarget(url: string | URL): StreamTarget {
  const parsed = checkConnectUrl(url);
  const port = DEFAULT_PORTS[parsed.protocol] ?? 80;
  return {
    url: parsed,
    host: parsed.hostname.replace(/^\[|\]$/g, ''),
    port: parsed.port === '' ? port : Number(parsed.port),
    secure: parsed.protocol === 'wss:' || parsed.protocol === 'https:',
  };
}

/**
 * Opens a WebSocket over a fresh `Stream.getStreamsToHost` pair (TLS for wss: through
 * `socketSecurityLevelKey` = `negotiatedSSL` and `sslSettings` = `options.tls`), with core's
 * `openClientConnection` on a {@link streamChannel}. The handshake starts at once and its
 * request waits in the channel until the output stream has space, so `connectTimeout` and
 * `signal` cover the TCP connect, TLS and the upgrade together.
 */
export function openStreamConnection(target: StreamTarget, options: EngineConnectOptions, pairOptions: StreamPairOptions = {}): Promise<EngineConnection> {
  const { inputStream, outputStream } = Stream.getStreamsToHost(target.host, target.port, pairOptions);
  if (target.secure) {
    outputStream.setProperty(StreamSocketSecurityLevel.negotiatedSSL, Stream.PropertyKey.socketSecurityLevelKey);
    outputStream.setProperty(options.tls ?? {}, Stream.PropertyKey.sslSettings);
  }
  const channel = streamChannel(inputStream, outputStream);
  // Options are checked before anything connects; the handshake request waits in the channel.
  const opening = openClientConnection(channel, { ...options, url: target.url.href, random, sha1, isUtf8 });
  inputStream.open();
  outputStream.open();
  return opening;
}

/** `connect`'s options: core's common ones and engine limits, plus the stream pair's buffer bounds. */
export interface StreamConnectOptions extends EngineConnectOptions, StreamPairOptions {}

/**
 * WireKit's common factory on the Foundation Stream pair: a WebSocket `Connection` (core's
 * EngineConnection) over `InputStream`/`OutputStream`, honouring every `ConnectOptions` field,
 * plus the pair's `readHighWaterMark` and `writeCapacity`.
 * Failures reject with a WireKitError: WK_ERR_CONNECTION_REFUSED (posix), WK_ERR_DNS (dns),
 * WK_ERR_TLS (tls), WK_ERR_CONNECT_TIMEOUT, WK_ERR_ABORTED, WK_ERR_HANDSHAKE_*. Misuse rejects
 * too, never throws (domain usage): WK_ERR_INVALID_URL (core's one URL check),
 * WK_ERR_INVALID_ARGUMENT for a bad bound, the option checks of core's `openClientConnection`.
 * @example
 * ```ts
 * import { connect } from '@wirekit/streams'; // was: '@wirekit/framed'
 * const connection = await connect('ws://127.0.0.1:8080/chat', { protocols: ['chat.v1'] });
 * ```
 */
export const connect = defineConnect((url: URL, options: StreamConnectOptions): Promise<Connection> => {
  const { readHighWaterMark, writeCapacity, ...common } = options;
  const pairOptions = {
    ...(readHighWaterMark === undefined ? {} : { readHighWaterMark }),
    ...(writeCapacity === undefined ? {} : { writeCapacity }),
  };
  return openStreamConnection(streamTarget(url), common, pairOptions);
}) satisfies ConnectionFactory;
