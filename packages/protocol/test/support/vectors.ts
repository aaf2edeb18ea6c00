import { hex, join, pattern } from './hex.js';

/** A golden frame sequence and what decoding it must yield. */
export interface FrameVector {
  readonly name: string;
  /** Receiving role: a server expects masked frames, a client unmasked ones. */
  readonly receiver: 'client' | 'server';
  readonly bytes: Uint8Array;
  readonly frames: ReadonlyArray<{ fin: boolean; opcode: number; payload: Uint8Array }>;
}

const hello = new TextEncoder().encode('Hello');

/** RFC 6455 §5.7 examples plus the length-boundary cases. */
export const frameVectors: readonly FrameVector[] = [
  { name: 'unmasked text "Hello" (RFC 6455 §5.7)', receiver: 'client', bytes: hex('81 05 48 65 6c 6c 6f'), frames: [{ fin: true, opcode: 1, payload: hello }] },
  { name: 'masked text "Hello" (RFC 6455 §5.7)', receiver: 'server', bytes: hex('81 85 37 fa 21 3d 7f 9f 4d 51 58'), frames: [{ fin: true, opcode: 1, payload: hello }] },
  {
    name: 'fragmented unmasked text "Hel" + "lo" (RFC 6455 §5.7)',
    receiver: 'client',
    bytes: hex('01 03 48 65 6c 80 02 6c 6f'),
    frames: [
      { fin: false, opcode: 1, payload: hello.subarray(0, 3) },
      { fin: true, opcode: 0, payload: hello.subarray(3) },
    ],
  },
  { name: 'unmasked ping "Hello" (RFC 6455 §5.7)', receiver: 'client', bytes: hex('89 05 48 65 6c 6c 6f'), frames: [{ fin: true, opcode: 9, payload: hello }] },
  { name: 'masked pong "Hello" (RFC 6455 §5.7)', receiver: 'server', bytes: hex('8a 85 37 fa 21 3d 7f 9f 4d 51 58'), frames: [{ fin: true, opcode: 10, payload: hello }] },
  { name: 'empty binary frame', receiver: 'client', bytes: hex('82 00'), frames: [{ fin: true, opcode: 2, payload: new Uint8Array(0) }] },
  { name: 'empty masked close frame', receiver: 'server', bytes: hex('88 80 01 02 03 04'), frames: [{ fin: true, opcode: 8, payload: new Uint8Array(0) }] },
  { name: '125-byte binary (largest 7-bit length)', receiver: 'client', bytes: join(hex('82 7d'), pattern(125)), frames: [{ fin: true, opcode: 2, payload: pattern(125) }] },
  { name: '126-byte binary (smallest 16-bit length)', receiver: 'client', bytes: join(hex('82 7e 00 7e'), pattern(126)), frames: [{ fin: true, opcode: 2, payload: pattern(126) }] },
  { name: '256-byte binary (RFC 6455 §5.7)', receiver: 'client', bytes: join(hex('82 7e 01 00'), pattern(256)), frames: [{ fin: true, opcode: 2, payload: pattern(256) }] },
  { name: '65535-byte binary (largest 16-bit length)', receiver: 'client', bytes: join(hex('82 7e ff ff'), pattern(65535)), frames: [{ fin: true, opcode: 2, payload: pattern(65535) }] },
  { name: '65536-byte binary (smallest 64-bit length, RFC 6455 §5.7)', receiver: 'client', bytes: join(hex('82 7f 00 00 00 00 00 01 00 00'), pattern(65536)), frames: [{ fin: true, opcode: 2, payload: pattern(65536) }] },
  {
    name: 'ping between two fragments (RFC 6455 §5.4)',
    receiver: 'client',
    bytes: hex('01 01 61 89 00 80 01 62'),
    frames: [
      { fin: false, opcode: 1, payload: hex('61') },
      { fin: true, opcode: 9, payload: new Uint8Array(0) },
      { fin: true, opcode: 0, payload: hex('62') },
    ],
  },
];

/** A frame the receiver must refuse, with the code and close code expected. */
export interface ViolationVector {
  readonly name: string;
  readonly receiver: 'client' | 'server';
  readonly bytes: Uint8Array;
  readonly code: string;
  readonly closeCode: number;
}

