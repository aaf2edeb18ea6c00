import type { Connection, Message } from '@wirekit/core';
import { broadcast, type BroadcastOptions, type BroadcastResult } from './broadcast.js';

/**
 * What a {@link RoomRegistry} lets its owner see and steer: a server routes broadcasts through
 * its broker (`publish`) and follows membership for presence.
 */
export interface RoomHooks {
  /** Replaces the local fan-out of {@link Room.broadcast}. */
  readonly publish?: (room: Room, message: Message, options: BroadcastOptions) => Promise<BroadcastResult>;
  /** After `connection` joined (it is a member). */
  readonly onJoin?: (room: Room, connection: Connection) => void;
  /** After `connection` left (it is no longer a member). */
  readonly onLeave?: (room: Room, connection: Connection) => void;
}

/**
 * A named set of connections that receive the same messages: a chat room. A connection leaves
 * its rooms by itself when it closes, so a room never holds, or sends to, a dead connection for
 * long. Works with any {@link Connection}, not only the server's.
 *
 * @example
 * const room = server.rooms.get('lobby');
 * room.join(connection);
 * const { failed } = await room.broadcast('hello', { except: connection });
 */
export class Room {
  /** The room's name in its registry ('' for a room made on its own). */
  readonly name: string;
  readonly #members = new Map<Connection, () => void>();
  readonly #onEmpty: ((room: Room) => void) | undefined;
  readonly #onFirstJoin: ((room: Room) => void) | undefined;
  readonly #hooks: RoomHooks;

  /**
   * @param name the room's name.
   * @param hooks used by {@link RoomRegistry} to drop empty rooms and re-register revived ones,
   *   and by a server to route broadcasts through its broker.
   */
  constructor(name = '', hooks: RoomHooks & { onEmpty?: (room: Room) => void; onFirstJoin?: (room: Room) => void } = {}) {
    this.name = name;
    this.#onEmpty = hooks.onEmpty;
    this.#onFirstJoin = hooks.onFirstJoin;
    this.#hooks = hooks;
  }

  /** Members now. */
  get size(): number {
    return this.#members.size;
  }

  /** Whether `connection` is a member. */
  has(connection: Connection): boolean {
    return this.#members.has(connection);
  }

  /** The members, in the order they joined. */
  members(): IterableIterator<Connection> {
    return this.#members.keys();
  }

  /**
   * Adds `connection` until it leaves or closes.
   *
   * @returns true when it is a member afterwards (also when it already was); false for a
   *   connection that is already closed, which could never receive anything.
   */
  join(connection: Connection): boolean {
    if (this.#members.has(connection)) return true;
    if (connection.state === 'closed') return false;
    const stop = connection.on('close', () => this.leave(connection));
    if (this.#members.size === 0) this.#onFirstJoin?.(this);
    this.#members.set(connection, stop);
    this.#hooks.onJoin?.(this, connection);
    return true;
  }

  /** Removes `connection`; returns whether it was a member. */
  leave(connection: Connection): boolean {
    const stop = this.#members.get(connection);
    if (stop === undefined) return false;
    this.#members.delete(connection);
    stop();
    this.#hooks.onLeave?.(this, connection);
    if (this.#members.size === 0) this.#onEmpty?.(this);
    return true;
  }

  /**
   * Sends `message` to every member (but `except`), reporting each failure; never rejects.
   * In a server's registry the message goes through the server's broker, so members on every
   * node get it; the result counts this node's members.
   * @see {@link broadcast}
   */
  broadcast(message: Message, options: BroadcastOptions = {}): Promise<BroadcastResult> {
    if (this.#hooks.publish !== undefined) return this.#hooks.publish(this, message, options);
    return broadcast(this.#members.keys(), message, options);
  }
}

/**
 * The rooms of a server by name (`server.rooms`). `get(name)` makes a room on first use, and a
 * room that becomes empty is dropped from the registry so that rooms named by clients cannot
 * pile up; joining a dropped room's object again puts it back.
 */
export class RoomRegistry {
  readonly #rooms = new Map<string, Room>();
  readonly #hooks: RoomHooks;

  /** @param hooks given to every room (a server passes its broker's). */
  constructor(hooks: RoomHooks = {}) {
    this.#hooks = hooks;
  }

  /** Number of rooms with members (or fetched and not yet emptied). */
  get size(): number {
    return this.#rooms.size;
  }

  /** The room called `name`, made if it does not exist. */
  get(name: string): Room {
    let room = this.#rooms.get(name);
    if (room === undefined) {
      room = new Room(name, {
        ...this.#hooks,
        onEmpty: (emptied) => {
          if (this.#rooms.get(emptied.name) === emptied) this.#rooms.delete(emptied.name);
        },
        onFirstJoin: (revived) => {
          if (!this.#rooms.has(revived.name)) this.#rooms.set(revived.name, revived);
        },
      });
      this.#rooms.set(name, room);
    }
    return room;
  }

  /** Whether a room called `name` exists. */
  has(name: string): boolean {
    return this.#rooms.has(name);
  }

  /** The room called `name`, or undefined, without making one. */
  find(name: string): Room | undefined {
    return this.#rooms.get(name);
  }

  /** The names of the rooms. */
  names(): IterableIterator<string> {
    return this.#rooms.keys();
  }

  /** The rooms `connection` is a member of. */
  roomsOf(connection: Connection): Room[] {
    return [...this.#rooms.values()].filter((room) => room.has(connection));
  }

  /** Makes every member leave `name` and drops the room; returns whether it existed. */
  delete(name: string): boolean {
    const room = this.#rooms.get(name);
    if (room === undefined) return false;
    this.#rooms.delete(name);
    for (const member of [...room.members()]) room.leave(member);
    return true;
  }
}
