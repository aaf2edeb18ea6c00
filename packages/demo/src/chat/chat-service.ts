/**
 * The chat room's logic over WireKit connections: who is in which room (the server's Room and
 * RoomRegistry), the JSON protocol of ./protocol.ts, presence, system notices and a bounded
 * history per room. Works with any `Connection`; ./server.ts feeds it the WireKitServer's.
 */
import type { Connection, Message } from '@wirekit/core';
import type { RoomRegistry } from '@wirekit/server';
import { describeError } from '../bounded.js';
import { HISTORY_LENGTH, isProblem, parseClientMessage, type ChatLine, type ServerMessage } from './protocol.js';

/** Options of a {@link ChatService}. */
export interface ChatServiceOptions {
  /** Messages kept per room; defaults to {@link HISTORY_LENGTH}. */
  readonly historyLength?: number;
  /**
   * Rooms whose history is kept; the oldest is forgotten past this. Defaults to 100, since room
   * names come from clients and must not make memory grow without bound.
   */
  readonly maxRoomsWithHistory?: number;
  /** The clock for message times; defaults to Date.now. Tests inject a fixed one. */
  readonly now?: () => number;
  /** Where failures to deliver are reported (a chat never drops a reply silently). Defaults to console.warn. */
  readonly report?: (line: string) => void;
}

interface Member {
  readonly name: string;
  readonly room: string;
}

/** The chat: accepts connections and runs the protocol on them. */
export class ChatService {
  readonly #rooms: RoomRegistry;
  readonly #members = new Map<Connection, Member>();
  readonly #history = new Map<string, ChatLine[]>();
  readonly #historyLength: number;
  readonly #maxRooms: number;
  readonly #now: () => number;
  readonly #report: (line: string) => void;

  constructor(rooms: RoomRegistry, options: ChatServiceOptions = {}) {
    this.#rooms = rooms;
    this.#historyLength = options.historyLength ?? HISTORY_LENGTH;
    this.#maxRooms = options.maxRoomsWithHistory ?? 100;
    this.#now = options.now ?? Date.now;
    this.#report = options.report ?? ((line) => console.warn(line));
  }

  /** Number of connections that have joined a room. */
  get memberCount(): number {
    return this.#members.size;
  }

  /** Takes a new connection: its messages are handled until it closes. */
  accept(connection: Connection): void {
    connection.on('message', (data) => this.#handle(connection, data));
    connection.on('close', () => this.#leave(connection, 'left'));
  }

  /** The names in `room`, in the order they joined. */
  members(room: string): string[] {
    const found = this.#rooms.find(room);
    if (found === undefined) return [];
    return [...found.members()].flatMap((connection) => {
      const member = this.#members.get(connection);
      return member === undefined ? [] : [member.name];
    });
  }

  /** The history of `room`, oldest first. */
  history(room: string): readonly ChatLine[] {
    return this.#history.get(room) ?? [];
  }

  #handle(connection: Connection, data: Message): void {
    const parsed = parseClientMessage(data);
    if (isProblem(parsed)) return this.#send(connection, parsed);
    switch (parsed.type) {
      case 'join':
        return this.#join(connection, parsed.room, parsed.name);
      case 'message':
        return this.#say(connection, parsed.text);
      case 'leave':
        if (!this.#members.has(connection)) return this.#send(connection, { type: 'error', code: 'not-joined', message: 'you are not in a room' });
        return this.#leave(connection, 'left');
    }
  }

  #join(connection: Connection, room: string, name: string): void {
    const current = this.#members.get(connection);
    if (current?.room === room && current.name === name) return this.#welcome(connection, room, name);
    if (this.members(room).some((other) => other.toLowerCase() === name.toLowerCase())) {
      return this.#send(connection, { type: 'error', code: 'name-taken', message: `someone in #${room} is already called ${name}` });
    }
    if (current !== undefined) this.#leave(connection, `moved to #${room}`);
    if (!this.#rooms.get(room).join(connection)) return;
    this.#members.set(connection, { name, room });
    this.#welcome(connection, room, name);
    this.#broadcast(room, { type: 'system', room, text: `${name} joined #${room}` }, connection);
    this.#broadcast(room, { type: 'presence', room, members: this.members(room) });
  }

  #welcome(connection: Connection, room: string, name: string): void {
    this.#send(connection, { type: 'welcome', room, name, members: this.members(room), history: this.history(room) });
  }

  #say(connection: Connection, text: string): void {
    const member = this.#members.get(connection);
    if (member === undefined) return this.#send(connection, { type: 'error', code: 'not-joined', message: 'join a room before sending messages: {"type":"join","room":"lobby","name":"you"}' });
    const line: ChatLine = { room: member.room, name: member.name, text, at: this.#now() };
    this.#remember(line);
    // The sender gets its own line back too: that is its confirmation, stamped with server time.
    this.#broadcast(member.room, { type: 'message', ...line });
  }

  #leave(connection: Connection, why: string): void {
    const member = this.#members.get(connection);
    if (member === undefined) return;
    this.#members.delete(connection);
    this.#rooms.find(member.room)?.leave(connection);
    this.#broadcast(member.room, { type: 'system', room: member.room, text: `${member.name} ${why}` });
    this.#broadcast(member.room, { type: 'presence', room: member.room, members: this.members(member.room) });
  }

  #remember(line: ChatLine): void {
    let lines = this.#history.get(line.room);
    if (lines === undefined) {
      lines = [];
      this.#history.set(line.room, lines);
      const oldest = this.#history.keys().next().value;
      if (this.#history.size > this.#maxRooms && oldest !== undefined) this.#history.delete(oldest);
    }
    lines.push(line);
    if (lines.length > this.#historyLength) lines.splice(0, lines.length - this.#historyLength);
  }

  #send(connection: Connection, message: ServerMessage): void {
    if (connection.state !== 'open') return this.#report(`chat: not sent to a ${connection.state} connection: ${message.type}`);
    connection.send(JSON.stringify(message)).catch((error: unknown) => this.#report(`chat: a ${message.type} could not be sent: ${describeError(error)}`));
  }

  #broadcast(room: string, message: ServerMessage, except?: Connection): void {
    const found = this.#rooms.find(room);
    if (found === undefined) return;
    void found.broadcast(JSON.stringify(message), except === undefined ? {} : { except }).then(({ failed }) => {
      for (const { error } of failed) this.#report(`chat: a ${message.type} to #${room} failed: ${describeError(error)}`);
    });
  }
}
