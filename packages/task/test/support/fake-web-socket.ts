import type { WebSocketConstructor, WebSocketLike } from '../../src/index.browser.js';

type Listener = (event: never) => void;

/**
 * A WHATWG WebSocket stand-in driven by the test, with a browser's rules: close() accepts only
 * no code, 1000 or 3000–4999 (InvalidAccessError otherwise), and send() throws while connecting.
 */
export class FakeWebSocket implements WebSocketLike {
  static readonly instances: FakeWebSocket[] = [];
  readonly url: string;
  readonly protocols: string[];
  protocol = '';
  extensions = '';
  bufferedAmount = 0;
  binaryType = 'blob';
  readyState = 0;
  readonly sent: Array<string | ArrayBufferView> = [];
  readonly closes: Array<[number | undefined, string | undefined]> = [];
  private readonly listeners = new Map<string, Set<Listener>>();

  constructor(url: string, protocols?: string | string[]) {
    this.url = url;
    this.protocols = protocols === undefined ? [] : Array.isArray(protocols) ? protocols : [protocols];
    FakeWebSocket.instances.push(this);
  }

  static latest(): FakeWebSocket {
    const socket = FakeWebSocket.instances.at(-1);
    if (socket === undefined) throw new Error('no FakeWebSocket was created');
    return socket;
  }

  send(data: string | ArrayBufferView): void {
    if (this.readyState === 0) throw new Error('InvalidStateError: still connecting');
    this.sent.push(data);
    this.bufferedAmount += typeof data === 'string' ? new TextEncoder().encode(data).length : data.byteLength;
  }

  close(code?: number, reason?: string): void {
    if (code !== undefined && code !== 1000 && !(code >= 3000 && code <= 4999)) throw new Error(`InvalidAccessError: close code ${code}`);
    this.closes.push([code, reason]);
    this.readyState = 2;
  }

  addEventListener(type: string, listener: Listener): void {
    const set = this.listeners.get(type) ?? new Set<Listener>();
    this.listeners.set(type, set);
    set.add(listener);
  }

  removeEventListener(type: string, listener: Listener): void {
    this.listeners.get(type)?.delete(listener);
  }

  listenerCount(): number {
    let count = 0;
    for (const set of this.listeners.values()) count += set.size;
    return count;
  }

  // The test's side.
  open(protocol = ''): void {
    this.readyState = 1;
    this.protocol = protocol;
    this.dispatch('open', {});
  }

  receive(data: unknown): void {
    this.dispatch('message', { data });
  }

  fail(): void {
    this.dispatch('error', {});
  }

  closed(code: number, reason = '', wasClean = true): void {
    this.readyState = 3;
    this.dispatch('close', { code, reason, wasClean });
  }

  private dispatch(type: string, event: object): void {
    for (const listener of [...(this.listeners.get(type) ?? [])]) (listener as (event: object) => void)(event);
  }
}

export const FakeWebSocketClass = FakeWebSocket as unknown as WebSocketConstructor;
