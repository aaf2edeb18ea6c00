/**
 * Minimal socket glue for interop tests: the engine and handshake driven over real loopback
 * TCP, against ws. This is test scaffolding; @wirekit/core is the real driver.
 */
import { createHash } from 'node:crypto';
import { createServer, connect, type Server, type Socket } from 'node:net';
import { acceptUpgrade, ClientHandshake, Engine, ServerHandshake, type EngineEvent, type EngineOptions } from '../../src/index.js';
import { random } from './engine-pair.js';

export const sha1 = (data: Uint8Array): Uint8Array => createHash('sha1').update(data).digest();

/** An engine on a socket, with its events collected and awaitable. */
export class Peer {
  readonly events: EngineEvent[] = [];
  readonly engine: Engine;
  private waiters: Array<() => void> = [];
  readonly socket: Socket;
  /** Resolves when the socket has fully closed. */
  readonly ended: Promise<void>;

  constructor(socket: Socket, role: 'client' | 'server', options: Partial<EngineOptions> = {}) {
    this.socket = socket;
    this.ended = new Promise((resolve) => socket.once('close', () => resolve()));
    this.engine = new Engine({
      role,
      random,
      ...options,
      onEvent: (event) => {
        this.events.push(event);
        // §7.1.1: the server closes the TCP connection first once the WebSocket is closed.
        if (event.type === 'close' && role === 'server') socket.end();
        for (const wake of this.waiters.splice(0)) wake();
      },
      onWrite: (chunks) => {
        if (socket.destroyed) return;
        socket.cork();
        for (const chunk of chunks) socket.write(chunk);
        socket.uncork();
      },
    });
    socket.on('data', (chunk) => this.engine.receive(chunk));
    socket.on('end', () => {
      this.engine.transportClosed();
      socket.end();
    });
    socket.on('error', () => this.engine.transportClosed());
    socket.on('close', () => this.engine.transportClosed());
  }

  /** Waits (at most `ms`) until `predicate` holds over the events so far. */
  async until(predicate: (events: EngineEvent[]) => boolean, ms = 10_000): Promise<EngineEvent[]> {
    const deadline = Date.now() + ms;
    while (!predicate(this.events)) {
      if (Date.now() > deadline) throw new Error(`timed out; events: ${JSON.stringify(this.events.map((e) => e.type))}`);
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        setTimeout(resolve, 50);
      });
    }
    return this.events;
  }

  /** The next `count` messages (text or binary). */
  async messages(count: number): Promise<Array<string | Uint8Array>> {
    const got = await this.until((events) => events.filter((e) => e.type === 'text' || e.type === 'binary').length >= count);
    return got.flatMap((e) => (e.type === 'text' || e.type === 'binary' ? [e.data] : []));
  }

  async closed(): Promise<EngineEvent & { type: 'close' }> {
    const events = await this.until((all) => all.some((e) => e.type === 'close'));
    return events.find((e) => e.type === 'close') as EngineEvent & { type: 'close' };
  }
}

/** Connects an engine client to `url` (ws://127.0.0.1:port/path). */
export function connectEngine(url: string, options: { protocols?: string[]; engine?: Partial<EngineOptions> } = {}): Promise<{ peer: Peer; protocol: string }> {
  const handshake = new ClientHandshake({ url, random, sha1, ...(options.protocols === undefined ? {} : { protocols: options.protocols }) });
  return new Promise((resolve, reject) => {
    const socket = connect({ host: handshake.hostname, port: handshake.port });
    socket.once('error', reject);
    socket.once('connect', () => socket.write(handshake.request()));
    const onData = (chunk: Buffer): void => {
      const result = handshake.receive(chunk);
      if (result === null) return;
      socket.off('data', onData);
      if (result.kind === 'rejected') {
        socket.destroy();
        reject(result.error);
        return;
      }
      const peer = new Peer(socket, 'client', options.engine);
      if (result.remainder.length > 0) peer.engine.receive(result.remainder);
      resolve({ peer, protocol: result.protocol });
    };
    socket.on('data', onData);
  });
}

/** A WireKit engine server on an ephemeral loopback port; `onPeer` gets every connection. */
export async function listenEngine(onPeer: (peer: Peer) => void, options: { protocol?: (offered: string[]) => string; engine?: Partial<EngineOptions> } = {}): Promise<{ server: Server; url: string; sockets: Set<Socket> }> {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    const handshake = new ServerHandshake();
    const onData = (chunk: Buffer): void => {
      const result = handshake.receive(chunk);
      if (result === null) return;
      socket.off('data', onData);
      if (result.kind === 'invalid') {
        socket.end(result.response);
        return;
      }
      const protocol = options.protocol?.(result.request.protocols) ?? '';
      const accepted = acceptUpgrade(result.request, { sha1, protocol });
      socket.write(accepted.response);
      const peer = new Peer(socket, 'server', options.engine);
      onPeer(peer);
      if (result.remainder.length > 0) peer.engine.receive(result.remainder);
    };
    socket.on('data', onData);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no address');
  return { server, url: `ws://127.0.0.1:${address.port}`, sockets };
}
