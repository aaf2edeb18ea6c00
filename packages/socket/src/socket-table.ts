import type { Socket } from 'node:net';
import { neverThrows, systemClock, type Clock, type WireKitError } from '@wirekit/core';
import { WireKitUsageError } from '@wirekit/protocol';
import { AF_INET, AF_INET6, IPPROTO_TCP, SHUT_RD, SHUT_RDWR, SHUT_WR, SO_BROADCAST, SO_KEEPALIVE, SO_TYPE, SOCK_DGRAM, SOCK_STREAM, SOL_SOCKET, TCP_NODELAY, type ShutdownHow } from './constants.js';
import { DatagramSocket } from './datagram-socket.js';
import type { Descriptor, DescriptorLimits, AcceptResult, Accepted, ConnectResult, Datagram, PollResult, RecvFromResult, RecvResult, SendResult, SocketEvent } from './descriptor.js';
import { addressFor, type SocketAddressInput } from './node-address.js';
import { posixError, quiet } from './socket-error.js';
import { StreamSocket } from './stream-socket.js';

/** Options of a {@link SocketTable}. */
export interface SocketTableOptions {
  /**
   * The descriptor limit, as RLIMIT_NOFILE: descriptors are below it, and 0, 1 and 2 belong to
   * stdin, stdout and stderr, so `limit: 8` leaves five sockets (3…7). Defaults to 256, the soft
   * limit of a macOS or iOS process, so code that leaks descriptors fails here as it would there.
   */
  readonly limit?: number;
  /** Bytes a stream buffers for recv() before it stops reading (SO_RCVBUF); also the UDP queue size. Defaults to 128 KiB, Darwin's TCP receive buffer. */
  readonly receiveBuffer?: number;
  /** Bytes the send buffer holds before send() answers EAGAIN (SO_SNDBUF). Defaults to 128 KiB. */
  readonly sendBuffer?: number;
  /** Time for connect timeouts; defaults to core's systemClock. */
  readonly clock?: Clock;
}

/** Options of {@link SocketTable.connect}. */
export interface SocketConnectOptions {
  /**
   * ms to wait, as CFSocketConnectToAddress's timeout: positive bounds the connect (result
   * `timeout`, errno ETIMEDOUT); omitted or 0 waits for the OS; negative connects in the
   * background and resolves at once with errno EINPROGRESS, the connect event reporting the end.
   */
  readonly timeout?: number;
}

const FIRST_FREE = 3;
const DEFAULT_BUFFER = 128 * 1024;

function positiveInteger(value: number | undefined, fallback: number, name: string, min = 1): number {
  const result = value ?? fallback;
  if (!Number.isInteger(result) || result < min) throw new WireKitUsageError('WK_ERR_INVALID_ARGUMENT', `${name} must be an integer of at least ${min}`);
  return result;
}

function length(maxLength: number): number {
  return positiveInteger(maxLength, 0, 'maxLength');
}

/**
 * A process's descriptor table: BSD sockets as small integers (the lowest free one, from 3),
 * over node:net (SOCK_STREAM) and node:dgram (SOCK_DGRAM). Synchronous calls never wait, as on
 * an O_NONBLOCK descriptor (`would-block` with errno EAGAIN); the `…Async` forms are the
 * blocking calls. Misuse throws a WireKitError with domain posix and its errno (EBADF,
 * ENOTCONN, EISCONN, EINVAL, EOPNOTSUPP, EAFNOSUPPORT, EMFILE…).
 */
export class SocketTable {
  readonly limit: number;
  private readonly entries = new Map<number, Descriptor>();
  private readonly limits: DescriptorLimits;
  private readonly clock: Clock;

  /** @throws {WireKitUsageError} WK_ERR_INVALID_ARGUMENT for a limit below 4 or a buffer size below 1. */
  constructor(options: SocketTableOptions = {}) {
    this.limit = positiveInteger(options.limit, 256, 'limit', FIRST_FREE + 1);
    this.limits = { receiveBuffer: positiveInteger(options.receiveBuffer, DEFAULT_BUFFER, 'receiveBuffer'), sendBuffer: positiveInteger(options.sendBuffer, DEFAULT_BUFFER, 'sendBuffer') };
    this.clock = options.clock ?? systemClock;
  }

  /** The open descriptors, ascending. */
  get descriptors(): number[] {
    return [...this.entries.keys()].sort((a, b) => a - b);
  }

