import type { WireKitError } from '@wirekit/core';
import { systemClock, toWireKitError } from '@wirekit/core';
import {
  CFSocketError,
  kCFSocketAcceptCallBack,
  kCFSocketCloseOnInvalidate,
  kCFSocketConnectCallBack,
  kCFSocketDataCallBack,
  kCFSocketReadCallBack,
  kCFSocketWriteCallBack,
  SOCK_DGRAM,
  SOL_SOCKET,
  SO_TYPE,
  type CFSocketCallBackType,
  type CFSocketErrorValue,
} from './constants.js';
import type { SocketEvent } from './descriptor.js';
import { posixError } from './socket-error.js';
import { defaultSocketTable, type SocketTable } from './socket-table.js';

/** What a callout gets as `data`: null (read, write, a successful connect), the new descriptor (accept), the bytes (data; empty at EOF) or the connect error. */
export type CFSocketCallBackData = Uint8Array | number | WireKitError | null;

/** CFSocketCallBack: the socket, which callback, the address it concerns (accept and data), and its data. */
export type CFSocketCallBack = (socket: CFSocket, type: CFSocketCallBackType, address: Uint8Array | null, data: CFSocketCallBackData) => void;

/** Options of {@link CFSocket.create} and {@link CFSocket.createWithNative}. */
export interface CFSocketOptions {
  /** The descriptor table; defaults to {@link defaultSocketTable}. */
  readonly table?: SocketTable;
}

/** CFSocket's default flags: re-enable read, accept and data callbacks (bits 1 and 2: data is 3); close the descriptor on invalidate. */
const DEFAULT_FLAGS = 3 | kCFSocketCloseOnInvalidate;
/** The two bits that hold the one read-kind callback (read 1, accept 2, data 3, mutually exclusive). */
const READ_KIND = 3;
/** Deliveries per event, so a flood cannot starve the event loop; the rest come with the next event. */
const BURST = 64;

/**
 * Core Foundation's CFSocket over a descriptor of a {@link SocketTable}. Callbacks run on
 * Node's event loop, so there is no run-loop source to create: the callout is live once the
 * socket exists. Read, accept and data callbacks are mutually exclusive and re-enabled after
 * each delivery; the write callback fires once per enable (kCFSocketAutomaticallyReenableWriteCallBack
 * keeps it on); the connect callback fires once. A callout that throws is a bug in the app, and
 * surfaces as an uncaught exception, as a throwing Node event listener does.
 */
export class CFSocket {
  /** The error behind the last `error` result, as C code reads errno after a call. */
  lastError: WireKitError | null = null;
  private enabled: number;
  private flags = DEFAULT_FLAGS;
  private valid = true;
  private eofDelivered = false;
  private readonly stop: () => void;

  private constructor(
    private readonly table: SocketTable,
    /** The descriptor (CFSocketGetNative). */
    readonly native: number,
    callBackTypes: number,
    private readonly callout: CFSocketCallBack | null,
  ) {
    this.enabled = callBackTypes;
    this.stop = table.watch(native, (event) => this.onEvent(event));
  }

  /**
   * CFSocketCreate: a new descriptor with its callbacks.
   * @throws {WireKitError} EAFNOSUPPORT, EINVAL, EMFILE as {@link SocketTable.socket}.
   */
  static create(protocolFamily: number, socketType: number, callBackTypes: number, callout: CFSocketCallBack | null, options: CFSocketOptions = {}): CFSocket {
    const table = options.table ?? defaultSocketTable;
    return new CFSocket(table, table.socket(protocolFamily, socketType), callBackTypes, callout);
  }

  /**
   * CFSocketCreateWithNative: wraps an open descriptor, such as one an accept callback passed.
   * @throws {WireKitError} EBADF for a descriptor that is not open.
   */
  static createWithNative(handle: number, callBackTypes: number, callout: CFSocketCallBack | null, options: CFSocketOptions = {}): CFSocket {
    const table = options.table ?? defaultSocketTable;
    table.poll(handle);
    const socket = new CFSocket(table, handle, callBackTypes, callout);
    // Data may already be buffered (bytes sent right after the connection was accepted).
    queueMicrotask(() => socket.onEvent({ kind: 'readable' }));
    return socket;
  }

