import { describe, expect, it } from 'vitest';
import { WireKitError, type CloseInfo, type Connection, type ConnectionEvents, type ConnectionState, type Message } from '@wirekit/core';
import { Room, RoomRegistry, broadcast } from '../src/index.js';

/** A Connection double: records sends, fails them on demand, closes on demand. No sockets. */
class StubConnection implements Connection {
  readonly url = 'ws://stub/';
  readonly protocol = '';
  readonly extensions = '';
  readonly bufferedAmount = 0;
  state: ConnectionState = 'open';
  readonly sent: Message[] = [];
  failWith: Error | null = null;
  readonly closed: Promise<CloseInfo>;
  #resolveClosed!: (info: CloseInfo) => void;
  readonly #closeListeners = new Set<(info: CloseInfo) => void>();

  constructor(readonly id: string) {
    this.closed = new Promise((resolve) => (this.#resolveClosed = resolve));
  }

  send(data: Message): Promise<void> {
    if (this.failWith !== null) return Promise.reject(this.failWith);
    this.sent.push(data);
    return Promise.resolve();
  }

  receive(): Promise<Message> {
    return Promise.reject(new Error('not used'));
  }

  ping(): Promise<number> {
    return Promise.resolve(0);
  }

  close(): Promise<CloseInfo> {
    this.end();
    return this.closed;
  }

  terminate(): void {
    this.end();
  }

  end(): void {
    this.state = 'closed';
    const info = { code: 1000, reason: '', wasClean: true };
    for (const listener of this.#closeListeners) listener(info);
    this.#resolveClosed(info);
  }

  on<E extends keyof ConnectionEvents>(event: E, listener: (...args: ConnectionEvents[E]) => void): () => void {
    if (event !== 'close') return () => undefined;
    const typed = listener as unknown as (info: CloseInfo) => void;
    this.#closeListeners.add(typed);
    return () => this.#closeListeners.delete(typed);
  }

  get closeListenerCount(): number {
    return this.#closeListeners.size;
  }

  async *[Symbol.asyncIterator](): AsyncIterator<Message> {
    // Never yields: the room tests do not read.
  }
}

describe('Room', () => {
  it('sends a broadcast to every member but the excluded one', async () => {
    const [a, b, c] = [new StubConnection('a'), new StubConnection('b'), new StubConnection('c')];
    const room = new Room('lobby');
    for (const member of [a, b, c]) expect(room.join(member)).toBe(true);
    expect(await room.broadcast('hi', { except: a })).toEqual({ sent: 2, failed: [] });
    expect([a.sent, b.sent, c.sent]).toEqual([[], ['hi'], ['hi']]);
  });

  it.each([
    { name: 'one connection', except: (members: StubConnection[]) => members[0]!, receivers: ['b', 'c'] },
    { name: 'an array', except: (members: StubConnection[]) => [members[0]!, members[2]!], receivers: ['b'] },
    { name: 'a set', except: (members: StubConnection[]) => new Set(members), receivers: [] },
  ])('excludes $name given as except', async ({ except, receivers }) => {
    const members = [new StubConnection('a'), new StubConnection('b'), new StubConnection('c')];
    const room = new Room();
    for (const member of members) room.join(member);
    const result = await room.broadcast('x', { except: except(members) });
    expect(result.sent).toBe(receivers.length);
    expect(members.filter((member) => member.sent.length > 0).map((member) => member.id)).toEqual(receivers);
  });

  it('reports each failed send with its connection and a WireKitError, and never rejects', async () => {
    const [good, bad] = [new StubConnection('good'), new StubConnection('bad')];
    bad.failWith = Object.assign(new Error('reset'), { code: 'ECONNRESET' });
    const room = new Room();
    room.join(good);
    room.join(bad);
    const result = await room.broadcast(new Uint8Array([1]));
    expect(result.sent).toBe(1);
    expect(result.failed).toHaveLength(1);
    expect(result.failed[0]!.connection).toBe(bad);
    expect(result.failed[0]!.error).toBeInstanceOf(WireKitError);
    expect(result.failed[0]!.error.code).toBe('WK_ERR_CONNECTION_RESET');
  });

  it('turns a send that throws synchronously into a reported failure', async () => {
    const stub = new StubConnection('sync');
    stub.send = () => {
      throw new Error('sync failure');
    };
    expect((await broadcast([stub], 'x')).failed.map(({ error }) => error.code)).toEqual(['WK_ERR_TRANSPORT']);
  });

  it('lets a member leave by itself when it closes, and unsubscribes when it leaves', async () => {
    const [a, b] = [new StubConnection('a'), new StubConnection('b')];
    const room = new Room();
    room.join(a);
    room.join(b);
    a.end();
    expect(room.size).toBe(1);
    expect(room.has(a)).toBe(false);
    expect(room.leave(b)).toBe(true);
    expect(b.closeListenerCount).toBe(0);
    expect(room.leave(b)).toBe(false);
  });

  it('refuses a connection that is already closed', () => {
    const closed = new StubConnection('closed');
    closed.end();
    const room = new Room();
    expect(room.join(closed)).toBe(false);
    expect(room.size).toBe(0);
  });

  it('counts a connection that joins twice once', () => {
    const a = new StubConnection('a');
    const room = new Room();
    room.join(a);
    room.join(a);
    expect(room.size).toBe(1);
    expect(a.closeListenerCount).toBe(1);
  });
});

describe('RoomRegistry', () => {
  it('returns the same room for a name and drops it once it is empty', () => {
    const rooms = new RoomRegistry();
    const lobby = rooms.get('lobby');
    expect(rooms.get('lobby')).toBe(lobby);
    const a = new StubConnection('a');
    lobby.join(a);
    expect([...rooms.names()]).toEqual(['lobby']);
    a.end();
    expect(rooms.has('lobby')).toBe(false);
    expect(rooms.size).toBe(0);
  });

  it('puts a dropped room back when someone joins it again', () => {
    const rooms = new RoomRegistry();
    const lobby = rooms.get('lobby');
    const a = new StubConnection('a');
    lobby.join(a);
    lobby.leave(a);
    expect(rooms.find('lobby')).toBeUndefined();
    lobby.join(new StubConnection('b'));
    expect(rooms.find('lobby')).toBe(lobby);
  });

  it('lists the rooms of a connection, and delete() empties a room', () => {
    const rooms = new RoomRegistry();
    const a = new StubConnection('a');
    rooms.get('one').join(a);
    rooms.get('two').join(a);
    expect(rooms.roomsOf(a).map((room) => room.name)).toEqual(['one', 'two']);
    expect(rooms.delete('one')).toBe(true);
    expect(rooms.roomsOf(a).map((room) => room.name)).toEqual(['two']);
    expect(rooms.delete('one')).toBe(false);
  });
});