  /**
   * socket(2): a new descriptor, the lowest free integer from 3.
   * @throws {WireKitError} EMFILE (WK_ERR_TRANSPORT) when the table is full; EAFNOSUPPORT or
   *   EINVAL (WK_ERR_INVALID_ARGUMENT) for another family or type.
   */
  socket(family: number, type: number): number {
    if (family !== AF_INET && family !== AF_INET6) throw posixError('EAFNOSUPPORT', `address family ${String(family)} is not AF_INET or AF_INET6`);
    if (type !== SOCK_STREAM && type !== SOCK_DGRAM) throw posixError('EINVAL', `socket type ${String(type)} is not SOCK_STREAM or SOCK_DGRAM`);
    const fd = this.allocate();
    this.entries.set(fd, type === SOCK_STREAM ? new StreamSocket(fd, family, this.limits, this.clock) : new DatagramSocket(fd, family, this.limits));
    return fd;
  }

  /** close(2): releases the descriptor at once; its connection is reset, pending waits reject EBADF. @throws {WireKitError} EBADF. */
  close(fd: number): void {
    const entry = this.entry(fd);
    this.entries.delete(fd);
    entry.close();
  }

  /** bind(2). A stream's address is taken when it listens or connects (Node binds then). Rejects (never throws) EBADF, EINVAL, EAFNOSUPPORT, and EADDRINUSE for a datagram socket. */
  bind(fd: number, address: SocketAddressInput): Promise<void> {
    return neverThrows(() => {
      const entry = this.entry(fd);
      const decoded = addressFor(entry.family, address);
      if (!(entry instanceof StreamSocket)) return (entry as DatagramSocket).bind(decoded);
      entry.bind(decoded);
      return Promise.resolve();
    });
  }

  /** listen(2): resolves once the socket accepts connections. Rejects (never throws) EBADF, EOPNOTSUPP, EINVAL, EADDRINUSE (WK_ERR_TRANSPORT). */
  listen(fd: number, backlog = 128): Promise<void> {
    return neverThrows(() => this.stream(fd, 'listen').listen(positiveInteger(backlog, 128, 'backlog')));
  }

  /** accept(2), non-blocking: a new descriptor and the peer's address, or EAGAIN. @throws {WireKitError} EBADF, EOPNOTSUPP, EINVAL (not listening), EMFILE (the connection stays queued). */
  accept(fd: number): AcceptResult {
    return this.stream(fd, 'accept').accept((socket) => this.adopt(socket, this.stream(fd, 'accept')));
  }

  /** accept(2), blocking: waits for a connection. Rejects as {@link SocketTable.accept} throws, and EBADF when the descriptor is closed. */
  acceptAsync(fd: number): Promise<Accepted> {
    return this.wait(fd, () => {
      const result = this.accept(fd);
      return result.kind === 'accepted' ? { fd: result.fd, address: result.address } : null;
    });
  }

  /**
   * connect(2) / CFSocketConnectToAddress: resolves with `success`, `error` (with errno:
   * ECONNREFUSED…) or `timeout`; never rejects for a network failure. Misuse rejects (never
   * throws): EBADF, EOPNOTSUPP (datagram), EISCONN, EINVAL, EAFNOSUPPORT.
   */
  connect(fd: number, address: SocketAddressInput, options: SocketConnectOptions = {}): Promise<ConnectResult> {
    return neverThrows(() => {
      const entry = this.stream(fd, 'connect');
      return entry.connect(addressFor(entry.family, address), options.timeout);
    });
  }

  /** recv(2), non-blocking: bytes, EOF, or EAGAIN. @throws {WireKitError} EBADF, ENOTCONN, or the pending error (ECONNRESET…), once. */
  recv(fd: number, maxLength: number): RecvResult {
    const entry = this.entry(fd);
    if (entry instanceof DatagramSocket) {
      const datagram = entry.recvFrom(length(maxLength));
      return datagram.kind === 'datagram' ? { kind: 'data', bytes: datagram.bytes } : datagram;
    }
    return (entry as StreamSocket).recv(length(maxLength));
  }

  /** recv(2), blocking: resolves with bytes, or an empty array at EOF (C's 0). Rejects as recv() throws, and EBADF on close. */
  recvAsync(fd: number, maxLength: number): Promise<Uint8Array> {
    return this.wait(fd, () => {
      const result = this.recv(fd, maxLength);
      return result.kind === 'data' ? result.bytes : result.kind === 'eof' ? new Uint8Array(0) : null;
    });
  }

