/**
 * The engine's half of WireKit's error table: every `WK_ERR_*` code the protocol layer can
 * produce, with the close code it maps to and a one-line description. `@wirekit/core` merges
 * this table into its own, so each code is defined exactly once across the project.
 *
 * Codes are stable API: messages may change, codes may not.
 */
export const protocolErrorCodes = {
  // Peer bytes that break RFC 6455 framing (§5.2) — the connection is failed with 1002.
  WK_ERR_UNEXPECTED_MASK: { closeCode: 1002, description: 'A server sent a masked frame (RFC 6455 §5.1).' },
  WK_ERR_MISSING_MASK: { closeCode: 1002, description: 'A client sent an unmasked frame (RFC 6455 §5.1).' },
  WK_ERR_RESERVED_BITS: { closeCode: 1002, description: 'A frame set an RSV bit that no negotiated extension claims (RFC 6455 §5.2).' },
  WK_ERR_RESERVED_OPCODE: { closeCode: 1002, description: 'A frame used a reserved opcode (RFC 6455 §5.2).' },
  WK_ERR_CONTROL_FRAME_TOO_LONG: { closeCode: 1002, description: 'A control frame carried more than 125 bytes (RFC 6455 §5.5).' },
  WK_ERR_FRAGMENTED_CONTROL: { closeCode: 1002, description: 'A control frame was fragmented (RFC 6455 §5.5).' },
  WK_ERR_UNEXPECTED_CONTINUATION: { closeCode: 1002, description: 'A continuation frame arrived with no message in progress (RFC 6455 §5.4).' },
  WK_ERR_EXPECTED_CONTINUATION: { closeCode: 1002, description: 'A new data frame arrived while a fragmented message was in progress (RFC 6455 §5.4).' },
  WK_ERR_INVALID_LENGTH: { closeCode: 1002, description: 'A payload length was not minimally encoded or had its most significant bit set (RFC 6455 §5.2).' },
  WK_ERR_INVALID_CLOSE_PAYLOAD: { closeCode: 1002, description: 'A Close frame carried a 1-byte payload (RFC 6455 §5.5.1).' },
  WK_ERR_INVALID_CLOSE_CODE: { closeCode: 1002, description: 'A close code is not allowed on the wire (RFC 6455 §7.4): received from the peer, or passed to close().' },
  // Content the endpoint refuses.
  WK_ERR_INVALID_UTF8: { closeCode: 1007, description: 'A text message or close reason is not valid UTF-8 (RFC 6455 §8.1).' },
  WK_ERR_FRAME_TOO_LARGE: { closeCode: 1009, description: 'A frame is larger than maxFrameSize.' },
  WK_ERR_MESSAGE_TOO_LARGE: { closeCode: 1009, description: 'A message is larger than maxMessageSize.' },
  WK_ERR_TOO_MANY_FRAGMENTS: { closeCode: 1008, description: 'A message was sent in more frames than maxFragments (65,536 by default).' },
  WK_ERR_OUTPUT_BACKLOG: { closeCode: 1008, description: 'The peer does not read: frames the endpoint wrote on its own (pongs, Close) passed maxControlBacklog bytes not handed to the OS, or did not drain for outputStallTimeout.' },
  WK_ERR_EXTENSION_FAILED: { closeCode: 1011, description: 'A negotiated extension failed to transform a message.' },
  WK_ERR_INFLATE_FAILED: { closeCode: 1007, description: 'A compressed message is not valid deflate data (permessage-deflate, RFC 7692 §7.2.2): its content is inconsistent, as with invalid UTF-8.' },
  // Opening handshake (RFC 6455 §4). No close code: the WebSocket never opened.
  WK_ERR_HANDSHAKE_MALFORMED: { closeCode: null, description: 'The HTTP upgrade request or response could not be parsed.' },
  WK_ERR_HANDSHAKE_HEADERS_TOO_LARGE: { closeCode: null, description: 'The HTTP upgrade head exceeded maxHeaderBytes (answered with 431 by a server).' },
  WK_ERR_HANDSHAKE_STATUS: { closeCode: null, description: 'The server answered the upgrade with a status other than 101; the error carries the status.' },
  WK_ERR_HANDSHAKE_UPGRADE: { closeCode: null, description: 'The Upgrade or Connection header is missing or does not name websocket/upgrade.' },
  WK_ERR_HANDSHAKE_ACCEPT: { closeCode: null, description: 'Sec-WebSocket-Accept is missing or does not match the key sent.' },
  WK_ERR_HANDSHAKE_PROTOCOL: { closeCode: null, description: 'The server selected a subprotocol the client did not offer.' },
  WK_ERR_HANDSHAKE_EXTENSION: { closeCode: null, description: 'The server accepted an extension the client did not offer, or with parameters it cannot accept.' },
  WK_ERR_HANDSHAKE_METHOD: { closeCode: null, description: 'The upgrade request is not an HTTP/1.1 GET (answered with 405 or 400).' },
  WK_ERR_HANDSHAKE_KEY: { closeCode: null, description: 'Sec-WebSocket-Key is missing or is not 16 base64-encoded bytes (answered with 400).' },
  WK_ERR_HANDSHAKE_VERSION: { closeCode: null, description: 'Sec-WebSocket-Version is not 13 (answered with 426 and the supported version).' },
  // Misuse by the caller: thrown synchronously as WireKitUsageError.
  WK_ERR_CLOSE_REASON_TOO_LONG: { closeCode: null, description: 'A close reason is longer than 123 bytes of UTF-8 (RFC 6455 §5.5).' },
  WK_ERR_CONTROL_PAYLOAD_TOO_LONG: { closeCode: null, description: 'A ping or pong payload is longer than 125 bytes (RFC 6455 §5.5).' },
  WK_ERR_NOT_OPEN: { closeCode: null, description: 'Data was sent after the closing handshake started or the connection closed.' },
  WK_ERR_FRAGMENT_ORDER: { closeCode: null, description: 'A fragment was sent out of order: a continuation with no message open, or a new message while one is open.' },
  WK_ERR_INVALID_ARGUMENT: { closeCode: null, description: 'An argument has the wrong type or an out-of-range value.' },
  WK_ERR_INVALID_HEADER: { closeCode: null, description: 'A header name or value is not a valid HTTP token/field value (CR, LF or NUL would allow header injection).' },
  WK_ERR_INVALID_PROTOCOL: { closeCode: null, description: 'A subprotocol is not a valid HTTP token, or is listed twice.' },
  WK_ERR_INVALID_URL: { closeCode: null, description: 'The URL is not a ws:, wss:, http: or https: URL, or carries a fragment.' },
} as const satisfies Record<string, { closeCode: number | null; description: string }>;

/** Any code of the protocol layer's table. */
export type ProtocolErrorCode = keyof typeof protocolErrorCodes;
