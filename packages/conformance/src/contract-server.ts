import type { Message } from '@wirekit/core';

/** The servers {@link describeConnection} runs its contract cases against. */
export type ServerKind = 'ws' | 'wirekit';

/** What a server saw of a connection's end: the peer's Close (1005 without a code), or 1006 when the TCP connection ended first. */
export interface PeerClose {
  readonly code: number;
  readonly reason: string;
}

/**
 * The server's side of one connection, driven by the test in-process. Both server
 * implementations expose the same handle, so a contract case is written once.
 */
export interface ServerPeer {
  /** The request path (with query), e.g. `/echo/7`. */
  readonly path: string;
  /** The subprotocol the server selected, or ''. */
  readonly protocol: string;
  /** The request headers, names lower-cased. */
  readonly headers: Readonly<Record<string, string>>;
  /** Messages received so far, in order. */
  readonly received: readonly Message[];
  /** Resolves with the first `count` messages received; rejects after `ms`. */
  messages(count: number, ms: number): Promise<Message[]>;
  /** Resolves when the connection is over. */
  readonly closed: Promise<PeerClose>;
  send(data: Message): Promise<void>;
  /** Sends one message as several frames (RFC 6455 §5.4), all of the first fragment's type. */
  sendFragments(fragments: readonly Message[]): Promise<void>;
  /** Starts the closing handshake. */
  close(code: number, reason: string): void;
  /** Destroys the TCP connection without a closing handshake. */
  drop(): void;
}

/**
 * A server of one {@link ServerKind} on an ephemeral loopback port. Routing is by path:
 * `/echo/…` echoes every message back with its type; any other path only records.
 * Subprotocols: the server speaks {@link SERVER_PROTOCOLS} and picks the first of them the
 * client offered. The path `/forbidden/…` is refused with 403.
 */
export interface ContractServer {
  readonly kind: ServerKind;
  /** `ws://127.0.0.1:<port>`, without a path. */
  readonly url: string;
  /** The connection whose request path is `path`; rejects after `ms`. */
  peer(path: string, ms: number): Promise<ServerPeer>;
  /** Drops every connection and stops listening. */
  close(): Promise<void>;
}

/** The subprotocols the contract servers speak, in their order of preference. */
export const SERVER_PROTOCOLS: readonly string[] = ['wirekit.v2', 'wirekit.v1'];

/** Picks the server's subprotocol: its first preference the client offered, or '' (RFC 6455 §4.2.2). */
export function selectProtocol(offered: Iterable<string>): string {
  const set = new Set(offered);
  return SERVER_PROTOCOLS.find((protocol) => set.has(protocol)) ?? '';
}

/** The bookkeeping shared by both server implementations: peers by path, with waiters. */
export class PeerDirectory {
  private readonly peers = new Map<string, ServerPeer>();
  private readonly waiters = new Map<string, Array<(peer: ServerPeer) => void>>();

  add(peer: ServerPeer): void {
    if (!this.peers.has(peer.path)) this.peers.set(peer.path, peer);
    for (const wake of this.waiters.get(peer.path)?.splice(0) ?? []) wake(peer);
  }

  get(path: string, ms: number): Promise<ServerPeer> {
    const found = this.peers.get(path);
    if (found !== undefined) return Promise.resolve(found);
    return new Promise((resolve, reject) => {
      const list = this.waiters.get(path) ?? [];
      this.waiters.set(path, list);
      const timer = setTimeout(() => {
        list.splice(list.indexOf(done), 1);
        reject(new Error(`timed out after ${ms} ms waiting for the server to accept ${path}`));
      }, ms);
      const done = (peer: ServerPeer): void => {
        clearTimeout(timer);
        resolve(peer);
      };
      list.push(done);
    });
  }
}

/** A growing list of received messages that tests wait on. */
export class MessageLog {
  readonly items: Message[] = [];
  private readonly waiters: Array<() => void> = [];

  push(message: Message): void {
    this.items.push(message);
    for (const wake of this.waiters.splice(0)) wake();
  }

  async first(count: number, ms: number): Promise<Message[]> {
    const deadline = Date.now() + ms;
    while (this.items.length < count) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out after ${ms} ms: the server received ${this.items.length} of ${count} messages`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    return this.items.slice(0, count);
  }
}
