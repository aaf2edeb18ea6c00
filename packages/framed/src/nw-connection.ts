import { networkInterfaces } from 'node:os';
import { keepAlive, systemClock, WireKitError, type CloseInfo, type Clock, type Message } from '@wirekit/core';
import { assertNever, CloseCode, concat, WireKitUsageError } from '@wirekit/protocol';
import { clientOpener, type TransportOpener } from './client-opener.js';
import { ContentContext } from './content-context.js';
import type { NWEndpoint } from './nw-endpoint.js';
import { NWError } from './nw-error.js';
import type { NWParameters } from './nw-parameters.js';
import { BetterPathWatcher, pathOf, type InterfaceSource, type NWPath } from './nw-path.js';
import { NWProtocolWebSocket, type NWWebSocketOpcode } from './nw-protocol-websocket.js';
import type { OpenedTransport } from './open-transport.js';
import { ReceiveQueue, type NWReceiveCompletion } from './receive-queue.js';

/** The life of an {@link NWConnection} (Swift `NWConnection.State`). */
export type NWConnectionState =
  | { readonly kind: 'setup' }
  | { readonly kind: 'preparing' }
  | { readonly kind: 'ready' }
  /** Never entered: Node has no path evaluator to wait on, so a failure before `ready` is `failed`. */
  | { readonly kind: 'waiting'; readonly error: NWError }
  | { readonly kind: 'failed'; readonly error: NWError }
  | { readonly kind: 'cancelled' };

/** Called when the stack has processed a send, with the error that stopped it, if any. */
export type NWSendCompletion = (error: NWError | null) => void;

/** Options of {@link NWConnection.send}. */
export interface NWSendOptions {
  /** Default `ContentContext.defaultMessage`: Text for a string, Binary for bytes. */
  readonly contentContext?: ContentContext;
  /** Default true. False leaves the message open: the next send with isComplete continues it. */
  readonly isComplete?: boolean;
  readonly completion?: NWSendCompletion;
}

/** Injected seams of an {@link NWConnection}, for tests (STYLE.md §10). */
export interface NWConnectionEnvironment {
  /** Timers and time; default core's `systemClock`. */
  readonly clock?: Clock;
  /** The interface list behind `currentPath` and better-path polling; default `os.networkInterfaces`. */
  readonly networkInterfaces?: InterfaceSource;
  /** ms between interface polls while a `betterPathUpdateHandler` is set. Default 5 000: a path change is noticed within seconds at negligible cost. */
  readonly pathPollInterval?: number;
}

const openers = new WeakMap<NWConnection, TransportOpener>();

/** Gives a connection the opener it runs on `start()` (NWListener's accepted connections). */
export function adoptOpener(connection: NWConnection, opener: TransportOpener): void {
  openers.set(connection, opener);
}

const encoder = new TextEncoder();
const EMPTY = new Uint8Array(0);

function receivedContext(opcode: NWWebSocketOpcode, closeCode?: number): ContentContext {
  const metadata = new NWProtocolWebSocket.Metadata(opcode);
  if (closeCode !== undefined) metadata.closeCode = closeCode;
  return new ContentContext({ identifier: opcode, metadata: [metadata] });
}

function bytesOf(content: Uint8Array | string | null): Uint8Array {
  if (content === null) return EMPTY;
  return typeof content === 'string' ? encoder.encode(content) : content;
}

/** The message to send for content and an opcode: `text` makes a string, `binary` bytes, none keeps the type. */
function messageOf(content: Uint8Array | string, opcode: NWWebSocketOpcode | undefined): Message {
  if (opcode === 'text' && typeof content !== 'string') {
    try {
      return new TextDecoder('utf-8', { fatal: true }).decode(content);
    } catch {
      throw new WireKitUsageError('WK_ERR_INVALID_ARGUMENT', 'text content must be valid UTF-8 (send text fragments as strings)');
    }
  }
  if (opcode === 'binary' && typeof content === 'string') return encoder.encode(content);
  return content;
}

/**
 * A connection in the style of Network.framework's `NWConnection`: WebSocket (put
 * `NWProtocolWebSocket.Options` first in the parameters' application protocols), framed TCP (an
 * `NWProtocolFramer.Options`), or a raw byte stream, over TCP or TLS. It runs on core's
 * `EngineConnection` or `framedConnection`; this class only maps the Apple API onto them.
 *
 * Handlers run on Node's event loop (there is no `queue` argument); receive and send completions
 * always run on a later microtask, never inside the call.
 *
 * @see https://developer.apple.com/documentation/network/nwconnection
 */