  /** send(2), non-blocking: copies the bytes to the send buffer, or EAGAIN when it is full. @throws {WireKitError} EBADF, ENOTCONN, EPIPE after SHUT_WR, EDESTADDRREQ on a datagram socket, the pending error. */
  send(fd: number, data: Uint8Array): SendResult {
    return this.stream(fd, 'send').send(data);
  }

  /** send(2), blocking: resolves with the byte count once the bytes are handed to the OS. Rejects as send() throws. */
  sendAsync(fd: number, data: Uint8Array): Promise<number> {
    return quiet(new Promise<number>((resolve, reject) => this.writev(fd, [data.slice()], (error) => (error === undefined ? resolve(data.length) : reject(error)))));
  }

  /**
   * writev(2) with a completion: writes the chunks in order without copying (they must not be
   * changed afterwards), also while a background connect is in progress; `done` runs once they
   * are handed to the OS, or with the error. Returns false when the send buffer is over SO_SNDBUF.
   * @throws {WireKitError} EBADF, EDESTADDRREQ on a datagram socket.
   */
  writev(fd: number, chunks: readonly Uint8Array[], done: (error?: Error) => void): boolean {
    return this.stream(fd, 'send').writev(chunks, done);
  }

  /** Bytes written to a stream and not yet handed to the OS. @throws {WireKitError} EBADF. */
  bufferedAmount(fd: number): number {
    const entry = this.entry(fd);
    return entry instanceof StreamSocket ? entry.bufferedAmount : 0;
  }

  /** shutdown(2). @throws {WireKitError} EBADF, ENOTCONN, EINVAL for another `how`, EOPNOTSUPP on a datagram socket. */
  shutdown(fd: number, how: ShutdownHow): void {
    const entry = this.stream(fd, 'shutdown');
    if (how !== SHUT_RD && how !== SHUT_WR && how !== SHUT_RDWR) throw posixError('EINVAL', `shutdown how ${String(how)} is not SHUT_RD, SHUT_WR or SHUT_RDWR`);
    entry.shutdown(how);
  }

  /** sendto(2): one datagram; an unbound socket is bound to the wildcard address first. Rejects EACCES for a broadcast address without SO_BROADCAST, and (never throws) EBADF, EOPNOTSUPP on a stream, EAFNOSUPPORT. */
  sendTo(fd: number, data: Uint8Array, address: SocketAddressInput): Promise<number> {
    return neverThrows(() => {
      const entry = this.datagram(fd);
      return entry.sendTo(data, addressFor(entry.family, address));
    });
  }

  /** recvfrom(2), non-blocking: the next datagram (cut to maxLength, `truncated` set), or EAGAIN. @throws {WireKitError} EBADF, EOPNOTSUPP on a stream. */
  recvFrom(fd: number, maxLength: number): RecvFromResult {
    return this.datagram(fd).recvFrom(length(maxLength));
  }

  /** recvfrom(2), blocking: waits for a datagram. */
  recvFromAsync(fd: number, maxLength: number): Promise<Datagram> {
    return this.wait(fd, () => {
      const result = this.recvFrom(fd, maxLength);
      return result.kind === 'datagram' ? { bytes: result.bytes, address: result.address, truncated: result.truncated } : null;
    });
  }

  /**
   * setsockopt(2) for SO_BROADCAST (datagram), SO_KEEPALIVE and TCP_NODELAY (stream).
   * @throws {WireKitError} EBADF; ENOPROTOOPT for another option or an option of the other socket type.
   */
  setsockopt(fd: number, level: number, name: number, value: number | boolean): void {
    const entry = this.entry(fd);
    const on = value === true || (typeof value === 'number' && value !== 0);
    if (entry instanceof DatagramSocket && level === SOL_SOCKET && name === SO_BROADCAST) return entry.setBroadcast(on);
    if (entry instanceof StreamSocket && ((level === SOL_SOCKET && name === SO_KEEPALIVE) || (level === IPPROTO_TCP && name === TCP_NODELAY))) {
      entry.options[name === SO_KEEPALIVE ? 'keepAlive' : 'noDelay'] = on;
      return entry.applyOptions();
    }
    throw posixError('ENOPROTOOPT', `option ${String(level)}/${String(name)} is not supported on this socket`);
  }