export const violationVectors: readonly ViolationVector[] = [
  { name: 'a masked frame sent to a client (§5.1)', receiver: 'client', bytes: hex('81 85 37 fa 21 3d 7f 9f 4d 51 58'), code: 'WK_ERR_UNEXPECTED_MASK', closeCode: 1002 },
  { name: 'an unmasked frame sent to a server (§5.1)', receiver: 'server', bytes: hex('81 05 48 65 6c 6c 6f'), code: 'WK_ERR_MISSING_MASK', closeCode: 1002 },
  { name: 'RSV1 with no extension (§5.2)', receiver: 'client', bytes: hex('c1 00'), code: 'WK_ERR_RESERVED_BITS', closeCode: 1002 },
  { name: 'RSV2 with no extension (§5.2)', receiver: 'client', bytes: hex('a1 00'), code: 'WK_ERR_RESERVED_BITS', closeCode: 1002 },
  { name: 'RSV3 with no extension (§5.2)', receiver: 'client', bytes: hex('91 00'), code: 'WK_ERR_RESERVED_BITS', closeCode: 1002 },
  { name: 'reserved data opcode 0x3 (§5.2)', receiver: 'client', bytes: hex('83 00'), code: 'WK_ERR_RESERVED_OPCODE', closeCode: 1002 },
  { name: 'reserved control opcode 0xB (§5.2)', receiver: 'client', bytes: hex('8b 00'), code: 'WK_ERR_RESERVED_OPCODE', closeCode: 1002 },
  { name: 'a fragmented ping (§5.5)', receiver: 'client', bytes: hex('09 00'), code: 'WK_ERR_FRAGMENTED_CONTROL', closeCode: 1002 },
  { name: 'a 126-byte ping (§5.5)', receiver: 'client', bytes: join(hex('89 7e 00 7e'), pattern(126)), code: 'WK_ERR_CONTROL_FRAME_TOO_LONG', closeCode: 1002 },
  { name: 'a 16-bit length under 126 (§5.2)', receiver: 'client', bytes: join(hex('82 7e 00 05'), pattern(5)), code: 'WK_ERR_INVALID_LENGTH', closeCode: 1002 },
  { name: 'a 64-bit length under 65536 (§5.2)', receiver: 'client', bytes: join(hex('82 7f 00 00 00 00 00 00 00 05'), pattern(5)), code: 'WK_ERR_INVALID_LENGTH', closeCode: 1002 },
  { name: 'a 64-bit length with its top bit set (§5.2)', receiver: 'client', bytes: hex('82 7f 80 00 00 00 00 00 00 00'), code: 'WK_ERR_INVALID_LENGTH', closeCode: 1002 },
  { name: 'a continuation with no message started (§5.4)', receiver: 'client', bytes: hex('80 01 61'), code: 'WK_ERR_UNEXPECTED_CONTINUATION', closeCode: 1002 },
  { name: 'a new text frame inside a fragmented message (§5.4)', receiver: 'client', bytes: hex('01 01 61 81 01 62'), code: 'WK_ERR_EXPECTED_CONTINUATION', closeCode: 1002 },
  { name: 'a close frame with a 1-byte payload (§5.5.1)', receiver: 'client', bytes: hex('88 01 03'), code: 'WK_ERR_INVALID_CLOSE_PAYLOAD', closeCode: 1002 },
  { name: 'close code 1005 on the wire (§7.4.1)', receiver: 'client', bytes: hex('88 02 03 ed'), code: 'WK_ERR_INVALID_CLOSE_CODE', closeCode: 1002 },
  { name: 'close code 999 (§7.4)', receiver: 'client', bytes: hex('88 02 03 e7'), code: 'WK_ERR_INVALID_CLOSE_CODE', closeCode: 1002 },
  { name: 'close code 5000 (§7.4)', receiver: 'client', bytes: hex('88 02 13 88'), code: 'WK_ERR_INVALID_CLOSE_CODE', closeCode: 1002 },
  { name: 'a close reason that is not UTF-8 (§8.1)', receiver: 'client', bytes: hex('88 04 03 e8 ff fe'), code: 'WK_ERR_INVALID_UTF8', closeCode: 1007 },
  { name: 'a text message that is not UTF-8 (§8.1)', receiver: 'client', bytes: hex('81 02 c3 28'), code: 'WK_ERR_INVALID_UTF8', closeCode: 1007 },
  { name: 'a surrogate code point encoded in UTF-8 (§8.1)', receiver: 'client', bytes: hex('81 03 ed a0 80'), code: 'WK_ERR_INVALID_UTF8', closeCode: 1007 },
  { name: 'invalid UTF-8 in the first fragment, before the message ends (fail fast)', receiver: 'client', bytes: hex('01 05 ce ba e1 bd f4'), code: 'WK_ERR_INVALID_UTF8', closeCode: 1007 },
  { name: 'a text message ending mid code point (§8.1)', receiver: 'client', bytes: hex('01 01 e2 80 01 82'), code: 'WK_ERR_INVALID_UTF8', closeCode: 1007 },
  { name: 'RSV1 on a ping (control frames take no extension bits)', receiver: 'client', bytes: hex('c9 00'), code: 'WK_ERR_RESERVED_BITS', closeCode: 1002 },
];