  /** CFSocketIsValid. */
  get isValid(): boolean {
    return this.valid;
  }

  /**
   * CFSocketConnectToAddress: `success`, `error` (see {@link CFSocket.lastError}) or
   * `timeout`. The timeout is a CFTimeInterval, in seconds. A negative timeout connects in the
   * background and answers `success` at once; the connect callback reports the end. 0 waits
   * for the OS.
   */
  async connectToAddress(address: Uint8Array, timeout: number): Promise<CFSocketErrorValue> {
    try {
      const outcome = await this.table.connect(this.native, address, timeout === 0 ? {} : { timeout: timeout < 0 ? -1 : timeout * 1000 });
      if (timeout < 0) return CFSocketError.success;
      this.lastError = outcome.error ?? null;
      return outcome.result;
    } catch (error) {
      return this.fail(error);
    }
  }

  /**
   * CFSocketSendData: sends on a connected stream (address ignored, may be null) or one datagram
   * to `address`; a positive timeout (seconds) bounds the wait for the bytes to reach the OS.
   * A stream send that times out is not withdrawn: its bytes may still leave later, as in CFSocket.
   */
  async sendData(address: Uint8Array | null, data: Uint8Array, timeout: number): Promise<CFSocketErrorValue> {
    try {
      const datagram = this.table.getsockopt(this.native, SOL_SOCKET, SO_TYPE) === SOCK_DGRAM;
      if (datagram && address === null) return this.fail(posixError('EDESTADDRREQ', 'a datagram needs an address'));
      const sending = datagram ? this.table.sendTo(this.native, data, address!) : this.table.sendAsync(this.native, data);
      if (!(timeout > 0)) {
        await sending;
        return CFSocketError.success;
      }
      let timer: unknown;
      const expired = new Promise<'timeout'>((resolve) => (timer = systemClock.setTimeout(() => resolve('timeout'), timeout * 1000)));
      const outcome = await Promise.race([sending, expired]).finally(() => systemClock.clearTimeout(timer));
      return outcome === 'timeout' ? CFSocketError.timeout : CFSocketError.success;
    } catch (error) {
      return this.fail(error);
    }
  }

  /** CFSocketSetAddress: binds, and on a stream socket listens (backlog 256, as CFSocket). */
  async setAddress(address: Uint8Array): Promise<CFSocketErrorValue> {
    try {
      await this.table.bind(this.native, address);
      if (this.table.getsockopt(this.native, SOL_SOCKET, SO_TYPE) !== SOCK_DGRAM) await this.table.listen(this.native, 256);
      return CFSocketError.success;
    } catch (error) {
      return this.fail(error);
    }
  }

  /** CFSocketCopyAddress: the local sockaddr bytes. */
  copyAddress(): Uint8Array {
    return this.table.getsockname(this.native);
  }

  /** CFSocketCopyPeerAddress. @throws {WireKitError} ENOTCONN. */
  copyPeerAddress(): Uint8Array {
    return this.table.getpeername(this.native);
  }

  /** CFSocketEnableCallBacks: turns callbacks of `types` on again; a readable or writable socket reports at once. */
  enableCallBacks(types: number): void {
    this.enabled |= types;
    const ready = this.valid ? this.table.poll(this.native) : null;
    if (ready?.readable === true) queueMicrotask(() => this.onEvent({ kind: 'readable' }));
    if (ready?.writable === true && (types & kCFSocketWriteCallBack) !== 0) queueMicrotask(() => this.onEvent({ kind: 'writable' }));
  }

  /** CFSocketDisableCallBacks. */
  disableCallBacks(types: number): void {
    this.enabled &= ~types;
  }

