// @wirekit/protocol — the sans-IO RFC 6455 engine. Every export is listed by name.

export { protocolErrorCodes } from './error-codes.js';
export type { ProtocolErrorCode } from './error-codes.js';
export { ProtocolError, WireKitUsageError, assertNever } from './errors.js';

export { Opcode, isControlOpcode, isKnownOpcode } from './opcode.js';
export { CloseCode, isValidWireCloseCode, MAX_CLOSE_REASON_BYTES, MAX_CONTROL_PAYLOAD } from './close-code.js';
export { encodeClosePayload, decodeClosePayload } from './close-frame.js';
export type { CloseStatus } from './close-frame.js';

export { applyMask, maskInPlace } from './mask.js';
export { NO_RSV } from './frame.js';
export type { Allocator } from './slab.js';
export type { Frame, Role } from './frame.js';
export { FrameDecoder } from './frame-decoder.js';
export type { FrameDecoderOptions } from './frame-decoder.js';
export { encodeFrame, frameHeaderLength } from './frame-encoder.js';
export type { FrameSpec } from './frame-encoder.js';
export { prepareMessage } from './prepared-message.js';
export type { PreparedMessage } from './prepared-message.js';
export { TextBytes, isUtf8 } from './text-bytes.js';
export type { Utf8Validator } from './text-bytes.js';
export { DEFAULT_MAX_FRAGMENTS, MessageAssembler, concat } from './message-assembler.js';
export type { RawMessage } from './message-assembler.js';

export { Engine } from './engine.js';
export { DEFAULT_SEND_POOL_BYTES } from './send-buffer-pool.js';
export type { EngineEvent, EngineOptions, EngineState } from './engine-options.js';
export type { EncodedPayload, Extension, ExtensionFactory, ExtensionOffer, ExtensionParams, RsvBits } from './extension.js';

// Opening handshake (RFC 6455 §4).
export { ClientHandshake } from './client-handshake.js';
export { parseWebSocketUrl, URL_ERRORS } from './web-socket-url.js';
export type { ParsedUrl } from './web-socket-url.js';
export type { ClientHandshakeOptions, ClientHandshakeResult } from './client-handshake.js';
export { ServerHandshake } from './server-handshake.js';
export type { ServerHandshakeOptions, ServerHandshakeResult } from './server-handshake.js';
export { validateUpgradeRequest } from './upgrade-request.js';
export type { NodeStyleHeaders, UpgradeRequest, UpgradeRequestInput, UpgradeValidation } from './upgrade-request.js';
export { acceptUpgrade } from './accept-upgrade.js';
export type { AcceptedUpgrade, AcceptUpgradeOptions } from './accept-upgrade.js';
export { rejectUpgrade, STATUS_REASONS } from './reject-upgrade.js';
export type { RejectUpgradeOptions } from './reject-upgrade.js';
export { computeAcceptKey, isValidWebSocketKey, WEBSOCKET_GUID } from './accept-key.js';
export { sha1 } from './sha1.js';
export { HttpHeadReader, DEFAULT_MAX_HEADER_BYTES } from './http-head-reader.js';
export type { HttpHeaders, HttpRequestHead, HttpResponseHead, HttpHeadResult, HttpHeadReaderOptions } from './http-head-reader.js';
export { isToken, listContainsToken, parseExtensionHeader, formatExtensionHeader, parseTokenList } from './header-values.js';
export type { HeaderInput } from './header-values.js';
