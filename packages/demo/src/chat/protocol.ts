/**
 * The chat room's small JSON protocol, shared by the server, the web page and the CLI client.
 * Browser-safe: no node: imports. Every client message is validated here, and a bad one gets an
 * `error` reply naming what was wrong; nothing is dropped silently.
 */

/** Longest display name, in characters. */
export const MAX_NAME_LENGTH = 32;
/** Longest room name; rooms are `[a-z0-9_-]`, so they fit in a URL as they are. */
export const MAX_ROOM_LENGTH = 32;
/** Longest chat message, in characters: a paragraph, not a file. */
export const MAX_TEXT_LENGTH = 1_000;
/** Messages of history each room keeps for newcomers. */
export const HISTORY_LENGTH = 50;
/** The WebSocket subprotocol the chat speaks; the server also accepts clients that offer none. */
export const CHAT_PROTOCOL = 'wirekit.chat.v1';

/** What a client sends. */
export type ClientMessage =
  | { readonly type: 'join'; readonly room: string; readonly name: string }
  | { readonly type: 'message'; readonly text: string }
  | { readonly type: 'leave' };

/** One chat line, as kept in history. */
export interface ChatLine {
  readonly room: string;
  readonly name: string;
  readonly text: string;
  /** Server time, ms since the epoch. */
  readonly at: number;
}

/** Stable error codes of the chat protocol (the text beside them may change). */
export type ChatErrorCode = 'bad-json' | 'binary-not-supported' | 'unknown-type' | 'invalid-name' | 'invalid-room' | 'invalid-text' | 'text-too-long' | 'name-taken' | 'not-joined';

/** What the server sends. */
export type ServerMessage =
  | { readonly type: 'welcome'; readonly room: string; readonly name: string; readonly members: readonly string[]; readonly history: readonly ChatLine[] }
  | ({ readonly type: 'message' } & ChatLine)
  | { readonly type: 'presence'; readonly room: string; readonly members: readonly string[] }
  | { readonly type: 'system'; readonly room: string; readonly text: string }
  | { readonly type: 'error'; readonly code: ChatErrorCode; readonly message: string };

/** A validation failure: the reply a bad client message gets. */
export interface ChatProblem {
  readonly type: 'error';
  readonly code: ChatErrorCode;
  readonly message: string;
}

const problem = (code: ChatErrorCode, message: string): ChatProblem => ({ type: 'error', code, message });

// Control characters would let a name or line rewrite a terminal; they are refused, not stripped.
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
const ROOM = /^[a-z0-9_-]+$/;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function checkName(value: unknown): string | ChatProblem {
  if (typeof value !== 'string') return problem('invalid-name', 'name must be a string');
  const name = value.trim();
  if (name.length === 0) return problem('invalid-name', 'name must not be empty');
  if (name.length > MAX_NAME_LENGTH) return problem('invalid-name', `name is longer than ${String(MAX_NAME_LENGTH)} characters`);
  if (CONTROL.test(name)) return problem('invalid-name', 'name must not contain control characters');
  return name;
}

function checkRoom(value: unknown): string | ChatProblem {
  if (typeof value !== 'string' || value.length === 0) return problem('invalid-room', 'room must be a non-empty string');
  if (value.length > MAX_ROOM_LENGTH) return problem('invalid-room', `room is longer than ${String(MAX_ROOM_LENGTH)} characters`);
  if (!ROOM.test(value)) return problem('invalid-room', 'room may contain only a-z, 0-9, _ and -');
  return value;
}

function checkText(value: unknown): string | ChatProblem {
  if (typeof value !== 'string') return problem('invalid-text', 'text must be a string');
  if (value.trim().length === 0) return problem('invalid-text', 'text must not be empty');
  if (value.length > MAX_TEXT_LENGTH) return problem('text-too-long', `text is ${String(value.length)} characters; at most ${String(MAX_TEXT_LENGTH)} are allowed`);
  return value;
}

/**
 * Parses and validates one client message: the message, or the problem to send back.
 * @param data the WebSocket message as received (text or binary).
 */
export function parseClientMessage(data: string | Uint8Array): ClientMessage | ChatProblem {
  if (typeof data !== 'string') return problem('binary-not-supported', 'the chat speaks JSON text messages; binary messages are not accepted');
  let value: unknown;
  try {
    value = JSON.parse(data);
  } catch {
    return problem('bad-json', 'the message is not valid JSON');
  }
  if (!isRecord(value) || typeof value['type'] !== 'string') return problem('unknown-type', 'a message is a JSON object with a "type": join, message or leave');
  switch (value['type']) {
    case 'join': {
      const room = checkRoom(value['room']);
      if (typeof room !== 'string') return room;
      const name = checkName(value['name']);
      if (typeof name !== 'string') return name;
      return { type: 'join', room, name };
    }
    case 'message': {
      const text = checkText(value['text']);
      return typeof text === 'string' ? { type: 'message', text } : text;
    }
    case 'leave':
      return { type: 'leave' };
    default:
      return problem('unknown-type', `unknown message type ${JSON.stringify(value['type']).slice(0, 40)}; expected join, message or leave`);
  }
}

/** Whether a parse result is a problem rather than a message. */
export function isProblem(result: ClientMessage | ChatProblem): result is ChatProblem {
  return result.type === 'error';
}

/**
 * Parses a server message on the client side.
 * @throws {Error} when it is not JSON or has no known type (a broken server, not a user mistake).
 */
export function parseServerMessage(data: string | Uint8Array): ServerMessage {
  const text = typeof data === 'string' ? data : new TextDecoder().decode(data);
  const value: unknown = JSON.parse(text);
  const types = ['welcome', 'message', 'presence', 'system', 'error'];
  if (!isRecord(value) || typeof value['type'] !== 'string' || !types.includes(value['type'])) throw new Error(`not a chat server message: ${text.slice(0, 80)}`);
  return value as unknown as ServerMessage;
}

/** One line of text for a server message, as the CLI prints it (the web page formats its own). */
export function formatServerMessage(message: ServerMessage): string {
  switch (message.type) {
    case 'welcome':
      return `* joined #${message.room} as ${message.name}; here: ${message.members.join(', ')}${message.history.length === 0 ? '' : `; earlier: ${String(message.history.length)}`}`;
    case 'message':
      return `<${message.name}> ${message.text}`;
    case 'presence':
      return `* in #${message.room}: ${message.members.join(', ')}`;
    case 'system':
      return `* ${message.text}`;
    case 'error':
      return `! ${message.code}: ${message.message}`;
  }
}
