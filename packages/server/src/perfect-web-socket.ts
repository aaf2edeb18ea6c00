import { systemClock, toWireKitError, type Clock, type EngineConnection, type Message, type WireKitError } from '@wirekit/core';

/** Perfect's `WebSocket.OpcodeType`, as strings. Reads only ever report text, binary or invalid. */
export type OpcodeType = 'continuation' | 'text' | 'binary' | 'close' | 'ping' | 'pong' | 'invalid';

/**
 * A read's continuation: the message (null after a timeout or when the connection ended, with
 * opcode `invalid`), its opcode, and whether it is final.
 */
export type ReadContinuation<T> = (data: T | null, opcode: OpcodeType, final: boolean) => void;

/** A send's completion: called once the bytes are handed to the OS, or with the error that stopped them. */
export type SendCompletion = (error?: WireKitError) => void;

/** Options of {@link PerfectWebSocket}. */
export interface PerfectWebSocketOptions {
  /** Time source for `readTimeoutSeconds`; defaults to the system clock. */
  readonly clock?: Clock;
  /** Where errors thrown by the application's own callbacks go (the server's `error` event). */
  readonly onError?: (error: WireKitError) => void;
}

interface PendingRead {
  readonly deliver: (message: Message | null) => void;
  timer: unknown;
}

const decoder = new TextDecoder('utf-8', { fatal: true });
const encoder = new TextEncoder();

/**
 * Perfect-WebSockets' `WebSocket` class, mapped thinly onto a WireKit connection: one-shot
 * reads with continuations, sends with completions, `final: false` for fragments.
 *
 * Differences from Perfect, each on purpose: a read delivers one whole message (the engine
 * reassembles fragments and checks UTF-8), so `final` is always true; a completion receives the
 * error of a failed send instead of being called as if it had worked. Messages that arrive
 * before a read is pending wait in the connection (held for its first consumer, which stops
 * reading the socket past its receiveHighWaterMark), so a client that outruns its session
 * cannot fill memory.
 *
 * A pending read is a `message` listener on the connection, so its continuation runs in the
 * engine's delivery, synchronously, as a `connection` event listener does: a session's answer
 * to a message is written before anything the engine decodes after it (a violation's Close
 * included), and a read costs no promise. The listener is removed as soon as no read is pending.
 */
export class PerfectWebSocket {
  /**
   * Seconds a read waits before its continuation gets null; negative means no timeout.
   * Defaults to -1 (Perfect's `NetEvent.noTimeout`): a session decides how long silence may last.
   * A read that timed out consumes nothing: the next message goes to the next read.
   */
  readTimeoutSeconds = -1;
  /** The underlying connection, for anything this API does not map (events, ping RTT). */
  readonly connection: EngineConnection;
  readonly #readers: PendingRead[] = [];
  readonly #clock: Clock;
  readonly #onError: ((error: WireKitError) => void) | undefined;
  /** Removes the `message` listener, while one is attached (a read is pending); else null. */
  #stopListening: (() => void) | null = null;
  #fragmenting = false;
  readonly #onMessage = (message: Message): void => {
    const reader = this.#readers.shift();
    if (this.#readers.length === 0) this.#unlisten();
    reader?.deliver(message);
  };

