/**
 * Just enough of a Connection for the chat service's unit tests, with no sockets: `send` records
 * text, `deliver()` plays a message from the client, `drop()` closes it.
 */
import type { CloseInfo, Connection, ConnectionEvents, ConnectionState, Message } from '@wirekit/core';

type Listener = (...args: never[]) => void;

export class FakeConnection {
  readonly url = 'ws://fake/chat';
  readonly protocol = '';
  readonly extensions = '';
  readonly bufferedAmount = 0;
  state: ConnectionState = 'open';
  readonly sent: unknown[] = [];
  readonly #listeners = new Map<string, Set<Listener>>();
  #resolveClosed!: (info: CloseInfo) => void;
  readonly closed = new Promise<CloseInfo>((resolve) => (this.#resolveClosed = resolve));

  /** This object as the Connection the code under test takes. */
  get connection(): Connection {
    return this as unknown as Connection;
  }

  send(data: Message): Promise<void> {
    if (this.state !== 'open') return Promise.reject(Object.assign(new Error('not open'), { code: 'WK_ERR_NOT_OPEN' }));
    this.sent.push(JSON.parse(String(data)) as unknown);
    return Promise.resolve();
  }

  on<E extends keyof ConnectionEvents>(event: E, listener: (...args: ConnectionEvents[E]) => void): () => void {
    const set = this.#listeners.get(event) ?? new Set<Listener>();
    set.add(listener as Listener);
    this.#listeners.set(event, set);
    return () => set.delete(listener as Listener);
  }

  deliver(data: Message): void {
    for (const listener of this.#listeners.get('message') ?? []) (listener as (data: Message) => void)(data);
  }

  drop(): void {
    this.state = 'closed';
    const info = { code: 1001, reason: '', wasClean: true };
    for (const listener of [...(this.#listeners.get('close') ?? [])]) (listener as (info: CloseInfo) => void)(info);
    this.#resolveClosed(info);
  }

  /** Sent messages of one type. */
  ofType(type: string): Array<Record<string, unknown>> {
    return this.sent.filter((message): message is Record<string, unknown> => (message as { type?: unknown }).type === type);
  }
}