export class NWConnection {
  /** `new NWConnection.ContentContext({ metadata: [...] })`, `NWConnection.ContentContext.finalMessage`. */
  static readonly ContentContext = ContentContext;

  /** Receives every state change after the initial `setup`. */
  stateUpdateHandler: ((state: NWConnectionState) => void) | null = null;
  /**
   * Receives false when a WebSocket stops answering pings, true when it answers again. Driven by
   * core's keep-alive, which runs when `parameters.tcpOptions.enableKeepalive` is true.
   */
  viabilityUpdateHandler: ((isViable: boolean) => void) | null = null;

  private current: NWConnectionState = { kind: 'setup' };
  private transport: OpenedTransport | null = null;
  private readonly inbox: ReceiveQueue;
  private readonly queued: Array<{ readonly run: () => void; readonly completion: NWSendCompletion }> = [];
  private readonly aborter = new AbortController();
  private cancelling = false;
  private lastError: NWError | null = null;
  private stopKeepAlive: (() => void) | null = null;
  private betterPath: ((better: boolean) => void) | null = null;
  private watcher: BetterPathWatcher | null = null;
  /** Framed TCP has no fragments: parts of an open message wait here until it is complete. */
  private readonly parts: Uint8Array[] = [];
  private partOpen = false;
  private readonly clock: Clock;

  /**
   * @param endpoint where to connect (`NWEndpoint.hostPort` or `NWEndpoint.url`).
   * @param parameters TCP or TLS, and the application protocol stack.
   * @param environment injected clock and interface source; see {@link NWConnectionEnvironment}.
   */
  constructor(
    readonly endpoint: NWEndpoint,
    readonly parameters: NWParameters,
    private readonly environment: NWConnectionEnvironment = {},
  ) {
    this.clock = environment.clock ?? systemClock;
    this.inbox = new ReceiveQueue(parameters.stackKind.kind === 'stream');
  }

  get state(): NWConnectionState {
    return this.current;
  }

  /** The path in use once ready (its interfaces and endpoints), else null. */
  get currentPath(): NWPath | null {
    if (this.transport === null) return null;
    return pathOf(this.transport.socket, this.environment.networkInterfaces);
  }

  /**
   * Receives true when a network interface comes up that was not there when the handler was set
   * (Apple's advice: open a new connection, then cancel this one), false when it is gone again.
   * Node has no path events, so the interface list is polled, only while a handler is set.
   */
  get betterPathUpdateHandler(): ((better: boolean) => void) | null {
    return this.betterPath;
  }

  set betterPathUpdateHandler(handler: ((better: boolean) => void) | null) {
    this.betterPath = handler;
    this.watcher?.stop();
    this.watcher = null;
    if (handler === null || this.isOver()) return;
    const source = this.environment.networkInterfaces ?? networkInterfaces;
    this.watcher = new BetterPathWatcher((better) => this.betterPath?.(better), source, this.environment.pathPollInterval ?? 5_000, this.clock);
  }

  /**
   * Starts connecting: `preparing`, then `ready` (or `failed`).
   *
   * @throws {WireKitUsageError} WK_ERR_INVALID_ARGUMENT when the connection was already started or cancelled.
   */
  start(): void {
    if (this.current.kind !== 'setup') throw new WireKitUsageError('WK_ERR_INVALID_ARGUMENT', `start() in state ${this.current.kind}: a connection starts once`);
    const opener = openers.get(this) ?? clientOpener(this.endpoint, this.parameters, this.clock);
    this.setState({ kind: 'preparing' });
    let opening: Promise<OpenedTransport>;
    try {
      opening = opener(this.aborter.signal);
    } catch (error) {
      opening = Promise.reject(error);
    }
    opening.then(
      (transport) => this.opened(transport),
      (error: unknown) => {
        if (!this.isOver()) this.setState({ kind: 'failed', error: NWError.from(error) });
      },
    );
  }

  /** Closes gracefully (a WebSocket Close with 1000, a FIN on TCP), then `cancelled`. */
  cancel(): void {
    this.stop(false);
  }

  /** Closes the transport now, without a closing handshake, then `cancelled`. */
  forceCancel(): void {
    this.stop(true);
  }

