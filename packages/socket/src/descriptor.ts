import type { WireKitError } from '@wirekit/core';
import type { AddressFamily, CFSocketErrorValue, SocketType } from './constants.js';

/**
 * What a descriptor reports to its watchers (the run-loop source of CFSocket, the readiness of
 * select/poll): `readable` when data, EOF, an error, a datagram or a pending connection can be
 * taken without waiting; `writable` when a connect finished or the send buffer drained;
 * `connect` once when a connect attempt ends; `hangup` when the transport underneath closed
 * (the descriptor stays allocated until close()); `close` when the descriptor was closed.
 */
export type SocketEvent =
  | { readonly kind: 'readable' }
  | { readonly kind: 'writable' }
  | { readonly kind: 'connect'; readonly error: WireKitError | null }
  | { readonly kind: 'hangup' }
  | { readonly kind: 'close' };

/** The non-blocking answer when nothing can be done now: EAGAIN (EWOULDBLOCK is the same value on BSD). */
export interface WouldBlock {
  readonly kind: 'would-block';
  readonly errno: 'EAGAIN';
}

/** recv(): bytes (at least one), EOF (C's 0), or EAGAIN. */
export type RecvResult = { readonly kind: 'data'; readonly bytes: Uint8Array } | { readonly kind: 'eof' } | WouldBlock;

/** send(): the byte count copied to the send buffer, or EAGAIN when the buffer is full. */
export type SendResult = { readonly kind: 'sent'; readonly bytes: number } | WouldBlock;

/** An accepted connection: its new descriptor and the peer's sockaddr bytes. */
export interface Accepted {
  readonly fd: number;
  readonly address: Uint8Array;
}

/** accept(): a new descriptor, or EAGAIN when no connection is pending. */
export type AcceptResult = ({ readonly kind: 'accepted' } & Accepted) | WouldBlock;

/** One datagram: its bytes (cut to the length asked for), the sender's sockaddr, and whether it was cut (MSG_TRUNC). */
export interface Datagram {
  readonly bytes: Uint8Array;
  readonly address: Uint8Array;
  readonly truncated: boolean;
}

/** recvFrom(): a datagram, or EAGAIN when none is queued. */
export type RecvFromResult = ({ readonly kind: 'datagram' } & Datagram) | WouldBlock;

/** connect(): CFSocketConnectToAddress's result with the errno and error behind a failure. */
export interface ConnectResult {
  readonly result: CFSocketErrorValue;
  readonly errno?: string;
  readonly error?: WireKitError;
}

/** Readiness of a descriptor, as poll(2)'s POLLIN / POLLOUT / POLLERR. */
export interface PollResult {
  readonly readable: boolean;
  readonly writable: boolean;
  readonly error: boolean;
}

/** Buffer sizes and the clock a descriptor works with. */
export interface DescriptorLimits {
  /** Bytes buffered for recv() before the socket stops reading (SO_RCVBUF). */
  readonly receiveBuffer: number;
  /** Bytes the send buffer holds before send() answers EAGAIN (SO_SNDBUF). */
  readonly sendBuffer: number;
}

/** What every descriptor shares: identity, watchers and the pending error (SO_ERROR). */
export abstract class Descriptor {
  pendingError: WireKitError | null = null;
  private readonly watchers = new Set<(event: SocketEvent) => void>();

  protected constructor(
    readonly fd: number,
    readonly family: AddressFamily,
    readonly type: SocketType,
  ) {}

  watch(listener: (event: SocketEvent) => void): () => void {
    this.watchers.add(listener);
    return () => this.watchers.delete(listener);
  }

  emit(event: SocketEvent): void {
    for (const listener of [...this.watchers]) listener(event);
  }

  /** Takes the pending error, as reading SO_ERROR clears it. */
  takeError(): WireKitError | null {
    const error = this.pendingError;
    this.pendingError = null;
    return error;
  }

  abstract poll(): PollResult;
  abstract close(): void;
}

export const WOULD_BLOCK: WouldBlock = { kind: 'would-block', errno: 'EAGAIN' };
