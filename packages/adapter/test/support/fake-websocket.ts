/**
 * An in-memory WHATWG WebSocket that behaves as a browser's: close() accepts only 1000 and
 * 3000–4999 and reasons up to 123 bytes, send() while closing only grows bufferedAmount, and
 * the test drives open, messages, errors and the close event by hand.
 */
import type { WebSocketLike } from '../../src/index.js';

type Listener = (event: unknown) => void;

export class FakeWebSocket implements WebSocketLike {
  static instances: FakeWebSocket[] = [];
  readyState = 0;
  protocol = '';
  extensions = '';
  bufferedAmount = 0;
  binaryType = 'blob';
  readonly sent: Array<string | Uint8Array> = [];
  readonly closeCalls: Array<[code?: number, reason?: string]> = [];
  private readonly listeners = new Map<string, Set<Listener>>();

  constructor(readonly url: string, readonly protocols: string | string[] | object = []) {
    FakeWebSocket.instances.push(this);
  }

  send(data: string | Uint8Array): void {
    if (this.readyState === 0) throw new DOMException('Still in CONNECTING state.', 'InvalidStateError');
    this.bufferedAmount += typeof data === 'string' ? new TextEncoder().encode(data).length : data.byteLength;
    if (this.readyState === 1) this.sent.push(data);
  }

  close(code?: number, reason?: string): void {
    if (code !== undefined && code !== 1000 && !(code >= 3000 && code <= 4999)) throw new DOMException(`The code must be either 1000, or between 3000 and 4999. ${code} is neither.`, 'InvalidAccessError');
    if (reason !== undefined && new TextEncoder().encode(reason).length > 123) throw new DOMException('The message must not be greater than 123 bytes.', 'SyntaxError');
    this.closeCalls.push(code === undefined ? [] : reason === undefined ? [code] : [code, reason]);
    if (this.readyState <= 1) this.readyState = 2;
  }

  addEventListener(type: string, listener: Listener): void {
    const set = this.listeners.get(type) ?? new Set();
    this.listeners.set(type, set);
    set.add(listener);
  }

  removeEventListener(type: string, listener: Listener): void {
    this.listeners.get(type)?.delete(listener);
  }

  listenerCount(type: string): number {
    return this.listeners.get(type)?.size ?? 0;
  }

  // Test controls: what the platform would do.
  open(protocol = ''): void {
    this.readyState = 1;
    this.protocol = protocol;
    this.dispatch('open', { type: 'open' });
  }

  receive(data: string | ArrayBuffer | Blob): void {
    this.dispatch('message', { type: 'message', data });
  }

  error(extra: Record<string, unknown> = {}): void {
    this.dispatch('error', { type: 'error', ...extra });
  }

  closed(code: number, reason = '', wasClean = true): void {
    this.readyState = 3;
    this.dispatch('close', { type: 'close', code, reason, wasClean });
  }

  private dispatch(type: string, event: unknown): void {
    for (const listener of [...(this.listeners.get(type) ?? [])]) listener(event);
  }
}