  /** CFSocketGetSocketFlags. */
  getSocketFlags(): number {
    return this.flags;
  }

  /** CFSocketSetSocketFlags (kCFSocketAutomaticallyReenable…, kCFSocketCloseOnInvalidate). */
  setSocketFlags(flags: number): void {
    this.flags = flags;
  }

  /** CFSocketInvalidate: no more callbacks; closes the descriptor unless kCFSocketCloseOnInvalidate was cleared. */
  invalidate(): void {
    if (!this.valid) return;
    this.valid = false;
    this.stop();
    if ((this.flags & kCFSocketCloseOnInvalidate) !== 0) {
      try {
        this.table.close(this.native);
      } catch {
        // Closed elsewhere already.
      }
    }
  }

  private fail(error: unknown): CFSocketErrorValue {
    this.lastError = toWireKitError(error);
    return CFSocketError.error;
  }

  private on(type: number): boolean {
    return this.valid && this.callout !== null && (type === kCFSocketConnectCallBack || type === kCFSocketWriteCallBack ? (this.enabled & type) !== 0 : (this.enabled & READ_KIND) === type);
  }

  private fire(type: CFSocketCallBackType, address: Uint8Array | null, data: CFSocketCallBackData): void {
    // Without its re-enable flag a callback is one-shot until enableCallBacks().
    const reenable = type !== kCFSocketConnectCallBack && (this.flags & type) === type;
    if (!reenable) this.enabled &= type === kCFSocketConnectCallBack || type === kCFSocketWriteCallBack ? ~type : ~READ_KIND;
    this.callout!(this, type, address, data);
  }

  private onEvent(event: SocketEvent): void {
    if (!this.valid) return;
    switch (event.kind) {
      case 'close':
        this.valid = false;
        this.stop();
        return;
      case 'connect':
        if (this.on(kCFSocketConnectCallBack)) this.fire(kCFSocketConnectCallBack, null, event.error);
        return;
      case 'writable':
        if (this.on(kCFSocketWriteCallBack)) this.fire(kCFSocketWriteCallBack, null, null);
        return;
      case 'readable':
      case 'hangup':
        return this.onReadable();
    }
  }

  private onReadable(): void {
    if (this.on(kCFSocketReadCallBack)) return this.fire(kCFSocketReadCallBack, null, null);
    for (let i = 0; i < BURST && this.valid && this.on(kCFSocketAcceptCallBack); i += 1) {
      let accepted;
      try {
        accepted = this.table.accept(this.native);
      } catch {
        return; // EMFILE: the connection stays queued until a descriptor frees.
      }
      if (accepted.kind !== 'accepted') return;
      this.fire(kCFSocketAcceptCallBack, accepted.address, accepted.fd);
    }
    for (let i = 0; i < BURST && this.valid && this.on(kCFSocketDataCallBack) && !this.eofDelivered; i += 1) {
      const datagram = this.table.getsockopt(this.native, SOL_SOCKET, SO_TYPE) === SOCK_DGRAM;
      let chunk: Uint8Array | null;
      let address: Uint8Array | null = null;
      try {
        if (datagram) {
          const result = this.table.recvFrom(this.native, 65_536);
          chunk = result.kind === 'datagram' ? result.bytes : null;
          address = result.kind === 'datagram' ? result.address : null;
        } else {
          const result = this.table.recv(this.native, 65_536);
          chunk = result.kind === 'data' ? result.bytes : result.kind === 'eof' ? new Uint8Array(0) : null;
        }
      } catch (error) {
        // As CFSocket, an error ends the stream: the app sees the final empty chunk; the error is kept.
        this.lastError = toWireKitError(error);
        chunk = datagram ? null : new Uint8Array(0);
      }
      if (chunk === null) return;
      if (chunk.length === 0) this.eofDelivered = true;
      this.fire(kCFSocketDataCallBack, address, chunk);
    }
  }
}
