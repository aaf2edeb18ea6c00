// Frames and handshakes as a hostile peer writes them, byte by byte: what the engine refuses to
// produce (an impossible length) is built here by hand. Node-only, like the rest of hostile/.
import { createHash, randomBytes } from 'node:crypto';
import { constants, deflateRawSync } from 'node:zlib';

/** Opcodes used by the attacks (RFC 6455 §5.2). */
export const OP = { continuation: 0x0, text: 0x1, binary: 0x2, close: 0x8, ping: 0x9, pong: 0xa } as const;

/** Options of {@link frame}. */
export interface RawFrameOptions {
  readonly fin?: boolean;
  readonly rsv1?: boolean;
  /** Mask the payload (a client's frame, §5.3). */
  readonly masked: boolean;
}

/** One frame with a minimal length encoding. */
export function frame(opcode: number, payload: Uint8Array, options: RawFrameOptions): Buffer {
  const { fin = true, rsv1 = false, masked } = options;
  const length = payload.length;
  const extended = length < 126 ? 0 : length < 65_536 ? 2 : 8;
  const head = Buffer.alloc(2 + extended + (masked ? 4 : 0));
  head[0] = (fin ? 0x80 : 0) | (rsv1 ? 0x40 : 0) | opcode;
  head[1] = (masked ? 0x80 : 0) | (extended === 0 ? length : extended === 2 ? 126 : 127);
  if (extended === 2) head.writeUInt16BE(length, 2);
  if (extended === 8) head.writeBigUInt64BE(BigInt(length), 2);
  if (!masked) return Buffer.concat([head, payload]);
  const key = randomBytes(4);
  key.copy(head, 2 + extended);
  const body = Buffer.from(payload);
  for (let i = 0; i < body.length; i++) body[i]! ^= key[i & 3]!;
  return Buffer.concat([head, body]);
}

/** A binary frame header announcing `length` bytes (a 64-bit length, as written, even when invalid). */
export function announcedLength(length: bigint, masked: boolean): Buffer {
  const head = Buffer.alloc(10 + (masked ? 4 : 0));
  head[0] = 0x82;
  head[1] = (masked ? 0x80 : 0) | 127;
  head.writeBigUInt64BE(length, 2);
  return head;
}

/** `count` copies of one frame in one buffer, so a flood costs the attacker one write per batch. */
export function repeat(bytes: Buffer, count: number): Buffer {
  return Buffer.concat(Array.from({ length: count }, () => bytes));
}

/** A permessage-deflate payload (RFC 7692 §7.2.1: sync flush, trailer removed) that inflates to `size` zero bytes. */
export function zeroMessage(size: number): Buffer {
  const out = deflateRawSync(Buffer.alloc(size), { finishFlush: constants.Z_SYNC_FLUSH, level: 9 });
  return out.subarray(0, out.length - 4);
}

/** The upgrade request a client sends (with a permessage-deflate offer, or a subprotocol, when asked). */
export function upgradeRequest(host: string, options: { deflate?: boolean; path?: string; protocol?: string } = {}): string {
  return [
    `GET ${options.path ?? '/'} HTTP/1.1`,
    `Host: ${host}`,
    'Upgrade: websocket',
    'Connection: Upgrade',
    `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}`,
    'Sec-WebSocket-Version: 13',
    ...(options.deflate === true ? ['Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits'] : []),
    ...(options.protocol === undefined ? [] : [`Sec-WebSocket-Protocol: ${options.protocol}`]),
    '',
    '',
  ].join('\r\n');
}

/** The 101 a server answers `request` with (accepting permessage-deflate when offered and `deflate`). */
export function switchingProtocols(request: string, deflate: boolean): string {
  const key = /sec-websocket-key:\s*(\S+)/i.exec(request)?.[1] ?? '';
  const accept = createHash('sha1').update(`${key}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`).digest('base64');
  const offered = /sec-websocket-extensions:[^\r]*permessage-deflate/i.test(request);
  return [
    'HTTP/1.1 101 Switching Protocols',
    'Upgrade: websocket',
    'Connection: Upgrade',
    `Sec-WebSocket-Accept: ${accept}`,
    ...(deflate && offered ? ['Sec-WebSocket-Extensions: permessage-deflate'] : []),
    '',
    '',
  ].join('\r\n');
}

/**
 * A permessage-deflate payload inflating to `mebibytes` MiB of zeros, about 1 KiB per MiB: one
 * MiB compressed on its own and sync-flushed ends on a byte boundary, so copies of it form one
 * valid raw deflate stream (every back-reference stays inside the zeros before it).
 */
export function zeroBomb(mebibytes: number): Buffer {
  const unit = deflateRawSync(Buffer.alloc(1024 * 1024), { finishFlush: constants.Z_SYNC_FLUSH, level: 9 });
  const body = repeat(unit, mebibytes);
  return body.subarray(0, body.length - 4);
}
