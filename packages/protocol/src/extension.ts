import type { Opcode } from './opcode.js';

/** Parameters of one extension in Sec-WebSocket-Extensions: `true` for a bare parameter. */
export type ExtensionParams = Readonly<Record<string, string | true>>;

/** One element of a Sec-WebSocket-Extensions header (RFC 6455 §9.1). */
export interface ExtensionOffer {
  readonly name: string;
  readonly params: ExtensionParams;
}

/** The RSV bits a frame carries, or an extension claims (RFC 6455 §5.2). */
export interface RsvBits {
  readonly rsv1: boolean;
  readonly rsv2: boolean;
  readonly rsv3: boolean;
}

/**
 * A negotiated extension, active on one connection. The engine calls `decode` for every
 * received message whose first frame set one of the extension's RSV bits, and `encode` for
 * every message sent. Either may answer synchronously or with a promise: the engine keeps
 * message order either way. Throwing (or rejecting) fails the connection; throw a
 * `ProtocolError` to choose the code and close code (default WK_ERR_EXTENSION_FAILED, 1011).
 */
export interface Extension {
  readonly name: string;
  /** The RSV bits this extension may set; a frame setting any other bit fails with 1002. */
  readonly rsv: RsvBits;
  /**
   * Reverses the extension's transform on a received message.
   * @param maxSize the message limit that applies to the result (for inflation-bomb defence).
   */
  decode(payload: Uint8Array, bits: RsvBits, opcode: Opcode, maxSize: number): Uint8Array | Promise<Uint8Array>;
  /** Transforms an outgoing message; returns the payload and the RSV bits its first frame carries. */
  encode(payload: Uint8Array, opcode: Opcode): EncodedPayload | Promise<EncodedPayload>;
  /** Releases resources when the connection ends. */
  dispose?(): void;
}

/** The result of `Extension.encode`. */
export interface EncodedPayload {
  readonly payload: Uint8Array;
  readonly rsv: RsvBits;
}

/**
 * Negotiates one extension in the opening handshake, on either side.
 * Extensions are pure: anything with I/O (zlib) lives in its own package.
 */
export interface ExtensionFactory {
  readonly name: string;
  /** Client: the parameter sets to offer, in order of preference. */
  offer(): readonly ExtensionParams[];
  /** Client: the server's accepted parameters; null when they are unacceptable (fails the handshake). */
  accept(response: ExtensionParams): Extension | null;
  /** Server: picks one of the client's offers for this extension, or null to decline. */
  negotiate(offers: readonly ExtensionParams[]): { readonly params: ExtensionParams; readonly extension: Extension } | null;
}
