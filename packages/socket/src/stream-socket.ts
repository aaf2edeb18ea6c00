import { connect as netConnect, createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import type { Clock } from '@wirekit/core';
import { AF_INET6, CFSocketError, SHUT_RD, SHUT_WR, type AddressFamily, type ShutdownHow } from './constants.js';
import { Descriptor, WOULD_BLOCK, type AcceptResult, type ConnectResult, type DescriptorLimits, type PollResult, type RecvResult, type SendResult } from './descriptor.js';
import { anyAddress, sockaddrOf } from './node-address.js';
import { encodeSockaddr, type SocketAddress } from './sockaddr.js';
import { posixError, systemError } from './socket-error.js';

/** The life of a SOCK_STREAM descriptor; each state carries what it owns. */
type StreamState =
  | { readonly kind: 'idle' }
  | { readonly kind: 'connecting'; readonly socket: Socket }
  | { readonly kind: 'connected'; readonly socket: Socket }
  | { readonly kind: 'listening'; readonly server: Server; readonly queue: Socket[] }
  | { readonly kind: 'closed' };

/** Socket options kept on the descriptor and applied to every socket it gets. */
export interface StreamOptions {
  keepAlive: boolean;
  noDelay: boolean;
}

/** A SOCK_STREAM descriptor over node:net: connect, listen/accept, recv/send with BSD buffering. */
export class StreamSocket extends Descriptor {
  readonly options: StreamOptions = { keepAlive: false, noDelay: false };
  private state: StreamState = { kind: 'idle' };
  private bound: SocketAddress | null = null;
  private readonly rx: Uint8Array[] = [];
  private rxBytes = 0;
  private eof = false;
  private readShut = false;
  private writeShut = false;
  private hungUp = false;
  /** Settles a connect or listen in progress when the descriptor is closed under it, so nothing waits forever. */
  private abandon: (() => void) | null = null;
  /** The socket held corked for the rest of this turn by {@link corkForTurn}, if any. */
  private corked: Socket | null = null;

  constructor(fd: number, family: AddressFamily, private readonly limits: DescriptorLimits, private readonly clock: Clock) {
    super(fd, family, 1);
  }

  get kind(): StreamState['kind'] {
    return this.state.kind;
  }

  /** Wraps a socket accepted by a listener (already connected, paused by pauseOnConnect). */
  adopt(socket: Socket, options: StreamOptions): void {
    Object.assign(this.options, options);
    this.state = { kind: 'connected', socket };
    this.attach(socket);
    // A connection reset while it waited in the queue: nothing more will come, recv reports EOF.
    if (socket.destroyed) {
      this.hungUp = true;
      return;
    }
    this.applyOptions(socket);
    socket.resume();
  }

  bind(address: SocketAddress): void {
    if (this.state.kind !== 'idle' || this.bound !== null) throw posixError('EINVAL', `descriptor ${this.fd} is already bound or in use`);
    this.bound = address;
  }

  connect(address: SocketAddress, timeout: number | undefined): Promise<ConnectResult> {
    switch (this.state.kind) {
      case 'connecting':
        return Promise.resolve({ result: CFSocketError.error, errno: 'EALREADY', error: posixError('EALREADY', 'a connect is already in progress') });
      case 'connected':
        throw posixError('EISCONN', `descriptor ${this.fd} is already connected`);
      case 'listening':
      case 'closed':
        throw posixError('EINVAL', `descriptor ${this.fd} is ${this.state.kind}`);
      case 'idle':
        break;
    }
    if (this.hungUp) throw posixError('EINVAL', `descriptor ${this.fd} failed to connect before; create a new socket`);
    const socket = netConnect({
      host: address.address,
      port: address.port,
      family: this.family === AF_INET6 ? 6 : 4,
      allowHalfOpen: true,
      ...(this.bound === null ? {} : { localAddress: this.bound.address, localPort: this.bound.port }),
    });
    this.state = { kind: 'connecting', socket };
    this.attach(socket);
    const background = timeout !== undefined && timeout < 0;
    const outcome = new Promise<ConnectResult>((resolve) => {
      const timer = timeout !== undefined && timeout > 0 ? this.clock.setTimeout(() => fail(posixError('ETIMEDOUT', `no connection after ${timeout} ms`), CFSocketError.timeout), timeout) : null;
      const done = (): void => {
        if (timer !== null) this.clock.clearTimeout(timer);
        this.abandon = null;
        socket.off('connect', onConnect);
        socket.off('error', onError);
      };
      const fail = (error: ReturnType<typeof systemError>, result: typeof CFSocketError.error | typeof CFSocketError.timeout): void => {
        done();
        if (this.state.kind === 'connecting' && this.state.socket === socket) this.state = { kind: 'idle' };
        socket.destroy();
        // A background connect leaves its error in SO_ERROR, where the next call finds it, and
        // the descriptor unusable (Darwin wants a new socket after a failed connect).
        if (background) {
          this.pendingError = error;
          this.hungUp = true;
        }
        this.emit({ kind: 'connect', error });
        this.emit({ kind: 'readable' });
        if (background) this.emit({ kind: 'hangup' });
        resolve({ result, errno: error.errno ?? error.code, error });
      };
      const onConnect = (): void => {
        done();
        this.state = { kind: 'connected', socket };
        this.applyOptions(socket);
        this.emit({ kind: 'connect', error: null });
        this.emit({ kind: 'writable' });
        resolve({ result: CFSocketError.success });
      };
      const onError = (cause: Error): void => fail(systemError(cause), CFSocketError.error);
      socket.once('connect', onConnect);
      socket.once('error', onError);
      this.abandon = () => {
        done();
        resolve({ result: CFSocketError.error, errno: 'EBADF', error: posixError('EBADF', `descriptor ${this.fd} was closed during the connect`) });
      };
    });
    if (background) return Promise.resolve({ result: CFSocketError.error, errno: 'EINPROGRESS' });
    return outcome;
  }

  listen(backlog: number): Promise<void> {
    if (this.state.kind === 'listening') return Promise.resolve();
    if (this.state.kind !== 'idle') throw posixError('EINVAL', `descriptor ${this.fd} is ${this.state.kind}`);
    const address = this.bound ?? anyAddress(this.family);
    const server = createServer({ allowHalfOpen: true, pauseOnConnect: true });
    const queue: Socket[] = [];
    this.state = { kind: 'listening', server, queue };
    return new Promise<void>((resolve, reject) => {
      this.abandon = () => reject(posixError('EBADF', `descriptor ${this.fd} was closed before it listened`));
      server.once('error', (cause) => {
        this.abandon = null;
        if (this.state.kind === 'listening' && this.state.server === server) this.state = { kind: 'idle' };
        reject(systemError(cause));
      });
      server.on('connection', (socket) => {
        if (this.state.kind !== 'listening' || this.state.server !== server) return void socket.destroy();
        // Until accept() wraps it, a reset must not become an uncaught 'error' event.
        socket.on('error', () => undefined);
        queue.push(socket);
        this.emit({ kind: 'readable' });
      });
      server.listen({ host: address.address, port: address.port, backlog, exclusive: true, ipv6Only: this.family === AF_INET6 }, () => {
        this.abandon = null;
        server.on('error', (cause) => {
          this.pendingError = systemError(cause);
          this.emit({ kind: 'readable' });
        });
        resolve();
      });
    });
  }

  accept(allocate: (socket: Socket) => number): AcceptResult {
    if (this.state.kind !== 'listening') throw posixError('EINVAL', `descriptor ${this.fd} is not listening`);
    const socket = this.state.queue[0];
    if (socket === undefined) return WOULD_BLOCK;
    // allocate() throws EMFILE when the table is full; the connection then stays queued, as in BSD.
    const fd = allocate(socket);
    this.state.queue.shift();
    return { kind: 'accepted', fd, address: sockaddrOf(socket.remoteAddress, socket.remotePort, this.family) };
  }

  recv(maxLength: number): RecvResult {
    const error = this.takeError();
    if (error !== null) throw error;
    if (this.rxBytes > 0) return { kind: 'data', bytes: this.take(maxLength) };
    if (this.readShut || this.eof || this.hungUp) return { kind: 'eof' };
    if (this.state.kind === 'connecting' || this.state.kind === 'connected') return WOULD_BLOCK;
    throw posixError('ENOTCONN', `descriptor ${this.fd} is not connected`);
  }

  send(data: Uint8Array): SendResult {
    const socket = this.writableSocket();
    if (socket.writableLength >= this.limits.sendBuffer) return WOULD_BLOCK;
    // send() copies, as the kernel does: the caller may reuse its buffer at once.
    socket.write(data.slice());
    return { kind: 'sent', bytes: data.length };
  }

  /** Writes the chunks in order, corked; `done` runs once they are handed to the OS. Returns false over the send buffer. */
  writev(chunks: readonly Uint8Array[], done: (error?: Error) => void): boolean {
    let socket: Socket;
    try {
      socket = this.writableSocket(true);
    } catch (error) {
      queueMicrotask(() => done(error as Error));
      return false;
    }
    if (chunks.length === 0) {
      queueMicrotask(() => done());
      return true;
    }
    this.corkForTurn(socket);
    chunks.forEach((chunk, index) => {
      if (index < chunks.length - 1) socket.write(chunk);
      else socket.write(chunk, (error) => done(error === null || error === undefined ? undefined : systemError(error)));
    });
    return socket.writableLength < this.limits.sendBuffer;
  }

  /**
   * Holds the socket corked until the end of this turn of the event loop, so that every writev
   * of one turn (the frames answering one read, a burst of sends) reaches the kernel in one
   * system call, not one each: with 64-byte messages that call was half the CPU time
   * (packages/bench, `--cpu-prof`). Nothing waits beyond the current turn.
   */
  private corkForTurn(socket: Socket): void {
    if (this.corked === socket) return;
    this.corked = socket;
    socket.cork();
    process.nextTick(() => {
      this.corked = null;
      socket.uncork();
    });
  }

  get bufferedAmount(): number {
    return this.state.kind === 'connected' || this.state.kind === 'connecting' ? this.state.socket.writableLength : 0;
  }

  shutdown(how: ShutdownHow): void {
    if (this.state.kind !== 'connected') throw posixError('ENOTCONN', `descriptor ${this.fd} is not connected`);
    if (how !== SHUT_WR) {
      this.readShut = true;
      this.rx.length = 0;
      this.rxBytes = 0;
      this.state.socket.resume();
    }
    if (how !== SHUT_RD && !this.writeShut) {
      this.writeShut = true;
      this.state.socket.end();
    }
  }

  localAddress(): Uint8Array {
    switch (this.state.kind) {
      case 'listening': {
        const info = this.state.server.address() as AddressInfo | null;
        return sockaddrOf(info?.address, info?.port, this.family);
      }
      case 'connected':
      case 'connecting':
        return sockaddrOf(this.state.socket.localAddress, this.state.socket.localPort, this.family);
      default:
        return encodeSockaddr(this.bound ?? anyAddress(this.family));
    }
  }

  peerAddress(): Uint8Array {
    if (this.state.kind !== 'connected') throw posixError('ENOTCONN', `descriptor ${this.fd} is not connected`);
    return sockaddrOf(this.state.socket.remoteAddress, this.state.socket.remotePort, this.family);
  }

  applyOptions(socket: Socket | null = this.state.kind === 'connected' ? this.state.socket : null): void {
    if (socket === null) return;
    socket.setKeepAlive(this.options.keepAlive);
    socket.setNoDelay(this.options.noDelay);
  }

  poll(): PollResult {
    const error = this.pendingError !== null;
    const readable = error || this.rxBytes > 0 || this.eof || this.hungUp || this.readShut || (this.state.kind === 'listening' && this.state.queue.length > 0);
    const writable = this.state.kind === 'connected' && !this.writeShut && this.state.socket.writableLength < this.limits.sendBuffer;
    return { readable, writable, error };
  }

  close(): void {
    const state = this.state;
    this.state = { kind: 'closed' };
    this.abandon?.();
    this.abandon = null;
    if (state.kind === 'connecting' || state.kind === 'connected') state.socket.destroy();
    if (state.kind === 'listening') {
      for (const socket of state.queue) socket.destroy();
      state.server.close();
    }
    this.rx.length = 0;
    this.rxBytes = 0;
    this.emit({ kind: 'close' });
  }

  private writableSocket(allowConnecting = false): Socket {
    const error = this.takeError();
    if (error !== null) throw error;
    if (this.writeShut) throw posixError('EPIPE', `descriptor ${this.fd} was shut down for writing`);
    if (this.state.kind === 'connected' || (allowConnecting && this.state.kind === 'connecting')) {
      if (this.state.socket.destroyed) throw posixError('EPIPE', 'the connection is closed');
      return this.state.socket;
    }
    throw posixError('ENOTCONN', `descriptor ${this.fd} is not connected`);
  }

  private take(maxLength: number): Uint8Array {
    const first = this.rx[0]!;
    // A whole received segment that fits is handed over as it is, with no copy (nothing else
    // holds it): a short read, as recv(2) may return, and the caller reads again for the rest.
    const whole = first.length <= maxLength;
    const size = whole ? first.length : maxLength;
    const out = whole ? first : new Uint8Array(size);
    let filled = whole ? size : 0;
    if (whole) this.rx.shift();
    while (filled < size) {
      const head = this.rx[0]!;
      const count = Math.min(head.length, size - filled);
      out.set(head.subarray(0, count), filled);
      filled += count;
      if (count === head.length) this.rx.shift();
      else this.rx[0] = head.subarray(count);
    }
    this.rxBytes -= size;
    if (this.rxBytes < this.limits.receiveBuffer && this.state.kind === 'connected' && this.state.socket.isPaused()) this.state.socket.resume();
    return out;
  }

  /** Wires the socket's events into the descriptor; events of a socket the descriptor no longer owns are ignored. */
  private attach(socket: Socket): void {
    const mine = (): boolean => (this.state.kind === 'connected' || this.state.kind === 'connecting') && this.state.socket === socket;
    socket.on('data', (chunk: Uint8Array) => {
      if (!mine() || this.readShut) return;
      this.rx.push(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
      this.rxBytes += chunk.byteLength;
      // The receive buffer is full: stop reading, so that TCP flow control reaches the peer.
      if (this.rxBytes >= this.limits.receiveBuffer) socket.pause();
      this.emit({ kind: 'readable' });
    });
    socket.on('end', () => {
      if (!mine()) return;
      this.eof = true;
      this.emit({ kind: 'readable' });
    });
    socket.on('error', (cause) => {
      if (!mine() || this.state.kind === 'connecting') return;
      this.pendingError = systemError(cause);
      this.emit({ kind: 'readable' });
    });
    socket.on('drain', () => {
      if (mine()) this.emit({ kind: 'writable' });
    });
    socket.on('close', () => {
      if (!mine()) return;
      this.hungUp = true;
      this.emit({ kind: 'hangup' });
    });
  }
}
