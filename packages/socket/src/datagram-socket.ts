import { createSocket, type Socket } from 'node:dgram';
import { AF_INET, AF_INET6, type AddressFamily } from './constants.js';
import { Descriptor, WOULD_BLOCK, type DescriptorLimits, type PollResult, type RecvFromResult } from './descriptor.js';
import { anyAddress, sockaddrOf } from './node-address.js';
import { encodeSockaddr, type SocketAddress } from './sockaddr.js';
import { posixError, systemError } from './socket-error.js';

/** IPv4's limited broadcast address; sending to it needs SO_BROADCAST on every platform. */
const LIMITED_BROADCAST = '255.255.255.255';

interface Queued {
  readonly bytes: Uint8Array;
  readonly address: Uint8Array;
}

/**
 * A SOCK_DGRAM descriptor over node:dgram. Like the kernel's socket buffer, the receive queue
 * is bounded (SO_RCVBUF bytes): a datagram that does not fit is dropped, which UDP allows and
 * which `dropped` counts.
 */
export class DatagramSocket extends Descriptor {
  broadcast = false;
  /** Datagrams dropped because the receive queue was full. */
  dropped = 0;
  private socket: Socket | null = null;
  private binding: Promise<void> | null = null;
  private readonly queue: Queued[] = [];
  private queuedBytes = 0;
  private closed = false;

  constructor(fd: number, family: AddressFamily, private readonly limits: DescriptorLimits) {
    super(fd, family, 2);
  }

  bind(address: SocketAddress): Promise<void> {
    if (this.binding !== null) throw posixError('EINVAL', `descriptor ${this.fd} is already bound`);
    const socket = createSocket({ type: this.family === AF_INET ? 'udp4' : 'udp6', ipv6Only: this.family === AF_INET6 });
    this.socket = socket;
    socket.on('message', (message, info) => {
      if (this.closed) return;
      if (this.queuedBytes + message.length > this.limits.receiveBuffer) {
        this.dropped += 1;
        return;
      }
      this.queue.push({ bytes: new Uint8Array(message.buffer, message.byteOffset, message.byteLength), address: sockaddrOf(info.address, info.port, this.family) });
      this.queuedBytes += message.length;
      this.emit({ kind: 'readable' });
    });
    this.binding = new Promise<void>((resolve, reject) => {
      const onError = (cause: Error): void => {
        this.binding = null;
        this.socket = null;
        socket.close();
        reject(systemError(cause));
      };
      socket.once('error', onError);
      socket.bind({ address: address.address, port: address.port, exclusive: true }, () => {
        socket.off('error', onError);
        socket.on('error', (cause) => {
          this.pendingError = systemError(cause);
          this.emit({ kind: 'readable' });
        });
        socket.setBroadcast(this.broadcast);
        resolve();
      });
    });
    return this.binding;
  }

  setBroadcast(on: boolean): void {
    this.broadcast = on;
    // Before the bind completes Node cannot set it; bind() applies it.
    if (this.socket !== null && this.binding !== null) {
      try {
        this.socket.setBroadcast(on);
      } catch {
        // Not bound yet: applied when the bind completes.
      }
    }
  }

  async sendTo(data: Uint8Array, address: SocketAddress): Promise<number> {
    if (this.family === AF_INET && address.address === LIMITED_BROADCAST && !this.broadcast) {
      throw posixError('EACCES', 'sending to a broadcast address needs SO_BROADCAST (setsockopt)');
    }
    // An unbound socket is bound to the wildcard address on its first send, as sendto(2) does.
    if (this.binding === null) await this.bind(anyAddress(this.family));
    else await this.binding;
    const socket = this.socket;
    if (socket === null || this.closed) throw posixError('EBADF', `descriptor ${this.fd} is closed`);
    const copy = data.slice();
    return new Promise<number>((resolve, reject) => {
      socket.send(copy, address.port, address.address, (error) => (error === null || error === undefined ? resolve(copy.length) : reject(systemError(error))));
    });
  }

  recvFrom(maxLength: number): RecvFromResult {
    const error = this.takeError();
    if (error !== null) throw error;
    const next = this.queue.shift();
    if (next === undefined) return WOULD_BLOCK;
    this.queuedBytes -= next.bytes.length;
    const truncated = next.bytes.length > maxLength;
    return { kind: 'datagram', bytes: truncated ? next.bytes.slice(0, maxLength) : next.bytes, address: next.address, truncated };
  }

  localAddress(): Uint8Array {
    if (this.socket === null) return encodeSockaddr(anyAddress(this.family));
    try {
      const info = this.socket.address();
      return sockaddrOf(info.address, info.port, this.family);
    } catch {
      return encodeSockaddr(anyAddress(this.family));
    }
  }

  poll(): PollResult {
    return { readable: this.queue.length > 0 || this.pendingError !== null, writable: !this.closed, error: this.pendingError !== null };
  }

  close(): void {
    this.closed = true;
    this.queue.length = 0;
    const socket = this.socket;
    this.socket = null;
    if (socket !== null) {
      const pending = this.binding;
      const stop = (): void => {
        try {
          socket.close();
        } catch {
          // Already closed.
        }
      };
      if (pending === null) stop();
      else pending.then(stop, () => undefined);
    }
    this.emit({ kind: 'close' });
  }
}
