// A hostile peer on a raw socket: it completes the opening handshake by hand, then writes
// whatever an attack calls for, and watches the victim's frames for its Close.
import { connect, createServer, type Server, type Socket } from 'node:net';
import { FrameDecoder, ProtocolError } from '@wirekit/protocol';
import { upgradeRequest } from './raw-frames.js';

const ALL_RSV = { rsv1: true, rsv2: true, rsv3: true };
const CLOSE = 0x8;

/** A socket past the opening handshake, as one end of a WebSocket the attacker plays. */
export class RawPeer {
  /** Close code of the victim's Close frame, once it arrived (1005 for a Close without one). */
  closeCode: number | null = null;
  /** Reason of the victim's Close frame, once it arrived. */
  closeReason = '';
  /** Data frames the victim sent; only the first one's payload is kept (bounded). */
  messages = 0;
  firstMessage: Uint8Array | null = null;
  /** Bytes written by the attack. */
  sent = 0;
  private ended = false;
  private readonly decoder: FrameDecoder;
  private readonly endWaiters: Array<() => void> = [];

  /**
   * @param socket the connected socket, handshake done.
   * @param masked whether this peer masks its frames (it plays the client).
   */
  constructor(
    readonly socket: Socket,
    readonly masked: boolean,
    rest: Buffer,
  ) {
    // The victim's frames: unmasked from a server, masked from a client.
    this.decoder = new FrameDecoder({ role: masked ? 'client' : 'server', maxFrameSize: Number.POSITIVE_INFINITY, allowedRsv: ALL_RSV });
    socket.on('data', (chunk: Buffer) => this.read(chunk));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      this.ended = true;
      this.wake();
    });
    if (rest.length > 0) this.read(rest);
  }

  /** Dials a server victim and completes the handshake as a client. */
  static async dial(port: number, options: { deflate?: boolean; protocol?: string } = {}): Promise<RawPeer> {
    const socket = connect(port, '127.0.0.1');
    socket.setNoDelay(true);
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    socket.write(upgradeRequest(`127.0.0.1:${port}`, options));
    const { head, rest } = await readHead(socket, 5_000);
    if (!head.startsWith('HTTP/1.1 101')) throw new Error(`the victim refused the upgrade: ${head.split('\r\n')[0]}`);
    return new RawPeer(socket, true, rest);
  }

  /** Whether the socket has closed. */
  get closed(): boolean {
    return this.ended;
  }

  /** Stops reading: from now on the victim's writes fill the kernel buffers, then its own. */
  stopReading(): void {
    this.socket.pause();
  }

  /**
   * Writes `batch` again and again, honouring backpressure, until `ms` have passed, `maxBytes`
   * are written, the victim closed, or `stop()` says so. Resolves with the bytes written.
   */
  async flood(batch: Buffer, ms: number, maxBytes = Number.POSITIVE_INFINITY, stop: () => boolean = () => false): Promise<number> {
    const deadline = Date.now() + ms;
    let written = 0;
    while (!this.ended && this.closeCode === null && Date.now() < deadline && written < maxBytes && !stop()) {
      written += batch.length;
      this.sent += batch.length;
      if (!this.socket.write(batch)) await this.drained(deadline - Date.now());
    }
    return written;
  }

  /** Writes bytes once. */
  write(bytes: Buffer | string): void {
    this.sent += bytes.length;
    this.socket.write(bytes);
  }

  /** Waits until the victim's Close arrived or the socket closed; the Close code, or null. */
  async untilClosed(ms: number): Promise<number | null> {
    const deadline = Date.now() + ms;
    while (this.closeCode === null && !this.ended && Date.now() < deadline) await this.sleep(deadline - Date.now());
    return this.closeCode;
  }

  /** Waits until the victim sent at least `count` data frames, or closed; the number it sent. */
  async untilMessages(count: number, ms: number): Promise<number> {
    const deadline = Date.now() + ms;
    while (this.messages < count && this.closeCode === null && !this.ended && Date.now() < deadline) await this.sleep(deadline - Date.now());
    return this.messages;
  }

  /** Ends the attack now (a FIN after what was written). */
  destroy(): void {
    this.socket.destroy();
  }

  /** Ends the attack with a reset, as a killed attacker's kernel does: the victim's kernel drops what it had not read. */
  reset(): void {
    if (!this.socket.destroyed) this.socket.resetAndDestroy();
  }

  private read(chunk: Buffer): void {
    this.decoder.push(new Uint8Array(chunk));
    for (let frame = this.decoder.next(); frame !== null && !(frame instanceof ProtocolError); frame = this.decoder.next()) {
      if (frame.opcode < CLOSE) {
        this.messages++;
        this.firstMessage ??= frame.payload.slice();
        this.wake();
      }
      if (frame.opcode !== CLOSE) continue;
      this.closeCode = frame.payload.length >= 2 ? (frame.payload[0]! << 8) | frame.payload[1]! : 1005;
      this.closeReason = Buffer.from(frame.payload.subarray(2)).toString('utf8');
      this.wake();
    }
  }

  private drained(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.socket.off('drain', done);
        resolve();
      };
      const timer = setTimeout(done, Math.max(0, ms));
      this.socket.once('drain', done);
      this.endWaiters.push(done);
    });
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, Math.max(0, ms));
      this.endWaiters.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  private wake(): void {
    for (const wake of this.endWaiters.splice(0)) wake();
  }
}

/** Reads an HTTP head (up to the blank line); the rest of the data that came with it is returned apart. */
export function readHead(socket: Socket, ms: number): Promise<{ head: string; rest: Buffer }> {
  return new Promise((resolve, reject) => {
    let buffered = Buffer.alloc(0);
    const timer = setTimeout(() => finish(new Error(`no complete HTTP head within ${ms} ms`)), ms);
    const onData = (chunk: Buffer): void => {
      buffered = Buffer.concat([buffered, chunk]);
      const end = buffered.indexOf('\r\n\r\n');
      if (end !== -1) finish(null, end + 4);
    };
    const onClose = (): void => finish(null, buffered.length);
    function finish(error: Error | null, end = 0): void {
      clearTimeout(timer);
      socket.off('data', onData);
      socket.off('close', onClose);
      if (error !== null) return reject(error);
      resolve({ head: buffered.subarray(0, end).toString('latin1'), rest: buffered.subarray(end) });
    }
    socket.on('data', onData);
    socket.on('close', onClose);
  });
}

/** A hostile server for client victims: `onSocket` gets each connection with the client's request head. */
export async function listenHostile(onSocket: (socket: Socket, request: string, rest: Buffer) => void): Promise<{ server: Server; url: string; sockets: Set<Socket> }> {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    socket.setNoDelay(true);
    readHead(socket, 10_000).then(({ head, rest }) => onSocket(socket, head, rest), () => socket.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `ws://127.0.0.1:${(server.address() as { port: number }).port}/`, sockets };
}

/** Closes a hostile server and every socket it still has. */
export async function closeHostile(hostile: { server: Server; sockets: Set<Socket> }): Promise<void> {
  for (const socket of hostile.sockets) socket.destroy();
  await new Promise<void>((resolve) => hostile.server.close(() => resolve()));
}
