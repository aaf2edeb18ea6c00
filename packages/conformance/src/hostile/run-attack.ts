// Runs one attack against one victim in its own child process and collects what both sides saw.
import { connect, type Socket } from 'node:net';
import type { Attack, AttackSeen } from './attacks.js';
import { frame, OP, switchingProtocols } from './raw-frames.js';
import { closeHostile, listenHostile, RawPeer, readHead } from './raw-peer.js';
import type { VictimClose, VictimConfig } from './victim.js';
import { packageEntry, VictimProcess, type VictimMemory } from './victim-process.js';

/** Which victim: a server, or the client of a transport (`framed`, `task`, `streams`, `socket`), WireKit's or ws's. */
export type VictimKind = { readonly side: 'server'; readonly impl: 'wirekit' | 'ws' } | { readonly side: 'client'; readonly impl: 'ws' } | { readonly side: 'client'; readonly impl: 'wirekit'; readonly transport: 'framed' | 'task' | 'streams' | 'socket' };

/** Everything an attack produced. */
export interface AttackOutcome {
  readonly seen: AttackSeen;
  /** How the victim reported the connection closed (null: it did not within the wait). */
  readonly close: VictimClose | null;
  /** Victim memory after the attack and a forced GC, with its peak RSS. */
  readonly memory: VictimMemory;
  /** CPU ms the victim used in the half second after the attacker left (work for a peer that is gone). */
  readonly cpuAfter: number;
  /** The victim process survived. */
  readonly alive: boolean;
  /** Milliseconds the attack took. */
  readonly ms: number;
}

function clientConfig(kind: VictimKind & { side: 'client' }, url: string, deflate: boolean, connectTimeout?: number): VictimConfig {
  return {
    kind: kind.impl === 'ws' ? 'ws-client' : 'wirekit-client',
    url,
    app: 'echo',
    ...(kind.impl === 'wirekit' ? { transportPath: packageEntry(kind.transport) } : {}),
    ...(deflate ? { deflatePath: packageEntry('permessage-deflate') } : {}),
    ...(connectTimeout === undefined ? {} : { connectTimeout }),
  };
}

/**
 * Runs `attack` against a fresh victim of `kind`; the victim is killed afterwards whatever happens.
 * `untilVictimEnds`: a `stalls` attack floods until the victim ends the connection (default: for any WireKit victim).
 */
export async function runAttack(kind: VictimKind, attack: Attack, untilVictimEnds = attack.stalls !== undefined && kind.impl === 'wirekit'): Promise<AttackOutcome> {
  const deflate = attack.deflate === true;
  const started = Date.now();
  let victim: VictimProcess | null = null;
  let hostile: Awaited<ReturnType<typeof listenHostile>> | null = null;
  try {
    let peer: RawPeer;
    const stalls = untilVictimEnds;
    if (kind.side === 'server') {
      const server = await VictimProcess.start({ kind: kind.impl === 'ws' ? 'ws-server' : 'wirekit-server', ...(deflate ? { deflatePath: packageEntry('permessage-deflate') } : {}) });
      victim = server;
      peer = await RawPeer.dial(server.port, { deflate });
    } else {
      let accept!: (peer: RawPeer) => void;
      const accepted = new Promise<RawPeer>((resolve) => (accept = resolve));
      hostile = await listenHostile((socket, request, rest) => {
        socket.write(switchingProtocols(request, deflate));
        accept(new RawPeer(socket, false, rest));
      });
      victim = await VictimProcess.start(clientConfig(kind, hostile.url, deflate));
      peer = await accepted;
      // The attack starts once the application listens (what arrives with the 101 is issue 12's case).
      await victim.connected(10_000);
    }
    const seen = await attack.run(peer, stalls);
    if (attack.endsItself) {
      if (attack.leaves === 'reset') peer.reset();
      else peer.destroy();
    }
    // Bounded, and generous: a victim reading a paused socket notices the peer left only after
    // the messages already read are inflated, which is slow on a loaded machine.
    const close = await victim.closed(attack.endsItself ? 25_000 : 5_000).catch(() => null);
    peer.destroy();
    const cpuAfter = await victim.cpu(500);
    const memory = await victim.memory();
    return { seen, close, memory, cpuAfter, alive: victim.alive, ms: Date.now() - started };
  } finally {
    victim?.stop();
    if (hostile !== null) await closeHostile(hostile);
  }
}

/** What a handshake attack produced. */
export interface HandshakeOutcome {
  /** A server victim's HTTP status line, '' when it closed without answering, null when it did neither within the wait. */
  readonly status: string | null;
  /** A client victim's connect error code, or null. */
  readonly connectError: string | null;
  /** Bytes a server's attacker wrote. */
  readonly sent: number;
  readonly memory: VictimMemory;
  readonly alive: boolean;
}

/**
 * Handshake attacks: a slowloris request or response, or 10,000 headers; against a server only,
 * a request line that never ends (flooded up to 4 MiB), a plain request followed by an 8 MiB
 * flood, or a connection that never sends a byte.
 */
export type HandshakeAttack = 'slowloris' | 'many-headers' | ServerHandshakeAttack;
/** The handshake attacks that only a server can receive. */
export type ServerHandshakeAttack = 'huge-request-line' | 'flood-after-head' | 'never-sends';

const FLOOD_CHUNK = Buffer.alloc(64 * 1024, 'a');

