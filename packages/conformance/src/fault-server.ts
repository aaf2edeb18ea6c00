import { createHash } from 'node:crypto';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { acceptUpgrade, encodeFrame, Engine, Opcode, rejectUpgrade, ServerHandshake, type UpgradeRequest } from '@wirekit/protocol';
import type { Message } from '@wirekit/core';
import { MessageLog, type PeerClose } from './contract-server.js';

/**
 * How a {@link startFaultServer} server misbehaves. Modes that complete the handshake decode
 * what the client sends with a server-role engine, so tests can check the client's Close.
 */
export type FaultServerOptions =
  /** Waits `delayMs` before answering the upgrade with 101, then echoes. */
  | { readonly mode: 'delay'; readonly delayMs: number }
  /** Answers 101, writes the first half of a binary frame, then destroys the connection. */
  | { readonly mode: 'drop-mid-frame'; readonly when?: FaultTrigger }
  /** Answers 101, writes `bytes` as they are, then behaves (echoes, answers Close). */
  | { readonly mode: 'malformed-frame'; readonly bytes: Uint8Array; readonly when?: FaultTrigger; readonly delivery?: FaultDelivery }
  /** Accepts the TCP connection and never writes a byte. */
  | { readonly mode: 'never-answer' }
  /** Refuses the upgrade with `status`; 403 unless given (a typical auth refusal). */
  | { readonly mode: 'refuse'; readonly status?: number }
  /** Answers 101, then reads everything and answers nothing: no pong, no Close, no TCP close. */
  | { readonly mode: 'ignore-close' }
  /** Answers 101, then stops reading: the client's writes back up. */
  | { readonly mode: 'slow-reader' }
  /** Answers 101 and echoes, but never answers a ping. */
  | { readonly mode: 'no-pong' };

/**
 * When a mid-connection fault strikes: with the 101 (the default; it may reach the client in
 * the same TCP segment), or when the client's first bytes after the handshake arrive — so a
 * test can attach its listeners, then send something to set the fault off.
 */
export type FaultTrigger = 'with-101' | 'on-first-client-bytes';

/**
 * How a malformed-frame server's `bytes` travel: in a write of their own right after the 101's
 * (the default), in the very write of the 101 (one TCP segment on loopback: what Autobahn's
 * 3.x–5.x cases often produce), or split into pieces of {@link SPLIT_PIECE} bytes written
 * {@link SPLIT_GAP_MS} apart, Nagle off, so that headers, payloads and frames straddle segments.
 */
export type FaultDelivery = 'own-write' | 'with-101' | 'split';

/** The names of the fault modes. */
export type FaultMode = FaultServerOptions['mode'];

/** A running fault server. */
export interface FaultServer {
  /** `ws://127.0.0.1:<port>`; any path is accepted. */
  readonly url: string;
  readonly mode: FaultMode;
  /** TCP connections accepted so far. */
  readonly connections: number;
  /** Pings received so far (modes that decode). */
  readonly pings: number;
  /**
   * Messages received so far, in order (modes that decode). Nothing after the client's Close is
   * decoded (RFC 6455 §5.5.1), so a message here was sent before it.
   */
  readonly received: readonly Message[];
  /** The first Close a client sent; rejects after `ms`. */
  clientClose(ms: number): Promise<PeerClose>;
  /** Destroys every connection and stops listening. */
  close(): Promise<void>;
}

const sha1 = (data: Uint8Array): Uint8Array => createHash('sha1').update(data).digest();
/** A frame long enough that half of it is header plus a partial payload. */
const DROPPED_FRAME_PAYLOAD = 256;
const DEFAULT_REFUSAL_STATUS = 403;
/** Bytes per write of a 'split' delivery: small enough to cut every header. */
export const SPLIT_PIECE = 3;
/** ms between the writes of a 'split' delivery: each becomes a segment, and a read, of its own. */
export const SPLIT_GAP_MS = 5;

/** Writes `bytes` in pieces of SPLIT_PIECE bytes, SPLIT_GAP_MS apart, with Nagle off; stops when the socket goes. */
function writeSplit(socket: Socket, bytes: Uint8Array): void {
  socket.setNoDelay(true);
  let at = 0;
  const next = (): void => {
    if (socket.destroyed || at >= bytes.length) return;
    socket.write(bytes.subarray(at, at + SPLIT_PIECE));
    at += SPLIT_PIECE;
    const timer = setTimeout(next, SPLIT_GAP_MS);
    socket.once('close', () => clearTimeout(timer));
  };
  next();
}

/**
 * Starts a WebSocket server on node:net that misbehaves in one chosen way, for testing how a
 * client copes with faulty peers and networks. It is built on the engine's handshake and
 * framing, not on a WebSocket library, so it can break the protocol on purpose.
 *
 * @param options the fault; see {@link FaultServerOptions}.
 * @returns the server; call `close()` when done.
 */
