// @wirekit/core — the shared Connection and its engine-driven implementation. Every export is listed by name.

export type { CloseInfo, Connection, ConnectionEvents, ConnectionFactory, ConnectionState, ConnectOptions, Message, TlsOptions } from './connection.js';
export type { ByteChannel, ByteChannelHandlers } from './byte-channel.js';

export { errorCodes } from './error-codes.js';
export type { ErrorCodeEntry, ErrorDomain, WireKitErrorCode } from './error-codes.js';
export { WireKitError, toWireKitError } from './wirekit-error.js';
// The engine's misuse error, re-exported so that code using only @wirekit/core can name it;
// `instanceof WireKitError` covers it (see WireKitError).
export { WireKitUsageError } from '@wirekit/protocol';
// A Text message kept as validated UTF-8 bytes (ConnectOptions.textAsBytes), and the validator.
export { TextBytes, isUtf8 } from '@wirekit/protocol';
export type { Utf8Validator } from '@wirekit/protocol';
export { bytesOfText, textOfBytes } from './text-bytes-codec.js';
export { checkConnectUrl, defineConnect } from './connect-url.js';
export { peerCloseError } from './peer-close-error.js';
export { notAMessage as notAMessageError, notOpen as notOpenError } from './send-ticket.js';
export type { SendTicket } from './send-ticket.js';
export { closeMisuse, neverThrows, pingMisuse } from './misuse.js';
export type { WireKitErrorOptions } from './wirekit-error.js';

export { systemClock } from './clock.js';
export type { Clock } from './clock.js';

export { socketChannel } from './socket-channel.js';
export { http2StreamChannel } from './http2-stream-channel.js';
export type { Http2StreamLike } from './http2-stream-channel.js';
export type { DuplexSocketLike } from './socket-channel.js';
export { memoryChannelPair } from './memory-channel.js';
export type { MemoryChannel, MemoryChannelOptions } from './memory-channel.js';

export { DEFAULT_MAX_BUFFERED_AMOUNT, DEFAULT_RECEIVE_HIGH_WATER_MARK } from './base-connection.js';
export { MessageQueue, messageSize } from './message-queue.js';
export type { Ending } from './message-queue.js';
export { utf8Length } from './utf8.js';
export type { ConnectionLimits } from './base-connection.js';
export { EngineConnection } from './engine-connection.js';
export type { AcceptedHandshake, EngineConnectionOptions, HandshakeOutcome, PendingHandshake } from './engine-connection-options.js';
export { engineLimits } from './engine-limits.js';
export type { EngineConnectOptions, EngineLimits } from './engine-limits.js';
export { openClientConnection } from './client-connection.js';
export { randomPool } from './random-pool.js';
export type { ClientConnectionOptions } from './client-connection.js';
export { acceptServerConnection } from './server-connection.js';
export type { ServerConnectionOptions } from './server-connection.js';

export { keepAlive } from './keep-alive.js';
export type { KeepAliveOptions } from './keep-alive.js';
export { CodecService, jsonCodec } from './codec-service.js';
export type { Codec, CodecServiceEvents, CodecServiceOptions } from './codec-service.js';

export { LengthPrefixFramer } from './length-prefix-framer.js';
export type { LengthPrefixFramerOptions } from './length-prefix-framer.js';
export { LineFramer } from './line-framer.js';
export type { LineFramerOptions } from './line-framer.js';
export type { MessageFramer } from './message-framer.js';
export { framedConnection } from './framed-connection.js';
export type { FramedConnectionOptions } from './framed-connection.js';

export { reconnecting, ReconnectingConnection } from './reconnecting-connection.js';
export type { ReconnectAttempt, ReconnectGiveUp, ReconnectingConnectionEvents } from './reconnect-events.js';
export { backoffDelay, defaultShouldReconnect, RECONNECT_CLOSE_CODES } from './reconnect-policy.js';
export type { BackoffOptions, OutboxOptions, OutboxPolicy, ReconnectCause, ReconnectPolicy } from './reconnect-policy.js';

// Session resume (wirekit.resume.v1): the client side, and the wire format the server shares.
export { ResumeSession } from './resume-session.js';
export type { ResumeSessionEvents, ResumeSessionOptions } from './resume-session.js';
export { compareOffsets, decodeEnvelope, encodeEnvelope, isEnvelope, isOffset, parseHello, RESUME_MAGIC, RESUME_PROTOCOL } from './resume-wire.js';
export type { NotResumedReason, ResumeHeader, ResumeHello } from './resume-wire.js';