/** Writes FLOOD_CHUNKs, honouring backpressure, until `maxBytes`, the socket closes or `ms` pass; resolves with the bytes written. */
async function floodSocket(socket: Socket, maxBytes: number, ms: number): Promise<number> {
  const deadline = Date.now() + ms;
  let written = 0;
  while (!socket.destroyed && socket.writable && written < maxBytes && Date.now() < deadline) {
    written += FLOOD_CHUNK.length;
    if (!socket.write(FLOOD_CHUNK)) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, Math.max(0, deadline - Date.now()));
        function done(): void {
          clearTimeout(timer);
          socket.off('drain', done);
          socket.off('close', done);
          resolve();
        }
        socket.once('drain', done);
        socket.once('close', done);
      });
    }
  }
  return written;
}


const MANY_HEADERS = Array.from({ length: 10_000 }, (_, i) => `X-Header-${i}: v\r\n`).join('');

/** Runs a handshake attack against a fresh victim. A WireKit server victim gets a 1 s handshake timeout, a client a 1 s connect timeout (ws's defaults otherwise). */
export async function runHandshakeAttack(kind: VictimKind, attack: HandshakeAttack, waitMs = 5_000): Promise<HandshakeOutcome> {
  let victim: VictimProcess | null = null;
  let hostile: Awaited<ReturnType<typeof listenHostile>> | null = null;
  const timers: ReturnType<typeof setInterval>[] = [];
  try {
    if (kind.side === 'server') {
      const server = await VictimProcess.start({ kind: kind.impl === 'ws' ? 'ws-server' : 'wirekit-server', handshakeTimeout: 1_000 });
      victim = server;
      const socket = connect(server.port, '127.0.0.1');
      socket.on('error', () => undefined);
      const head = readHead(socket, waitMs).then(
        ({ head: text }) => text.split('\r\n')[0]!,
        () => null,
      );
      let sent = 0;
      const write = (text: string): void => {
        sent += text.length;
        socket.write(text);
      };
      const start = 'GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n';
      if (attack === 'many-headers') write(`${start}${MANY_HEADERS}Upgrade: websocket\r\n\r\n`);
      else if (attack === 'slowloris') {
        write(start);
        timers.push(setInterval(() => write('X'), 200));
      } else if (attack === 'huge-request-line') {
        write('GET /');
        sent += await floodSocket(socket, 4 * 1024 * 1024, waitMs);
      } else if (attack === 'flood-after-head') {
        write(`${start}\r\n`);
        sent += await floodSocket(socket, 8 * 1024 * 1024, waitMs);
      }
      const status = await head;
      socket.destroy();
      const memory = await victim.memory();
      return { status, connectError: null, sent, memory, alive: victim.alive };
    }
    hostile = await listenHostile((socket, request) => {
      if (attack === 'many-headers') {
        const accept = switchingProtocols(request, false);
        socket.write(accept.replace('\r\n\r\n', `\r\n${MANY_HEADERS}\r\n`));
      } else {
        socket.write('HTTP/1.1 101 Switching Protocols\r\n');
        timers.push(setInterval(() => socket.write('X'), 200));
      }
    });
    if (attack !== 'slowloris' && attack !== 'many-headers') throw new Error(`${attack} is an attack on a server`);
    victim = await VictimProcess.start(clientConfig(kind, hostile.url, false, 1_000));
    const connectError = await victim.connectFailed(waitMs).catch(() => null);
    const memory = await victim.memory();
    return { status: null, connectError, sent: 0, memory, alive: victim.alive };
  } finally {
    for (const timer of timers) clearInterval(timer);
    victim?.stop();
    if (hostile !== null) await closeHostile(hostile);
  }
}

/** What a bad frame sent in the same write as the 101 produced, for a client victim. */
export interface BadFrameOutcome {
  /** connect()'s error code when it rejected, or null when it resolved. */
  readonly connectError: string | null;
  /** How the victim reported the connection closed, when connect() resolved (null otherwise, or not within the wait). */
  readonly close: VictimClose | null;
  /** The victim's Close code on the wire, or null. */
  readonly wireCloseCode: number | null;
  readonly memory: VictimMemory;
  readonly alive: boolean;
}

/**
 * The last client row: the 101 and a frame with RSV1 set (no extension negotiated) in one
 * write, so the violation arrives before the application can listen. Default options.
 */
export async function runBadFrameWith101(kind: VictimKind & { side: 'client' }): Promise<BadFrameOutcome> {
  let victim: VictimProcess | null = null;
  let hostile: Awaited<ReturnType<typeof listenHostile>> | null = null;
  try {
    let accept!: (peer: RawPeer) => void;
    const accepted = new Promise<RawPeer>((resolve) => (accept = resolve));
    hostile = await listenHostile((socket, request, rest) => {
      socket.write(Buffer.concat([Buffer.from(switchingProtocols(request, false)), frame(OP.binary, Uint8Array.of(1), { rsv1: true, masked: false })]));
      accept(new RawPeer(socket, false, rest));
    });
    victim = await VictimProcess.start(clientConfig(kind, hostile.url, false));
    const peer = await accepted;
    const connectError = await victim.connectSettled(5_000);
    const close = connectError === null ? await victim.closed(5_000).catch(() => null) : null;
    const wireCloseCode = await peer.untilClosed(3_000);
    peer.destroy();
    const memory = await victim.memory();
    return { connectError, close, wireCloseCode, memory, alive: victim.alive };
  } finally {
    victim?.stop();
    if (hostile !== null) await closeHostile(hostile);
  }
}
