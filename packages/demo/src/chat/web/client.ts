/// <reference lib="dom" />
/**
 * The chat room's web client, bundled by esbuild for the browser when the chat server starts.
 * It talks to the server through @wirekit/task's browser entry: URLSessionWebSocketTask style
 * (`webSocketTask`, `resume`, one-shot `receive`, `send`) on the browser's own WebSocket.
 */
import { URLSession, type URLSessionWebSocketTaskMessage } from '@wirekit/task';
import { CHAT_PROTOCOL, parseServerMessage, type ServerMessage } from '../protocol.js';

const byId = <T extends HTMLElement>(id: string): T => {
  const element = document.getElementById(id);
  if (element === null) throw new Error(`the page has no #${id}`);
  return element as T;
};

const log = byId<HTMLUListElement>('log');
const members = byId<HTMLUListElement>('members');
const status = byId<HTMLSpanElement>('status');
const nameInput = byId<HTMLInputElement>('name');
const roomInput = byId<HTMLInputElement>('room');
const joinForm = byId<HTMLFormElement>('join-form');
const sayForm = byId<HTMLFormElement>('say-form');
const textInput = byId<HTMLInputElement>('text');

function show(kind: string, text: string): void {
  const item = document.createElement('li');
  item.className = kind;
  item.textContent = text;
  log.append(item);
  item.scrollIntoView({ block: 'end' });
}

function time(at: number): string {
  return new Date(at).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
}

function showMembers(names: readonly string[]): void {
  members.replaceChildren(...names.map((name) => Object.assign(document.createElement('li'), { textContent: name })));
}

function handle(message: ServerMessage): void {
  switch (message.type) {
    case 'welcome':
      status.textContent = `in #${message.room} as ${message.name}`;
      for (const line of message.history) show('message history', `[${time(line.at)}] ${line.name}: ${line.text}`);
      show('system', `you joined #${message.room}`);
      return showMembers(message.members);
    case 'message':
      return show('message', `[${time(message.at)}] ${message.name}: ${message.text}`);
    case 'presence':
      return showMembers(message.members);
    case 'system':
      return show('system', message.text);
    case 'error':
      return show('error', `${message.code}: ${message.message}`);
  }
}

const url = new URL('/chat', location.href);
url.protocol = location.protocol === 'https:' ? 'wss:' : 'ws:';
const task = new URLSession(undefined, {
  didOpenWithProtocol: () => void (status.textContent = 'connected; pick a name and a room'),
  didCloseWith: (_session, _task, code) => void (status.textContent = `disconnected (${String(code)})`),
  didCompleteWithError: (_session, _task, error) => {
    if (error !== null) status.textContent = `disconnected: ${error.code}`;
  },
}).webSocketTask(url.href, [CHAT_PROTOCOL]);
task.resume();

function text(message: URLSessionWebSocketTaskMessage): string {
  return message.type === 'string' ? message.string : new TextDecoder().decode(message.data);
}

// One-shot receive, asked again after each message, as URLSessionWebSocketTask wants.
function listen(): void {
  task.receive((result) => {
    if (result.kind === 'failure') return void show('error', `connection ended: ${result.error.code}`);
    try {
      handle(parseServerMessage(text(result.value)));
    } catch (error) {
      show('error', String(error));
    }
    listen();
  });
}
listen();

function send(value: unknown): void {
  task.send(JSON.stringify(value), (error) => {
    if (error !== null) show('error', `not sent: ${error.code}`);
  });
}

joinForm.addEventListener('submit', (event) => {
  event.preventDefault();
  send({ type: 'join', room: roomInput.value, name: nameInput.value });
});
sayForm.addEventListener('submit', (event) => {
  event.preventDefault();
  send({ type: 'message', text: textInput.value });
  textInput.value = '';
});

const query = new URLSearchParams(location.search);
roomInput.value = query.get('room') ?? 'lobby';
nameInput.value = query.get('name') ?? '';
if (query.has('name')) send({ type: 'join', room: roomInput.value, name: nameInput.value });
