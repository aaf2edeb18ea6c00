import { toWireKitError, WireKitError, type CloseInfo, type Connection, type ConnectOptions, type Message } from '@wirekit/core';
import { CloseCode, encodeClosePayload, WireKitUsageError } from '@wirekit/protocol';
import { fromWire, toWire, type URLSessionResult, type URLSessionWebSocketTaskMessage, type URLSessionWebSocketTaskSendable } from './message.js';
import type { URLRequest } from './url-request.js';
import type { URLSessionBase, URLSessionWebSocketDelegate } from './url-session-base.js';

/** `URLSessionTask.State`: a task starts `suspended`, runs after resume(), and ends `completed`. */
export type URLSessionTaskState = 'running' | 'suspended' | 'canceling' | 'completed';

/** What a session gives the task it creates. */
export interface WebSocketTaskInit {
  readonly taskIdentifier: number;
  readonly request: URLRequest;
  readonly protocols: readonly string[];
  /** Header fields of the handshake: the configuration's, then the request's. */
  readonly headers: Readonly<Record<string, string>>;
  /** Seconds for the connect and handshake. */
  readonly timeoutInterval: number;
  /** Opens the connection on the session's platform (the engine in Node, the native WebSocket in browsers). */
  readonly open: (url: string, options: ConnectOptions) => Promise<Connection>;
}

/**
 * `URLSessionWebSocketTask.maximumMessageSize` default: 1 MiB, Apple's (`1 * 1024 * 1024` in
 * swift-corelibs-foundation), so code ported from Swift fails where it failed on iOS.
 */
const DEFAULT_MAXIMUM_MESSAGE_SIZE = 1024 * 1024;

/** `URLSessionWebSocketTask.CloseCode`: `invalid` (0, no code) and the RFC 6455 codes by Apple's names. */
const APPLE_CLOSE_CODES = {
  invalid: 0,
  normalClosure: CloseCode.Normal,
  goingAway: CloseCode.GoingAway,
  protocolError: CloseCode.ProtocolError,
  unsupportedData: CloseCode.UnsupportedData,
  noStatusReceived: CloseCode.NoStatusReceived,
  abnormalClosure: CloseCode.Abnormal,
  invalidFramePayloadData: CloseCode.InvalidPayload,
  policyViolation: CloseCode.PolicyViolation,
  messageTooBig: CloseCode.MessageTooBig,
  mandatoryExtensionMissing: CloseCode.MandatoryExtension,
  internalServerError: CloseCode.InternalError,
  tlsHandshakeFailure: CloseCode.TlsHandshake,
} as const;

const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const utf8 = new TextEncoder();

/**
 * `URLSessionWebSocketTask`: a WebSocket client task, created by a session's `webSocketTask()`.
 * It starts `suspended`; `resume()` connects. Sends, receives and pings made before the
 * handshake completes wait for it, as Apple's do. Every operation has a completion-handler
 * form (as Swift's) and, when the handler is left out, a promise form (as Swift's `async`).
 *
 * `receive()` is one-shot: it delivers one whole message, and must be called again for the next.
 * Messages that arrive meanwhile are kept, in order, for the next call.
 */
export class URLSessionWebSocketTask {
  static readonly CloseCode = APPLE_CLOSE_CODES;
  readonly taskIdentifier: number;
  readonly originalRequest: URLRequest;
  /** Called before the session's delegate for this task's events (`URLSessionTask.delegate`, iOS 15). */
  delegate: URLSessionWebSocketDelegate | null = null;
  private readonly session: URLSessionBase;
  private readonly init: WebSocketTaskInit;
  private readonly abort = new AbortController();
  private readonly opened: Promise<Connection>;
  private resolveOpened!: (connection: Connection) => void;
  private rejectOpened!: (error: WireKitError) => void;
  private connection: Connection | null = null;
  private currentState: URLSessionTaskState = 'suspended';
  private maxSize = DEFAULT_MAXIMUM_MESSAGE_SIZE;
  private failure: WireKitError | null = null;
  private receivedCode = 0;
  private receivedReason: Uint8Array | null = null;

