/** Named close codes (RFC 6455 §7.4.1, plus 1012–1014 from the IANA registry). */
export const CloseCode = {
  Normal: 1000,
  GoingAway: 1001,
  ProtocolError: 1002,
  UnsupportedData: 1003,
  NoStatusReceived: 1005,
  Abnormal: 1006,
  InvalidPayload: 1007,
  PolicyViolation: 1008,
  MessageTooBig: 1009,
  MandatoryExtension: 1010,
  InternalError: 1011,
  ServiceRestart: 1012,
  TryAgainLater: 1013,
  BadGateway: 1014,
  TlsHandshake: 1015,
} as const;

/**
 * Whether `code` may appear in a Close frame on the wire (RFC 6455 §7.4).
 * 1000–1003 and 1007–1014 are defined for the wire; 1005, 1006 and 1015 are reserved for
 * local reporting only and 1004 is reserved; 1016–2999 are reserved for future RFCs;
 * 3000–4999 belong to libraries, frameworks and applications; everything else is invalid.
 */
export function isValidWireCloseCode(code: number): boolean {
  if (!Number.isInteger(code)) return false;
  if (code >= 1000 && code <= 1014) return code !== 1004 && code !== 1005 && code !== 1006;
  return code >= 3000 && code <= 4999;
}

/** Longest close reason: a control frame holds 125 bytes, two of which are the code (§5.5). */
export const MAX_CLOSE_REASON_BYTES = 123;

/** Largest control-frame payload (RFC 6455 §5.5). */
export const MAX_CONTROL_PAYLOAD = 125;
