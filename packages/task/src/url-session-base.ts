import { type WireKitError, type Connection, type ConnectOptions } from '@wirekit/core';
import { WireKitUsageError } from '@wirekit/protocol';
import { URLRequest } from './url-request.js';
import { checkProtocols, checkURL } from './validate.js';
import { URLSessionConfiguration } from './url-session-configuration.js';
import { URLSessionWebSocketTask } from './web-socket-task.js';

/**
 * `URLSessionWebSocketDelegate` (with the `URLSessionTaskDelegate` and `URLSessionDelegate`
 * callbacks a WebSocket task uses). Every method is optional. The session comes first, as in
 * Swift's `urlSession(_:webSocketTask:didOpenWithProtocol:)`.
 */
export interface URLSessionWebSocketDelegate {
  /** The opening handshake completed; `protocol` is the subprotocol the server chose, or null. */
  didOpenWithProtocol?(session: URLSessionBase, webSocketTask: URLSessionWebSocketTask, protocol: string | null): void;
  /** The closing handshake completed, with the code and reason (UTF-8 bytes, or null) the server sent. */
  didCloseWith?(session: URLSessionBase, webSocketTask: URLSessionWebSocketTask, closeCode: number, reason: Uint8Array | null): void;
  /** The task is over: null after a clean close, otherwise why it failed. Always the last call for a task. */
  didCompleteWithError?(session: URLSessionBase, task: URLSessionWebSocketTask, error: WireKitError | null): void;
  /** The session was invalidated and all its tasks have completed. */
  didBecomeInvalidWithError?(session: URLSessionBase, error: WireKitError | null): void;
}

/**
 * What the Node and browser `URLSession` share: creating tasks, the delegate, invalidation.
 * Each entry point's subclass supplies how a connection is opened on its platform.
 */
export abstract class URLSessionBase {
  /** A copy of the configuration given: changing the original later does not change the session. */
  readonly configuration: URLSessionConfiguration;
  readonly delegate: URLSessionWebSocketDelegate | null;
  private readonly tasks = new Set<URLSessionWebSocketTask>();
  private nextIdentifier = 1;
  private invalidated = false;
  private invalidationReported = false;

  protected constructor(configuration: URLSessionConfiguration = URLSessionConfiguration.default, delegate: URLSessionWebSocketDelegate | null = null) {
    this.configuration = configuration.copy();
    this.delegate = delegate;
  }

  /**
   * Creates a suspended WebSocket task for a ws:, wss:, http: or https: URL, offering
   * `protocols`, or for a {@link URLRequest} whose header fields and timeout it uses (Swift's
   * three `webSocketTask(with:)` overloads). Call `resume()` to connect.
   * @throws {WireKitUsageError} WK_ERR_INVALID_URL for a URL that is not ws:, wss:, http: or
   *   https:, or has a fragment or credentials; WK_ERR_INVALID_PROTOCOL for a subprotocol that
   *   is not a token or is offered twice; WK_ERR_INVALID_ARGUMENT after the session was invalidated.
   * @throws {WireKitError} WK_ERR_UNSUPPORTED for what the platform cannot do (header fields in a browser).
   */
  webSocketTask(target: string | URL | URLRequest, protocols: readonly string[] = []): URLSessionWebSocketTask {
    if (this.invalidated) throw new WireKitUsageError('WK_ERR_INVALID_ARGUMENT', 'the session was invalidated; create a new URLSession');
    const offered = checkProtocols(protocols);
    const request = target instanceof URLRequest ? target : new URLRequest(target);
    checkURL(request.url);
    // Header names are case-insensitive (RFC 9110 §5.1): a request's field replaces the configuration's of any spelling.
    const merged = new URLRequest(request.url, { headers: this.configuration.httpAdditionalHeaders });
    for (const [name, value] of Object.entries(request.allHTTPHeaderFields)) merged.setValue(value, name);
    const headers = merged.allHTTPHeaderFields;
    this.checkSupported(headers);
    const task = new URLSessionWebSocketTask(this, {
      taskIdentifier: this.nextIdentifier++,
      request,
      protocols: offered,
      headers,
      timeoutInterval: request.timeoutInterval ?? this.configuration.timeoutIntervalForRequest,
      open: (url, options) => this.openConnection(url, options),
    });
    this.tasks.add(task);
    return task;
  }

  /** The tasks not completed yet (`getAllTasks`, synchronously). */
  get allTasks(): URLSessionWebSocketTask[] {
    return [...this.tasks];
  }

  /** Cancels every task and invalidates the session: no new task can be created. */
  invalidateAndCancel(): void {
    this.invalidated = true;
    for (const task of [...this.tasks]) task.cancel();
    this.reportInvalidIfDone();
  }

  /** Lets running tasks finish, but no new task can be created. */
  finishTasksAndInvalidate(): void {
    this.invalidated = true;
    this.reportInvalidIfDone();
  }

  /** @internal Called by a task when it completes. */
  taskDidComplete(task: URLSessionWebSocketTask): void {
    this.tasks.delete(task);
    this.reportInvalidIfDone();
  }

  /** Opens a connection on this platform. */
  protected abstract openConnection(url: string, options: ConnectOptions): Promise<Connection>;

  /** Throws WK_ERR_UNSUPPORTED for what this platform cannot send; by default everything is supported. */
  protected checkSupported(headers: Readonly<Record<string, string>>): void {
    void headers;
  }

  private reportInvalidIfDone(): void {
    if (!this.invalidated || this.tasks.size > 0 || this.invalidationReported) return;
    this.invalidationReported = true;
    this.delegate?.didBecomeInvalidWithError?.(this, null);
  }
}
