import { RoomRegistry } from '@wirekit/server';
import { describe, expect, it } from 'vitest';
import { ChatService } from '../src/chat/chat-service.js';
import { MAX_TEXT_LENGTH, parseClientMessage } from '../src/chat/protocol.js';
import { FakeConnection } from './support/fake-connection.js';

const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

function setup(historyLength = 3): { chat: ChatService; rooms: RoomRegistry; reports: string[]; client: () => FakeConnection } {
  const rooms = new RoomRegistry();
  const reports: string[] = [];
  const chat = new ChatService(rooms, { historyLength, now: () => 1_000, report: (line) => reports.push(line) });
  return {
    chat,
    rooms,
    reports,
    client: () => {
      const fake = new FakeConnection();
      chat.accept(fake.connection);
      return fake;
    },
  };
}

const join = (fake: FakeConnection, name: string, room = 'lobby'): void => fake.deliver(JSON.stringify({ type: 'join', room, name }));
const say = (fake: FakeConnection, text: string): void => fake.deliver(JSON.stringify({ type: 'message', text }));

describe('parseClientMessage()', () => {
  it.each([
    ['binary data', new Uint8Array([1]), 'binary-not-supported'],
    ['text that is not JSON', '{nope', 'bad-json'],
    ['a JSON array', '[1]', 'unknown-type'],
    ['an unknown type', '{"type":"shout"}', 'unknown-type'],
    ['an empty name', '{"type":"join","room":"lobby","name":"  "}', 'invalid-name'],
    ['a name with a control character', '{"type":"join","room":"lobby","name":"a\\u001b[2J"}', 'invalid-name'],
    ['a name of 33 characters', JSON.stringify({ type: 'join', room: 'lobby', name: 'x'.repeat(33) }), 'invalid-name'],
    ['a room with capitals', '{"type":"join","room":"Lobby","name":"ada"}', 'invalid-room'],
    ['a missing room', '{"type":"join","name":"ada"}', 'invalid-room'],
    ['an empty text', '{"type":"message","text":" "}', 'invalid-text'],
    ['a number as text', '{"type":"message","text":5}', 'invalid-text'],
    ['an oversize text', JSON.stringify({ type: 'message', text: 'x'.repeat(MAX_TEXT_LENGTH + 1) }), 'text-too-long'],
  ])('refuses %s with %s', (_what, data, code) => {
    expect(parseClientMessage(data)).toMatchObject({ type: 'error', code, message: expect.any(String) as string });
  });

  it('accepts a join, trimming the name, a message and a leave', () => {
    expect(parseClientMessage('{"type":"join","room":"lobby","name":" ada "}')).toEqual({ type: 'join', room: 'lobby', name: 'ada' });
    expect(parseClientMessage('{"type":"message","text":"hi"}')).toEqual({ type: 'message', text: 'hi' });
    expect(parseClientMessage('{"type":"leave"}')).toEqual({ type: 'leave' });
  });
});

describe('ChatService', () => {
  it('welcomes a member with the room, the members and the history, and tells the others', async () => {
    const { client } = setup();
    const ada = client();
    const bob = client();
    join(ada, 'ada');
    say(ada, 'first');
    join(bob, 'bob');
    await settle();
    expect(bob.ofType('welcome')).toEqual([{ type: 'welcome', room: 'lobby', name: 'bob', members: ['ada', 'bob'], history: [{ room: 'lobby', name: 'ada', text: 'first', at: 1_000 }] }]);
    expect(ada.ofType('system')).toEqual([{ type: 'system', room: 'lobby', text: 'bob joined #lobby' }]);
    expect(ada.ofType('presence').at(-1)).toEqual({ type: 'presence', room: 'lobby', members: ['ada', 'bob'] });
  });

  it('sends a line to everyone in the room, the sender included, and to no other room', async () => {
    const { client } = setup();
    const [ada, bob, cy] = [client(), client(), client()];
    join(ada, 'ada');
    join(bob, 'bob');
    join(cy, 'cy', 'elsewhere');
    say(bob, 'hello');
    await settle();
    const line = { type: 'message', room: 'lobby', name: 'bob', text: 'hello', at: 1_000 };
    expect(ada.ofType('message')).toEqual([line]);
    expect(bob.ofType('message')).toEqual([line]);
    expect(cy.ofType('message')).toEqual([]);
  });

  it('keeps only the last N lines of history per room', async () => {
    const { chat, client } = setup(3);
    const ada = client();
    join(ada, 'ada');
    for (const text of ['1', '2', '3', '4', '5']) say(ada, text);
    await settle();
    expect(chat.history('lobby').map((line) => line.text)).toEqual(['3', '4', '5']);
  });

  it('answers every bad message with an error, never silently', async () => {
    const { client } = setup();
    const ada = client();
    say(ada, 'before joining');
    ada.deliver('{"type":"leave"}');
    join(ada, '');
    ada.deliver('{"type":"dance"}');
    await settle();
    expect(ada.ofType('error').map((error) => error.code)).toEqual(['not-joined', 'not-joined', 'invalid-name', 'unknown-type']);
  });

  it('refuses a name already taken in the room, whatever its case', async () => {
    const { client } = setup();
    const [ada, imposter] = [client(), client()];
    join(ada, 'ada');
    join(imposter, 'ADA');
    await settle();
    expect(imposter.ofType('error')).toEqual([{ type: 'error', code: 'name-taken', message: 'someone in #lobby is already called ADA' }]);
    expect(imposter.ofType('welcome')).toEqual([]);
  });

  it('updates presence and says so when a member leaves or disconnects', async () => {
    const { chat, client, rooms } = setup();
    const [ada, bob, cy] = [client(), client(), client()];
    join(ada, 'ada');
    join(bob, 'bob');
    join(cy, 'cy');
    bob.deliver('{"type":"leave"}');
    cy.drop();
    await settle();
    expect(ada.ofType('system').map((notice) => notice.text)).toEqual(['bob joined #lobby', 'cy joined #lobby', 'bob left', 'cy left']);
    expect(ada.ofType('presence').at(-1)).toEqual({ type: 'presence', room: 'lobby', members: ['ada'] });
    expect(chat.memberCount).toBe(1);
    ada.drop();
    expect(rooms.has('lobby')).toBe(false);
  });

  it('moves a member to another room on a second join', async () => {
    const { chat, client } = setup();
    const [ada, bob] = [client(), client()];
    join(ada, 'ada');
    join(bob, 'bob');
    join(bob, 'bob', 'games');
    await settle();
    expect(ada.ofType('system').at(-1)).toEqual({ type: 'system', room: 'lobby', text: 'bob moved to #games' });
    expect(chat.members('lobby')).toEqual(['ada']);
    expect(chat.members('games')).toEqual(['bob']);
  });

  it('reports a reply it could not deliver', async () => {
    const { client, reports } = setup();
    const ada = client();
    ada.state = 'closing';
    say(ada, 'too late');
    await settle();
    expect(reports).toEqual(['chat: not sent to a closing connection: error']);
  });
});