  /** Reads pull from `connection` (its receive()); messages wait there until a read asks. */
  constructor(connection: EngineConnection, options: PerfectWebSocketOptions = {}) {
    this.connection = connection;
    this.#clock = options.clock ?? systemClock;
    this.#onError = options.onError;
    connection.on('close', () => {
      this.#unlisten();
      for (const reader of this.#readers.splice(0)) reader.deliver(null);
    });
  }

  /** Whether the connection is open (Perfect's `isConnected`). */
  get isConnected(): boolean {
    return this.connection.state === 'open';
  }

  /** Reads the next message as a string: a binary one is decoded as UTF-8 (null if it is not). */
  readStringMessage(continuation: ReadContinuation<string>): void {
    this.#read((message) => {
      if (message === null) return this.#call(() => continuation(null, 'invalid', true));
      if (typeof message === 'string') return this.#call(() => continuation(message, 'text', true));
      let text: string | null;
      try {
        text = decoder.decode(message);
      } catch {
        text = null;
      }
      return this.#call(() => continuation(text, 'binary', true));
    });
  }

  /** Reads the next message as bytes: a text one as its UTF-8 encoding. */
  readBytesMessage(continuation: ReadContinuation<Uint8Array>): void {
    this.#read((message) => {
      if (message === null) return this.#call(() => continuation(null, 'invalid', true));
      if (typeof message === 'string') return this.#call(() => continuation(encoder.encode(message), 'text', true));
      return this.#call(() => continuation(message, 'binary', true));
    });
  }

  /** Sends text; `final: false` sends a fragment, continued by the next sends until one is final. */
  sendStringMessage(string: string, final: boolean, completion?: SendCompletion): void {
    this.#send(string, final, completion);
  }

  /** Sends bytes; `final: false` sends a fragment, continued by the next sends until one is final. */
  sendBinaryMessage(bytes: Uint8Array, final: boolean, completion?: SendCompletion): void {
    this.#send(bytes, final, completion);
  }

  /** Sends a ping; the completion runs when its pong arrives (or with the error). */
  sendPing(completion?: SendCompletion): void {
    this.#complete(() => this.connection.ping(), completion);
  }

  /** Sends an unsolicited pong (a one-way heartbeat, RFC 6455 §5.5.3); the completion runs once it is queued. */
  sendPong(completion?: SendCompletion): void {
    this.#complete(() => {
      this.connection.pong(new Uint8Array(0));
      return Promise.resolve();
    }, completion);
  }

  /** Starts the closing handshake (1000); pending reads then get null. */
  close(): void {
    this.#complete(() => this.connection.close(), undefined);
  }

  #read(deliver: (message: Message | null) => void): void {
    const reader: PendingRead = {
      deliver: (message) => {
        if (reader.timer !== undefined) this.#clock.clearTimeout(reader.timer);
        deliver(message);
      },
      timer: undefined,
    };
    // After the end, a read gets null; outside the caller's call, as a read's answer always is.
    if (this.connection.state === 'closed') {
      queueMicrotask(() => reader.deliver(null));
      return;
    }
    const seconds = this.readTimeoutSeconds;
    if (seconds >= 0) {
      reader.timer = this.#clock.setTimeout(() => {
        const index = this.#readers.indexOf(reader);
        if (index === -1) return;
        this.#readers.splice(index, 1);
        if (this.#readers.length === 0) this.#unlisten();
        reader.timer = undefined;
        reader.deliver(null);
      }, seconds * 1000);
    }
    this.#readers.push(reader);
    this.#stopListening ??= this.connection.on('message', this.#onMessage);
  }

  #unlisten(): void {
    this.#stopListening?.();
    this.#stopListening = null;
  }

  #send(data: Message, final: boolean, completion: SendCompletion | undefined): void {
    // The engine opens, continues and ends fragmented messages; only sendPart does fragments.
    const fragment = !final || this.#fragmenting;
    this.#fragmenting = !final;
    this.#complete(() => (fragment ? this.connection.sendPart(data, final) : this.connection.send(data)), completion);
  }

  /** Runs `operation`, and reports its outcome (a sync throw included) to `completion` only. */
  #complete(operation: () => Promise<unknown>, completion: SendCompletion | undefined): void {
    let promise: Promise<unknown>;
    try {
      promise = operation();
    } catch (error) {
      promise = Promise.reject(error);
    }
    promise.then(
      () => this.#call(() => completion?.()),
      (error: unknown) => this.#call(() => completion?.(toWireKitError(error))),
    );
  }

  /** Application callbacks must not break the connection's machinery; their errors are reported. */
  #call(callback: () => void): void {
    try {
      callback();
    } catch (error) {
      this.#onError?.(toWireKitError(error));
    }
  }
}