  /** @internal Use `session.webSocketTask()`. */
  constructor(session: URLSessionBase, init: WebSocketTaskInit) {
    this.session = session;
    this.init = init;
    this.taskIdentifier = init.taskIdentifier;
    this.originalRequest = init.request;
    this.opened = new Promise<Connection>((resolve, reject) => {
      this.resolveOpened = resolve;
      this.rejectOpened = reject;
    });
    this.opened.catch(() => undefined);
  }

  get state(): URLSessionTaskState {
    return this.currentState;
  }

  /** The close code received, or 0 (`.invalid`) while open; 1005 for a Close without a code, 1006 when none came. */
  get closeCode(): number {
    return this.receivedCode;
  }

  /** The close reason received, as UTF-8 bytes (Swift's `Data?`), or null when there was none. */
  get closeReason(): Uint8Array | null {
    return this.receivedReason;
  }

  /** Why the task failed (`URLSessionTask.error`), or null. */
  get error(): WireKitError | null {
    return this.failure;
  }

  /** Largest message `receive()` accepts, summed over its frames; 1 MiB by default, as Apple's. A larger one fails the task with 1009. */
  get maximumMessageSize(): number {
    return this.maxSize;
  }

  /**
   * @throws {WireKitUsageError} WK_ERR_INVALID_ARGUMENT unless a positive integer.
   * @throws {WireKitError} WK_ERR_UNSUPPORTED after resume(): the limit is fixed when the connection opens.
   */
  set maximumMessageSize(bytes: number) {
    if (!Number.isSafeInteger(bytes) || bytes <= 0) throw new WireKitUsageError('WK_ERR_INVALID_ARGUMENT', 'maximumMessageSize must be a positive integer');
    if (this.currentState !== 'suspended') throw new WireKitError('WK_ERR_UNSUPPORTED', 'set maximumMessageSize before resume()', { domain: 'usage' });
    this.maxSize = bytes;
  }

  /** Starts the connect and opening handshake; a task that already started or ended ignores it. */
  resume(): void {
    if (this.currentState !== 'suspended') return;
    this.currentState = 'running';
    const { init } = this;
    const options: ConnectOptions = {
      protocols: init.protocols,
      ...(Object.keys(init.headers).length === 0 ? {} : { headers: init.headers }),
      connectTimeout: init.timeoutInterval * 1000,
      maxMessageSize: this.maxSize,
      signal: this.abort.signal,
    };
    let pending: Promise<Connection>;
    try {
      pending = init.open(this.originalRequest.url.href, options);
    } catch (error) {
      return this.complete(toWireKitError(error));
    }
    pending.then(
      (connection) => this.onOpen(connection),
      (error: unknown) => this.complete(toWireKitError(error)),
    );
  }

  /**
   * Sends one whole message: `{ type: 'string' }` or a string as Text, `{ type: 'data' }` or a
   * Uint8Array as Binary. With a handler it is called once, with null or the error (Swift's
   * `send(_:completionHandler:)`); without one, a promise (Swift's `send(_:) async throws`).
   * Fails with WK_ERR_NOT_OPEN after cancel() or completion, and WK_ERR_INVALID_ARGUMENT (domain
   * usage) for anything that is not a message: never a synchronous throw.
   */
  send(message: URLSessionWebSocketTaskSendable): Promise<void>;
  send(message: URLSessionWebSocketTaskSendable, completionHandler: (error: WireKitError | null) => void): void;
  send(message: URLSessionWebSocketTaskSendable, completionHandler?: (error: WireKitError | null) => void): Promise<void> | void {
    let done: Promise<void>;
    try {
      const data: Message = toWire(message);
      done = this.whenOpen((connection) => connection.send(data));
    } catch (error) {
      done = quiet(Promise.reject(toWireKitError(error)));
    }
    if (completionHandler === undefined) return done;
    done.then(() => completionHandler(null), (error: WireKitError) => completionHandler(error));
  }

