import type { Message } from './connection.js';
import { WireKitError } from './wirekit-error.js';

/**
 * The subprotocol of session resume. A client offers it in Sec-WebSocket-Protocol; a server
 * that selects it speaks the format below, and a client that did not offer it (a plain
 * WebSocket) gets plain messages as before.
 *
 * Client → server: the first message is a text hello, `{"t":"hello"}` for a new session or
 * `{"t":"resume","s":"<session id>","o":{"<room>":"<offset>",…}}` with the last offset it got
 * of each room. Later messages are the application's, unchanged.
 *
 * Server → client: an envelope is a binary message `MAGIC header-JSON LF payload`, where MAGIC
 * is the 4 bytes `00 57 4B 31` ("\0WK1") and the header one of
 * - `{"t":"welcome","s":id,"resumed":bool,"reason"?:string,"replayed"?:number}`, always first;
 * - `{"t":"m","r":room,"o":offset,"x"?:1}`, a room message (`x`: the payload is text);
 * - `{"t":"d","x"?:1}`, a direct message that happened to start with MAGIC (escaped).
 * Every other message is a direct message of the application, as sent.
 *
 * @see ../../../docs/scaling.md
 */
export const RESUME_PROTOCOL = 'wirekit.resume.v1';

/** The 4 bytes that start every envelope: NUL, then "WK1". */
export const RESUME_MAGIC = Uint8Array.of(0x00, 0x57, 0x4b, 0x31);

/** The header of a server → client envelope. */
export type ResumeHeader =
  | { readonly t: 'welcome'; readonly s: string; readonly resumed: boolean; readonly reason?: NotResumedReason; readonly replayed?: number }
  | { readonly t: 'm'; readonly r: string; readonly o: string; readonly x?: 1 }
  | { readonly t: 'd'; readonly x?: 1 };

/**
 * Why a session could not be resumed: `expired` (unknown id: the window passed, or it never
 * existed), `trimmed` (the room's backlog no longer holds every missed message),
 * `too-far-behind` (more missed messages than the server replays at once).
 */
export type NotResumedReason = 'expired' | 'trimmed' | 'too-far-behind';

/** The first message of a client on the resume subprotocol. */
export type ResumeHello =
  | { readonly t: 'hello' }
  | { readonly t: 'resume'; readonly s: string; readonly o: Readonly<Record<string, string>> };

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });
const LF = 0x0a;

/** Encodes an envelope (binary); text payloads are marked so that the client gives back a string. */
export function encodeEnvelope(header: ResumeHeader, payload: Message = new Uint8Array(0)): Uint8Array {
  const isText = typeof payload === 'string';
  const head = encoder.encode(JSON.stringify(isText && header.t !== 'welcome' ? { ...header, x: 1 } : header));
  const body = isText ? encoder.encode(payload) : payload;
  const out = new Uint8Array(RESUME_MAGIC.length + head.length + 1 + body.length);
  out.set(RESUME_MAGIC, 0);
  out.set(head, RESUME_MAGIC.length);
  out[RESUME_MAGIC.length + head.length] = LF;
  out.set(body, RESUME_MAGIC.length + head.length + 1);
  return out;
}

/** Whether a message is an envelope (binary and starts with {@link RESUME_MAGIC}). */
export function isEnvelope(data: Message): data is Uint8Array {
  if (typeof data === 'string' || data.length < RESUME_MAGIC.length) return false;
  for (let index = 0; index < RESUME_MAGIC.length; index++) if (data[index] !== RESUME_MAGIC[index]) return false;
  return true;
}

/**
 * Decodes an envelope into its header and payload.
 * @throws {WireKitError} WK_ERR_RESUME when the header is not valid JSON of a known kind.
 */
export function decodeEnvelope(data: Uint8Array): { header: ResumeHeader; payload: Message } {
  const end = data.indexOf(LF, RESUME_MAGIC.length);
  if (end < 0) throw resumeError('an envelope without the LF after its header');
  let header: unknown;
  try {
    header = JSON.parse(decoder.decode(data.subarray(RESUME_MAGIC.length, end)));
  } catch {
    throw resumeError('an envelope header that is not UTF-8 JSON');
  }
  if (!isHeader(header)) throw resumeError('an envelope header of unknown kind');
  const body = data.subarray(end + 1);
  if (header.t !== 'welcome' && header.x === 1) {
    try {
      return { header, payload: decoder.decode(body) };
    } catch {
      throw resumeError('a text envelope whose payload is not UTF-8');
    }
  }
  return { header, payload: body };
}

function isHeader(value: unknown): value is ResumeHeader {
  if (typeof value !== 'object' || value === null) return false;
  const header = value as Record<string, unknown>;
  switch (header['t']) {
    case 'welcome':
      return typeof header['s'] === 'string' && typeof header['resumed'] === 'boolean';
    case 'm':
      return typeof header['r'] === 'string' && typeof header['o'] === 'string';
    case 'd':
      return true;
    default:
      return false;
  }
}

/**
 * Parses a client's hello, bounded: at most `maxRooms` offsets, each room name and offset a
 * string of at most 256 characters, and the whole hello at most `maxRooms × 600 + 1 024`
 * characters (checked before JSON.parse, so a huge hello costs nothing to refuse).
 * @returns the hello, or null when the message is not a valid one.
 */
export function parseHello(data: Message, maxRooms: number): ResumeHello | null {
  if (typeof data !== 'string' || data.length > maxRooms * 600 + 1_024) return null;
  let value: unknown;
  try {
    value = JSON.parse(data);
  } catch {
    return null;
  }
  if (typeof value !== 'object' || value === null) return null;
  const hello = value as Record<string, unknown>;
  if (hello['t'] === 'hello') return { t: 'hello' };
  if (hello['t'] !== 'resume' || typeof hello['s'] !== 'string' || hello['s'].length > 256) return null;
  const offsets = hello['o'];
  if (typeof offsets !== 'object' || offsets === null || Array.isArray(offsets)) return null;
  const entries = Object.entries(offsets as Record<string, unknown>);
  if (entries.length > maxRooms) return null;
  const o: Record<string, string> = {};
  for (const [room, offset] of entries) {
    if (typeof offset !== 'string' || room.length > 256 || offset.length > 256 || !isOffset(offset)) return null;
    o[room] = offset;
  }
  return { t: 'resume', s: hello['s'], o };
}

/** Whether `value` is an offset: `<milliseconds>-<sequence>`, as Redis stream ids. */
export function isOffset(value: string): boolean {
  return /^\d{1,20}-\d{1,20}$/.test(value);
}

/**
 * Orders two offsets (`<ms>-<seq>`, as Redis stream ids): negative when `a` comes first.
 * Compared as numbers without precision loss (BigInt), as Redis compares its 64-bit ids.
 */
export function compareOffsets(a: string, b: string): number {
  const [am = '0', as = '0'] = a.split('-');
  const [bm = '0', bs = '0'] = b.split('-');
  const major = BigInt(am) - BigInt(bm);
  if (major !== 0n) return major < 0n ? -1 : 1;
  const minor = BigInt(as) - BigInt(bs);
  return minor === 0n ? 0 : minor < 0n ? -1 : 1;
}

/** A WK_ERR_RESUME error: the resume subprotocol was not followed. */
export function resumeError(message: string): WireKitError {
  return new WireKitError('WK_ERR_RESUME', `session resume: ${message}`);
}

/** Encodes a client hello. */
export function encodeHello(hello: ResumeHello): string {
  return JSON.stringify(hello);
}