  /** getsockopt(2): 1 or 0 for the options of setsockopt, and SO_TYPE. @throws {WireKitError} EBADF, ENOPROTOOPT. */
  getsockopt(fd: number, level: number, name: number): number {
    const entry = this.entry(fd);
    if (level === SOL_SOCKET && name === SO_TYPE) return entry.type;
    if (entry instanceof DatagramSocket && level === SOL_SOCKET && name === SO_BROADCAST) return entry.broadcast ? 1 : 0;
    if (entry instanceof StreamSocket && level === SOL_SOCKET && name === SO_KEEPALIVE) return entry.options.keepAlive ? 1 : 0;
    if (entry instanceof StreamSocket && level === IPPROTO_TCP && name === TCP_NODELAY) return entry.options.noDelay ? 1 : 0;
    throw posixError('ENOPROTOOPT', `option ${String(level)}/${String(name)} is not supported on this socket`);
  }

  /** getsockopt(SO_ERROR): takes the pending error (a failed background connect, a reset), or null. @throws {WireKitError} EBADF. */
  takeError(fd: number): WireKitError | null {
    return this.entry(fd).takeError();
  }

  /** getsockname(2): the local sockaddr bytes. @throws {WireKitError} EBADF. */
  getsockname(fd: number): Uint8Array {
    const entry = this.entry(fd);
    return entry instanceof StreamSocket ? entry.localAddress() : (entry as DatagramSocket).localAddress();
  }

  /** getpeername(2). @throws {WireKitError} EBADF, ENOTCONN, EOPNOTSUPP on a datagram socket. */
  getpeername(fd: number): Uint8Array {
    return this.stream(fd, 'getpeername').peerAddress();
  }

  /** poll(2) for one descriptor. @throws {WireKitError} EBADF. */
  poll(fd: number): PollResult {
    return this.entry(fd).poll();
  }

  /** Watches a descriptor's events (CFSocket's run-loop source); returns the function that stops. @throws {WireKitError} EBADF. */
  watch(fd: number, listener: (event: SocketEvent) => void): () => void {
    return this.entry(fd).watch(listener);
  }

  private entry(fd: number): Descriptor {
    const entry = Number.isInteger(fd) ? this.entries.get(fd) : undefined;
    if (entry === undefined) throw posixError('EBADF', `${String(fd)} is not an open descriptor`);
    return entry;
  }

  private stream(fd: number, call: string): StreamSocket {
    const entry = this.entry(fd);
    if (entry instanceof StreamSocket) return entry;
    throw posixError(call === 'send' ? 'EDESTADDRREQ' : 'EOPNOTSUPP', `${call}() needs a SOCK_STREAM descriptor; ${fd} is SOCK_DGRAM${call === 'send' ? ' (use sendTo)' : ''}`);
  }

  private datagram(fd: number): DatagramSocket {
    const entry = this.entry(fd);
    if (entry instanceof DatagramSocket) return entry;
    throw posixError('EOPNOTSUPP', `descriptor ${fd} is SOCK_STREAM; sendTo/recvFrom need SOCK_DGRAM`);
  }

  private allocate(): number {
    for (let fd = FIRST_FREE; fd < this.limit; fd += 1) if (!this.entries.has(fd)) return fd;
    throw posixError('EMFILE', `all descriptors below the limit of ${this.limit} are in use`);
  }

  private adopt(socket: Socket, listener: StreamSocket): number {
    const fd = this.allocate();
    const entry = new StreamSocket(fd, listener.family, this.limits, this.clock);
    this.entries.set(fd, entry);
    entry.adopt(socket, { ...listener.options });
    return fd;
  }

  /** Runs a non-blocking attempt now and after each event until it yields; a close rejects EBADF. */
  private wait<T>(fd: number, attempt: () => T | null): Promise<T> {
    return quiet(
      new Promise<T>((resolve, reject) => {
        let stop: () => void = () => undefined;
        const tryNow = (event?: SocketEvent): boolean => {
          if (event?.kind === 'close') {
            stop();
            reject(posixError('EBADF', `descriptor ${fd} was closed while waiting`));
            return true;
          }
          try {
            const value = attempt();
            if (value === null) return false;
            stop();
            resolve(value);
          } catch (error) {
            stop();
            reject(error as Error);
          }
          return true;
        };
        if (tryNow()) return;
        stop = this.watch(fd, (event) => void tryNow(event));
      }),
    );
  }
}

/** The module-level table (as a process has one), for code that does not need its own limit. */
export const defaultSocketTable = new SocketTable();