  /**
   * Receives the next message, once. With a handler it gets a {@link URLSessionResult}
   * (Swift's `Result<Message, Error>`); without one, a promise. Fails with the task's error
   * (WK_ERR_MESSAGE_TOO_LARGE over maximumMessageSize, for example) or WK_ERR_CLOSED once the
   * task is over and no message is left.
   */
  receive(): Promise<URLSessionWebSocketTaskMessage>;
  receive(completionHandler: (result: URLSessionResult<URLSessionWebSocketTaskMessage>) => void): void;
  receive(completionHandler?: (result: URLSessionResult<URLSessionWebSocketTaskMessage>) => void): Promise<URLSessionWebSocketTaskMessage> | void {
    const done = this.whenOpen((connection) => connection.receive(), true).then(fromWire);
    if (completionHandler === undefined) return quiet(done);
    done.then(
      (value) => completionHandler({ kind: 'success', value }),
      (error: WireKitError) => completionHandler({ kind: 'failure', error }),
    );
  }

  /**
   * Sends a Ping; the handler is called with null when its Pong arrives, or with the error
   * (WK_ERR_CLOSED when the connection is lost first; WK_ERR_UNSUPPORTED in browsers, which
   * cannot ping). Without a handler, a promise.
   */
  sendPing(): Promise<void>;
  sendPing(pongReceiveHandler: (error: WireKitError | null) => void): void;
  sendPing(pongReceiveHandler?: (error: WireKitError | null) => void): Promise<void> | void {
    const done = this.whenOpen((connection) => connection.ping().then(() => undefined));
    if (pongReceiveHandler === undefined) return done;
    done.then(() => pongReceiveHandler(null), (error: WireKitError) => pongReceiveHandler(error));
  }

  /**
   * Closes with this code and reason (`cancel(with:reason:)`); with no code, or 0 (`.invalid`),
   * a Close without a status, as Swift's plain `cancel()`. Before the connection opens it aborts
   * the connect and the task completes with WK_ERR_ABORTED. Later calls are ignored. A valid
   * code the platform refuses (a browser sends only 1000 and 3000–4999: its close() rejects
   * WK_ERR_UNSUPPORTED, sending nothing) gives a Close without a status, so the task still ends.
   * @throws {WireKitUsageError} WK_ERR_INVALID_CLOSE_CODE for a code that may not be sent
   *   (1005, 1006, 1015…), WK_ERR_CLOSE_REASON_TOO_LONG over 123 bytes, WK_ERR_INVALID_ARGUMENT
   *   for a reason that is not UTF-8 or comes without a code.
   */
  cancel(closeCode?: number, reason?: Uint8Array | string | null): void {
    const code = closeCode === undefined || closeCode === APPLE_CLOSE_CODES.invalid ? undefined : closeCode;
    const text = reasonText(reason);
    encodeClosePayload(code, text);
    if (this.currentState === 'canceling' || this.currentState === 'completed') return;
    const connection = this.connection;
    if (connection === null) {
      if (this.currentState === 'suspended') return this.complete(new WireKitError('WK_ERR_ABORTED', 'the task was cancelled before it started', { errno: 'ECANCELED' }));
      this.currentState = 'canceling';
      this.abort.abort();
      return;
    }
    const closing = code === undefined ? connection.close() : connection.close(code, text);
    closing.catch(() => void (connection.state === 'open' && quiet(connection.close())));
    this.currentState = 'canceling';
  }

  /** Runs `operation` on the open connection, or once it opens; errors become the task's. */
  private whenOpen<T>(operation: (connection: Connection) => Promise<T>, allowAfterClose = false): Promise<T> {
    const open = this.currentState === 'running' || this.currentState === 'suspended' || allowAfterClose;
    if (!open) return quiet(Promise.reject(this.failure ?? new WireKitError('WK_ERR_NOT_OPEN', `the task is ${this.currentState}`, { domain: 'usage' })));
    const run = (connection: Connection): Promise<T> => operation(connection).catch((error: unknown) => Promise.reject(this.explain(error)));
    return quiet(this.connection !== null ? run(this.connection) : this.opened.then(run));
  }

