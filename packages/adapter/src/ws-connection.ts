import { TextBytes, type Message, type WireKitError } from '@wirekit/core';
import { AdapterConnection, type AdapterConnectionOptions } from './adapter-connection.js';
import { closeArgumentError, libraryError, notOpenError, usageError } from './adapter-errors.js';

/** ws's readyState values (WHATWG's): CONNECTING, OPEN, CLOSING, CLOSED. */
const CONNECTING = 0;
const OPEN = 1;

/** What a `ws` close event carries (its CloseEvent through addEventListener). */
interface WsCloseEvent {
  readonly code: number;
  readonly reason: string;
  readonly wasClean: boolean;
}

/**
 * The part of a `ws` WebSocket (`import { WebSocket } from 'ws'`) the adapter uses, written out
 * so that this file needs neither ws nor Node's types; a ws WebSocket is one.
 */
export interface WsSocketLike {
  readonly readyState: number;
  readonly url: string;
  readonly protocol: string;
  readonly extensions: string;
  readonly bufferedAmount: number;
  send(data: string | Uint8Array, options: { binary: boolean }, callback: (error?: Error | null) => void): void;
  ping(data: Uint8Array, mask: undefined, callback: (error?: Error | null) => void): void;
  close(code?: number, reason?: string): void;
  terminate(): void;
  /** ws ≥ 8.? stops and restarts reading its socket (absent in older versions: then the adapter reads on). */
  pause?(): void;
  resume?(): void;
  on(event: 'message', listener: (data: unknown, isBinary: boolean) => void): unknown;
  on(event: 'ping' | 'pong', listener: (data: Uint8Array) => void): unknown;
  on(event: 'error', listener: (error: Error) => void): unknown;
  on(event: 'open', listener: () => void): unknown;
  addEventListener(type: 'close', listener: (event: WsCloseEvent) => void): void;
  removeEventListener(type: 'close', listener: (event: WsCloseEvent) => void): void;
}

/** Options of {@link fromWs}. */
export interface WsConnectionOptions extends AdapterConnectionOptions {
  /** The URL to report; defaults to the socket's. */
  readonly url?: string;
  /** The subprotocol the server selected, when connectWs negotiated it outside ws; defaults to the socket's. */
  readonly protocol?: string;
  /** The Sec-WebSocket-Extensions the server accepted, parameters included; defaults to the extension names ws reports. */
  readonly extensions?: string;
  /** The upgrade response's headers, names lower-cased (what Starscream's `connected` event carries). */
  readonly responseHeaders?: Readonly<Record<string, string>>;
}

const decoder = new TextDecoder();

/** A ws message (Buffer, ArrayBuffer or Buffer[] by binaryType) as a plain Uint8Array view, without copying when it can. */
function bytesOf(data: unknown): Uint8Array {
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  if (Array.isArray(data)) {
    const parts = data.map(bytesOf);
    const out = new Uint8Array(parts.reduce((total, part) => total + part.length, 0));
    let offset = 0;
    for (const part of parts) {
      out.set(part, offset);
      offset += part.length;
    }
    return out;
  }
  throw usageError('WK_ERR_UNSUPPORTED', 'the ws socket delivers Blobs (binaryType "blob"); the adapter reads nodebuffer, arraybuffer or fragments');
}

/**
 * The WireKit `Connection` over a `ws` WebSocket: ws does the protocol, this class maps its
 * events and callbacks. send() resolves in ws's send callback (the data is written to the
 * socket); ping() resolves on the matching `pong`; terminate() is ws's terminate().
 */
export class WsConnection extends AdapterConnection {
  readonly url: string;
  /** The upgrade response's headers (lower-cased names), or {} when not known (fromWs on a socket opened elsewhere). */
  readonly responseHeaders: Readonly<Record<string, string>>;
  private readonly negotiated: string | undefined;
  private readonly accepted: string | undefined;
  private readonly onClose = (event: WsCloseEvent): void => this.finish({ code: event.code, reason: event.reason, wasClean: event.wasClean });
  private readonly onError = (error: Error): void => {
    const mapped = libraryError(error);
    // ws has already sent the Close for a protocol violation; report its code, not clean.
    if (mapped.closeCode !== null && this.failure === null && this.state !== 'closed') this.failure = mapped;
    this.reportError(mapped);
  };