  /**
   * Sends content in a message (Swift `send(content:contentContext:isComplete:completion:)`).
   * Sends made before `ready` wait for it. The context's WebSocket metadata picks the opcode:
   * `text`/`binary` (default by content type), `close` (with `closeCode`; the content is the
   * reason), `ping` (its pong handler runs on the pong), `pong`. `isComplete: false` sends a
   * fragment (core's `sendPart`); `ContentContext.finalMessage` closes after the content.
   * Failures, including misuse such as an invalid close code, arrive in the completion.
   */
  send(content: Uint8Array | string | null, options: NWSendOptions = {}): void {
    const context = options.contentContext ?? ContentContext.defaultMessage;
    const isComplete = options.isComplete ?? true;
    const completion = options.completion ?? (() => undefined);
    const run = (): void => this.transmit(content, context, isComplete, completion);
    const state = this.current;
    switch (state.kind) {
      case 'setup':
      case 'preparing':
      case 'waiting':
        this.queued.push({ run, completion });
        return;
      case 'ready':
        run();
        return;
      case 'failed':
      case 'cancelled':
        queueMicrotask(() => completion(this.terminalError()));
        return;
      default:
        assertNever(state);
    }
  }

  /** One-shot: the next whole message with its context (opcode, close code); see {@link NWReceiveCompletion}. */
  receiveMessage(completion: NWReceiveCompletion): void {
    this.inbox.receiveMessage(completion);
  }

  /**
   * One-shot: up to `maximumLength` bytes. On WebSocket and framed connections, bytes of the
   * current message (isComplete at its last byte); on a raw TCP stream, at least
   * `minimumIncompleteLength` bytes across chunks (isComplete only at the end of the stream).
   *
   * @throws {WireKitUsageError} WK_ERR_INVALID_ARGUMENT unless 0 ≤ minimum ≤ maximum and maximum ≥ 1.
   */
  receive(minimumIncompleteLength: number, maximumLength: number, completion: NWReceiveCompletion): void {
    const valid = Number.isInteger(minimumIncompleteLength) && Number.isInteger(maximumLength) && minimumIncompleteLength >= 0 && maximumLength >= 1 && minimumIncompleteLength <= maximumLength;
    if (!valid) throw new WireKitUsageError('WK_ERR_INVALID_ARGUMENT', `receive(${minimumIncompleteLength}, ${maximumLength}): need integers 0 ≤ minimum ≤ maximum, maximum ≥ 1`);
    this.inbox.receive(minimumIncompleteLength, maximumLength, completion);
  }

  private opened(transport: OpenedTransport): void {
    const { connection } = transport;
    if (this.isOver()) {
      connection.terminate();
      return;
    }
    this.transport = transport;
    const websocket = transport.kind === 'websocket';
    const stackKind = this.parameters.stackKind;
    if (stackKind.kind === 'websocket' && !stackKind.options.autoReplyPing) {
      connection.on('ping', (payload) => this.inbox.push(payload, receivedContext('ping')));
    }
    connection.on('error', (error) => {
      this.lastError ??= error;
    });
    const streamContext = stackKind.kind === 'stream' ? ContentContext.defaultStream : ContentContext.defaultMessage;
    // Pull through receive(), and only while a receive call waits: unread messages stay in
    // core, which stops reading the socket past its receiveHighWaterMark. Once the connection
    // has closed, what core still holds is moved here before the close is reported.
    let over = false;
    void connection.closed.then(() => (over = true));
    void (async () => {
      for (;;) {
        if (!over) await Promise.race([this.inbox.demand(), connection.closed]);
        const message = await connection.receive();
        const context = websocket ? receivedContext(typeof message === 'string' ? 'text' : 'binary') : streamContext;
        this.inbox.push(bytesOf(message), context);
      }
    })()
      .catch(() => undefined)
      .then(() => connection.closed)
      .then((info) => this.closed(info));
    this.setState({ kind: 'ready' });
    if (websocket && this.parameters.tcpOptions.enableKeepalive) {
      const tcp = this.parameters.tcpOptions;
      this.stopKeepAlive = keepAlive(transport.connection, {
        interval: tcp.keepaliveIdle * 1000,
        timeout: tcp.keepaliveInterval * 1000,
        clock: this.clock,
        viability: (viable) => this.viabilityUpdateHandler?.(viable),
      });
    }
    for (const { run } of this.queued.splice(0)) run();
  }