  /** A connection's WK_ERR_CLOSED says less than the failure that closed it: report the failure. */
  private explain(error: unknown): WireKitError {
    const wireKitError = toWireKitError(error);
    if (wireKitError.code !== 'WK_ERR_CLOSED') return wireKitError;
    return this.failure ?? (this.connection === null ? null : errorOf(this.connection)) ?? wireKitError;
  }

  private onOpen(connection: Connection): void {
    if (this.currentState !== 'running') {
      connection.terminate();
      return this.complete(new WireKitError('WK_ERR_ABORTED', 'the task was cancelled while connecting', { errno: 'ECANCELED' }));
    }
    this.connection = connection;
    connection.on('error', (error) => (this.failure ??= error));
    // The first frames can arrive with the handshake response and fail the connection before
    // the factory's promise settles: `closed` still resolves, and the transports keep the error.
    void connection.closed.then((info) => {
      this.failure ??= errorOf(connection);
      this.onClose(info);
    });
    this.resolveOpened(connection);
    const protocol = connection.protocol === '' ? null : connection.protocol;
    this.notify((delegate) => delegate.didOpenWithProtocol?.(this.session, this, protocol));
  }

  private onClose(info: CloseInfo): void {
    this.receivedCode = info.code;
    this.receivedReason = info.reason === '' ? null : utf8.encode(info.reason);
    if (info.wasClean) {
      this.notify((delegate) => delegate.didCloseWith?.(this.session, this, info.code, this.receivedReason));
      this.complete(this.failure);
    } else {
      this.complete(this.failure ?? new WireKitError('WK_ERR_CLOSED', `the connection closed without a closing handshake (${info.code})`, { closeCode: info.code }));
    }
  }

  /** The task is over: pending and later operations fail, the delegates hear it once. */
  private complete(error: WireKitError | null): void {
    if (this.currentState === 'completed') return;
    this.currentState = 'completed';
    this.failure = error;
    this.rejectOpened(error ?? new WireKitError('WK_ERR_NOT_OPEN', 'the task completed', { domain: 'usage' }));
    this.notify((delegate) => delegate.didCompleteWithError?.(this.session, this, error));
    this.session.taskDidComplete(this);
  }

  /** Calls the task's delegate, then the session's. */
  private notify(call: (delegate: URLSessionWebSocketDelegate) => void): void {
    const shared = this.session.delegate;
    for (const delegate of shared === this.delegate ? [shared] : [this.delegate, shared]) {
      if (delegate === null) continue;
      try {
        call(delegate);
      } catch (error) {
        // A throwing delegate is the app's bug: surface it as an uncaught error, as a throwing
        // event listener is, without leaving the task half-completed.
        queueMicrotask(() => {
          throw error;
        });
      }
    }
  }
}

/** The first error a connection reported, where it keeps one (EngineConnection, WebSocketConnection do), or null. */
function errorOf(connection: Connection): WireKitError | null {
  const error = (connection as { readonly error?: unknown }).error;
  return error instanceof WireKitError ? error : null;
}

function reasonText(reason: Uint8Array | string | null | undefined): string {
  if (reason === undefined || reason === null) return '';
  if (typeof reason === 'string') return reason;
  if (!(reason instanceof Uint8Array)) throw new WireKitUsageError('WK_ERR_INVALID_ARGUMENT', 'a close reason is a string or UTF-8 bytes');
  try {
    return strictUtf8.decode(reason);
  } catch {
    throw new WireKitUsageError('WK_ERR_INVALID_ARGUMENT', 'a close reason must be UTF-8 (RFC 6455 §5.5.1)');
  }
}

function quiet<T>(promise: Promise<T>): Promise<T> {
  promise.catch(() => undefined);
  return promise;
}