export async function startFaultServer(options: FaultServerOptions): Promise<FaultServer> {
  const sockets = new Set<Socket>();
  const log = new MessageLog();
  const closes: PeerClose[] = [];
  const closeWaiters: Array<(close: PeerClose) => void> = [];
  let connections = 0;
  let pings = 0;

  const onClientClose = (close: PeerClose): void => {
    closes.push(close);
    for (const wake of closeWaiters.splice(0)) wake(close);
  };

  const server = createServer((socket) => {
    connections += 1;
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    socket.on('error', () => undefined); // a client reset is one of the things under test
    if (options.mode === 'never-answer') {
      socket.resume();
      return;
    }
    const handshake = new ServerHandshake();
    const onData = (chunk: Buffer): void => {
      const result = handshake.receive(chunk);
      if (result === null) return;
      socket.off('data', onData);
      if (result.kind === 'invalid') {
        socket.end(result.response);
        return;
      }
      upgrade(socket, result.request, result.remainder);
    };
    socket.on('data', onData);
  });

  /** Drives an engine on the socket after the 101; `writes` false discards all it would send. */
  const attachEngine = (socket: Socket, remainder: Uint8Array, settings: { writes: boolean; autoPong: boolean }): void => {
    const engine: Engine = new Engine({
      role: 'server',
      autoPong: settings.autoPong,
      onEvent: (event) => {
        switch (event.type) {
          case 'text':
          case 'binary':
            log.push(event.data);
            if (engine.state === 'open') engine.send(event.data);
            break;
          case 'ping':
            pings += 1;
            break;
          case 'close':
            if (event.initiator === 'remote') onClientClose({ code: event.code, reason: event.reason });
            // RFC 6455 §7.1.1: the server closes the TCP connection first — unless it is deaf.
            if (settings.writes) socket.end();
            break;
          case 'protocol-error':
          case 'pong':
            break;
        }
      },
      onWrite: (chunks) => {
        if (!settings.writes || socket.destroyed) return;
        for (const chunk of chunks) socket.write(chunk);
      },
    });
    socket.on('data', (chunk: Buffer) => engine.receive(chunk));
    socket.on('close', () => engine.transportClosed());
    if (remainder.length > 0) engine.receive(remainder);
  };

  /** Runs `fault` now, or once the client's first bytes after the handshake arrive (which are then dropped). */
  const strike = (socket: Socket, remainder: Uint8Array, when: FaultTrigger | undefined, fault: () => void): void => {
    if (when !== 'on-first-client-bytes') return fault();
    if (remainder.length > 0) return fault();
    socket.once('data', () => fault());
  };

  const upgrade = (socket: Socket, request: UpgradeRequest, remainder: Uint8Array): void => {
    const accept = (): void => {
      socket.write(acceptUpgrade(request, { sha1, protocol: request.protocols[0] ?? '' }).response);
    };
    switch (options.mode) {
      case 'refuse':
        socket.end(rejectUpgrade(options.status ?? DEFAULT_REFUSAL_STATUS));
        return;
      case 'delay': {
        const timer = setTimeout(() => {
          if (socket.destroyed) return;
          accept();
          attachEngine(socket, remainder, { writes: true, autoPong: true });
        }, options.delayMs);
        socket.once('close', () => clearTimeout(timer));
        return;
      }
      case 'drop-mid-frame': {
        accept();
        const frame = Buffer.concat(encodeFrame({ opcode: Opcode.Binary, payload: new Uint8Array(DROPPED_FRAME_PAYLOAD) }));
        strike(socket, remainder, options.when, () => socket.write(frame.subarray(0, frame.length >> 1), () => socket.destroy()));
        return;
      }
      case 'malformed-frame': {
        const bytes = options.bytes;
        if (options.delivery === 'with-101') {
          socket.setNoDelay(true);
          const response = acceptUpgrade(request, { sha1, protocol: request.protocols[0] ?? '' }).response;
          socket.write(Buffer.concat([response, bytes]));
          attachEngine(socket, new Uint8Array(0), { writes: true, autoPong: true });
          return;
        }
        accept();
        strike(socket, remainder, options.when, () => {
          if (options.delivery === 'split') writeSplit(socket, bytes);
          else socket.write(bytes);
          attachEngine(socket, new Uint8Array(0), { writes: true, autoPong: true });
        });
        return;
      }
      case 'ignore-close':
        accept();
        attachEngine(socket, remainder, { writes: false, autoPong: false });
        return;
      case 'slow-reader':
        accept();
        socket.pause();
        return;
      case 'no-pong':
        accept();
        attachEngine(socket, remainder, { writes: true, autoPong: false });
        return;
      case 'never-answer':
        return;
    }
  };

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `ws://127.0.0.1:${port}`,
    mode: options.mode,
    get connections() {
      return connections;
    },
    get pings() {
      return pings;
    },
    received: log.items,
    clientClose: (ms) => {
      const first = closes[0];
      if (first !== undefined) return Promise.resolve(first);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for a client's Close (${options.mode})`)), ms);
        closeWaiters.push((close) => {
          clearTimeout(timer);
          resolve(close);
        });
      });
    },
    close: () => new Promise<void>((resolve) => {
      for (const socket of sockets) socket.destroy();
      server.close(() => resolve());
    }),
  };
}