  private closed(info: CloseInfo): void {
    if (this.isOver()) return;
    if (this.cancelling) {
      this.setState({ kind: 'cancelled' });
      return;
    }
    const error = this.lastError ?? (info.wasClean ? null : NWError.posix('ECONNRESET', `The connection ended without a closing handshake (${info.code})`));
    if (error === null) {
      // The peer's Close, as Apple delivers it: a `close` message whose content is the reason;
      // the end of a framed or raw TCP stream: empty content in the final context.
      if (this.transport?.kind === 'websocket') this.inbox.push(encoder.encode(info.reason), receivedContext('close', info.code));
      else this.inbox.push(null, ContentContext.finalMessage);
    }
    this.inbox.finish(error ?? new WireKitError('WK_ERR_CLOSED', `The connection closed (${info.code})`, { closeCode: info.code }));
    this.setState(error === null ? { kind: 'cancelled' } : { kind: 'failed', error });
  }

  private stop(force: boolean): void {
    if (this.isOver() || this.cancelling) return;
    this.cancelling = true;
    const transport = this.transport;
    if (transport === null) {
      this.aborter.abort();
      this.setState({ kind: 'cancelled' });
      return;
    }
    if (force) transport.connection.terminate();
    else transport.connection.close(CloseCode.Normal).catch(() => transport.connection.terminate());
  }

  private transmit(content: Uint8Array | string | null, context: ContentContext, isComplete: boolean, completion: NWSendCompletion): void {
    const report = (promise: Promise<unknown>): void => {
      promise.then(
        () => completion(null),
        (error: unknown) => completion(NWError.from(error)),
      );
    };
    const transport = this.transport!;
    const { connection } = transport;
    try {
      const metadata = context.webSocketMetadata;
      const opcode = metadata?.opcode;
      if (opcode === 'close' || (context.isFinal && content === null)) {
        const reason = content === null ? '' : typeof content === 'string' ? content : new TextDecoder().decode(content);
        report(connection.close(metadata?.closeCode ?? CloseCode.Normal, reason));
      } else if (opcode === 'ping') {
        connection.ping(bytesOf(content)).then(
          () => metadata?.pongHandler?.(null),
          (error: unknown) => metadata?.pongHandler?.(NWError.from(error)),
        );
        queueMicrotask(() => completion(null));
      } else if (opcode === 'pong') {
        if (transport.kind !== 'websocket') throw new WireKitError('WK_ERR_UNSUPPORTED', 'pong on a framed connection');
        report(Promise.resolve(transport.connection.pong(bytesOf(content))));
      } else {
        const sent = this.sendData(content === null ? null : messageOf(content, opcode), isComplete);
        report(context.isFinal ? sent.then(() => connection.close(CloseCode.Normal)) : sent);
      }
    } catch (error) {
      queueMicrotask(() => completion(NWError.from(error)));
    }
  }

  private sendData(data: Message | null, isComplete: boolean): Promise<void> {
    const transport = this.transport!;
    const fragmented = !isComplete || this.partOpen;
    this.partOpen = !isComplete;
    if (!fragmented) return data === null ? Promise.resolve() : transport.connection.send(data);
    if (transport.kind === 'websocket') return transport.connection.sendPart(data ?? EMPTY, isComplete);
    this.parts.push(bytesOf(data));
    if (!isComplete) return Promise.resolve();
    const parts = this.parts.splice(0);
    return transport.connection.send(concat(parts, parts.reduce((sum, part) => sum + part.length, 0)));
  }

  private isOver(): boolean {
    return this.current.kind === 'failed' || this.current.kind === 'cancelled';
  }

  private terminalError(): NWError {
    if (this.current.kind === 'failed') return this.current.error;
    return new WireKitError('WK_ERR_NOT_OPEN', 'The connection is cancelled', { errno: 'ECANCELED' });
  }

  private setState(state: NWConnectionState): void {
    this.current = state;
    if (this.isOver()) {
      this.stopKeepAlive?.();
      this.stopKeepAlive = null;
      this.watcher?.stop();
      this.watcher = null;
      const error = this.terminalError();
      if (state.kind === 'cancelled' && this.cancelling) this.inbox.abort(NWError.posix('ECANCELED', 'The connection was cancelled'));
      else this.inbox.finish(error);
      for (const { completion } of this.queued.splice(0)) queueMicrotask(() => completion(error));
    }
    this.stateUpdateHandler?.(state);
  }
}