  constructor(private readonly socket: WsSocketLike, options: WsConnectionOptions = {}) {
    super(socket.readyState === CONNECTING ? 'connecting' : 'open', options);
    if (socket.readyState !== CONNECTING && socket.readyState !== OPEN) throw usageError('WK_ERR_NOT_OPEN', 'fromWs() needs a ws WebSocket that is connecting or open');
    this.url = options.url ?? socket.url;
    this.negotiated = options.protocol;
    this.accepted = options.extensions;
    this.responseHeaders = options.responseHeaders ?? {};
    const textAsBytes = options.textAsBytes === true;
    socket.on('open', () => this.setState('open'));
    socket.on('message', (data, isBinary) => {
      try {
        const bytes = bytesOf(data);
        // ws has validated the UTF-8 of a text (unless told to skip it, which connectWs never does).
        this.deliver(isBinary ? bytes : textAsBytes ? new TextBytes(bytes.buffer as ArrayBuffer, bytes.byteOffset, bytes.length) : decoder.decode(bytes));
      } catch (error) {
        this.reportError(libraryError(error));
      }
    });
    socket.on('ping', (data) => this.pingReceived(bytesOf(data)));
    socket.on('pong', (data) => this.pongReceived(bytesOf(data)));
    socket.on('error', this.onError);
    socket.addEventListener('close', this.onClose);
    if (socket.readyState === OPEN) this.holdInput();
  }

  get protocol(): string {
    return this.negotiated ?? this.socket.protocol;
  }

  get extensions(): string {
    return this.accepted ?? this.socket.extensions;
  }

  get bufferedAmount(): number {
    return this.socket.bufferedAmount;
  }

  protected transmit(data: Message, done: (error?: WireKitError) => void): void {
    if (this.socket.readyState !== OPEN) throw notOpenError();
    this.socket.send(data, { binary: typeof data !== 'string' && !(data instanceof TextBytes) }, (error) => done(error === undefined || error === null ? undefined : libraryError(error)));
  }

  protected transmitPing(payload: Uint8Array): void {
    if (this.socket.readyState !== OPEN) throw notOpenError();
    // The callback reports a write failure, which also ends the connection and rejects the ping.
    this.socket.ping(payload, undefined, () => undefined);
  }

  protected startClose(code: number | undefined, reason: string): void {
    try {
      if (code === undefined) this.socket.close();
      else this.socket.close(code, reason);
    } catch (error) {
      throw closeArgumentError(error, code);
    }
  }

  protected override pauseInput(): void {
    this.socket.pause?.();
  }

  protected override resumeInput(): void {
    // ws ignores it on a socket still connecting or closed.
    this.socket.resume?.();
  }

  protected abort(): void {
    this.socket.removeEventListener('close', this.onClose);
    this.socket.terminate();
  }
}

/**
 * Wraps a `ws` WebSocket (Node) as a WireKit `Connection`. The connection takes the socket
 * over: use it through the Connection from then on. A socket still connecting is reported as
 * `connecting` until ws opens it.
 *
 * @param socket a ws WebSocket that is connecting or open (client or server side).
 * @param options closeTimeout and what connectWs learnt during the handshake.
 * @throws {WireKitError} WK_ERR_NOT_OPEN (domain usage) for a socket already closing or closed.
 * @example
 * ```ts
 * import { WebSocket } from 'ws';
 * const connection = fromWs(new WebSocket('ws://127.0.0.1:8080'));
 * await new Promise((resolve) => connection.on('open', resolve));
 * ```
 */
export function fromWs(socket: WsSocketLike, options: WsConnectionOptions = {}): WsConnection {
  return new WsConnection(socket, options);
}
