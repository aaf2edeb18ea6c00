/**
 * Test scaffolding: the engine and handshake over real loopback TCP with permessage-deflate,
 * to meet `ws`. @wirekit/core is the real driver; this is the smallest glue that shows bytes.
 */
import { createServer, connect, type Server, type Socket } from 'node:net';
import { acceptUpgrade, ClientHandshake, Engine, ServerHandshake, type EngineEvent, type EngineOptions, type ExtensionFactory } from '@wirekit/protocol';
import { random, sha1 } from './handshake.js';

/** An engine on a socket, its events collected and awaitable. */
export class Peer {
  readonly events: EngineEvent[] = [];
  readonly engine: Engine;
  private waiters: Array<() => void> = [];

  constructor(readonly socket: Socket, role: 'client' | 'server', readonly extensionsHeader: string, options: Partial<EngineOptions>) {
    this.engine = new Engine({
      role,
      random,
      ...options,
      onEvent: (event) => {
        this.events.push(event);
        if (event.type === 'close' && role === 'server') socket.end();
        for (const wake of this.waiters.splice(0)) wake();
      },
      onWrite: (chunks) => {
        if (socket.destroyed) return;
        for (const chunk of chunks) socket.write(chunk);
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
  async until(predicate: (events: EngineEvent[]) => boolean, ms = 20_000): Promise<EngineEvent[]> {
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

  async messages(count: number): Promise<Array<string | Uint8Array>> {
    const got = await this.until((events) => events.filter((e) => e.type === 'text' || e.type === 'binary').length >= count);
    return got.flatMap((e) => (e.type === 'text' || e.type === 'binary' ? [e.data] : []));
  }

  async closed(): Promise<EngineEvent & { type: 'close' }> {
    const events = await this.until((all) => all.some((e) => e.type === 'close'));
    return events.find((e) => e.type === 'close') as EngineEvent & { type: 'close' };
  }
}

/** Connects an engine client offering `extensions` to `url`. */
export function connectEngine(url: string, extensions: ExtensionFactory[], engine: Partial<EngineOptions> = {}): Promise<Peer> {
  const handshake = new ClientHandshake({ url, random, sha1, extensions });
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
      const peer = new Peer(socket, 'client', result.extensionsHeader, { ...engine, extensions: result.extensions });
      if (result.remainder.length > 0) peer.engine.receive(result.remainder);
      resolve(peer);
    };
    socket.on('data', onData);
  });
}

/** An engine server on an ephemeral loopback port answering with `extensions`. */
export async function listenEngine(extensions: ExtensionFactory[], onPeer: (peer: Peer) => void, engine: Partial<EngineOptions> = {}): Promise<{ server: Server; url: string; sockets: Set<Socket> }> {
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
      const accepted = acceptUpgrade(result.request, { sha1, extensions });
      socket.write(accepted.response);
      const peer = new Peer(socket, 'server', accepted.extensionsHeader, { ...engine, extensions: accepted.extensions });
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
