import { Buffer, isUtf8 } from 'node:buffer';
import { EngineConnection, TextBytes, toWireKitError, type Connection, type Message, type SendTicket, type WireKitError } from '@wirekit/core';
import { prepareMessage, type PreparedMessage } from '@wirekit/protocol';

/** One connection a broadcast could not reach, and why. */
export interface BroadcastFailure {
  readonly connection: Connection;
  readonly error: WireKitError;
}

/**
 * The outcome of a broadcast: how many connections took the message (their bytes were handed to
 * the OS), and every connection that did not, with its error. Nothing is dropped silently.
 */
export interface BroadcastResult {
  readonly sent: number;
  readonly failed: readonly BroadcastFailure[];
}

/** Options of a broadcast. */
export interface BroadcastOptions {
  /** A connection, or several, to leave out: typically the sender of a chat message. */
  readonly except?: Connection | Iterable<Connection>;
}

/**
 * Sends `message` to each of `targets` except those excluded, concurrently, and reports per
 * connection. The message is framed once (text encoded to UTF-8 once; a TextBytes, as a relay
 * received it with `textAsBytes`, not even that), as one Node Buffer, and that frame written to
 * every WireKit connection that can take it as it is (see protocol's `prepareMessage`) through a
 * ticket of this broadcast's: no promise nor closure of its own per recipient, only the count of
 * those in flight (a broadcast to 10,000 is 10,000 writes, and each allocation per write showed in
 * its profile). Any other {@link Connection} gets a plain `send()`. The promise never rejects, so a
 * broadcast nobody awaits cannot cause an unhandled rejection; a caller that wants to know awaits
 * it and reads `failed` (in the order of `targets`).
 *
 * @param targets the recipients, snapshotted when the call is made.
 * @param message the text or binary message.
 * @param options see {@link BroadcastOptions}.
 */
export function broadcast(targets: Iterable<Connection>, message: Message, options: BroadcastOptions = {}): Promise<BroadcastResult> {
  const excluded = options.except === undefined ? null : exclusions(options.except);
  const recipients: Connection[] = [];
  for (const connection of targets) if (excluded === null || !excluded.has(connection)) recipients.push(connection);
  const fanout = new Fanout(recipients.length);
  let prepared: PreparedMessage | null = null;
  // A TextBytes that is not UTF-8 is not framed: each send() refuses it, and `failed` says so.
  const framable = typeof message === 'string' || (message instanceof Uint8Array && (!(message instanceof TextBytes) || isUtf8(message)));
  for (let index = 0; index < recipients.length; index++) {
    const connection = recipients[index]!;
    // A connection whose send() was replaced (session resume escapes direct messages) gets that send().
    if (framable && connection instanceof EngineConnection && connection.send === EngineConnection.prototype.send) {
      prepared ??= prepareShared(message);
      connection.sendPrepared(prepared, new RecipientTicket(prepared.payload.length, fanout, index));
    } else sendReporting(connection, message, fanout, index);
  }
  return fanout.settled(recipients);
}

/**
 * `message` framed once, its frame as one Buffer: a socket takes a Buffer as it is (a plain
 * Uint8Array it wraps in a new Buffer on every write), and one chunk is one write per recipient.
 */
function prepareShared(message: Message): PreparedMessage {
  const prepared = prepareMessage(message);
  return { ...prepared, frame: [prepared.frame.length === 1 ? asBuffer(prepared.frame[0]!) : Buffer.concat(prepared.frame)] };
}

function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** What one broadcast waits for: its recipients' sends in flight, counted, and their outcomes. */
class Fanout {
  #pending: number;
  #failures: { readonly index: number; readonly error: WireKitError }[] | null = null;
  #resolve: (() => void) | null = null;

  constructor(recipients: number) {
    this.#pending = recipients;
  }

  /** Recipient `index`'s send is over: sent when `error` is null. */
  settle(index: number, error: WireKitError | null): void {
    if (error !== null) (this.#failures ??= []).push({ index, error });
    if (--this.#pending === 0) this.#resolve?.();
  }

  /** Resolves once every send is over, with the failures in the order of `recipients`. */
  async settled(recipients: readonly Connection[]): Promise<BroadcastResult> {
    if (this.#pending > 0) await new Promise<void>((resolve) => (this.#resolve = resolve));
    const failures = (this.#failures ?? []).sort((a, b) => a.index - b.index);
    const failed = failures.map(({ index, error }) => ({ connection: recipients[index]!, error }));
    return { sent: recipients.length - failed.length, failed };
  }
}

/**
 * One recipient's send of a broadcast, settled by its connection ({@link EngineConnection.sendPrepared})
 * through these methods, which tell the {@link Fanout}: a ticket is the only object a recipient costs.
 */
class RecipientTicket implements SendTicket {
  /** None: the broadcast's count is told instead ({@link resolve}, {@link reject}). */
  promise: Promise<void> | null = null;
  prev: SendTicket | null = null;
  next: SendTicket | null = null;
  settled = false;

  constructor(
    readonly size: number,
    private readonly fanout: Fanout,
    private readonly index: number,
  ) {}

  resolve(): void {
    this.fanout.settle(this.index, null);
  }

  reject(error: WireKitError): void {
    this.fanout.settle(this.index, error);
  }
}

/** The connections `except` names, as a set. */
export function exclusions(except: BroadcastOptions['except']): ReadonlySet<Connection> {
  if (except === undefined) return new Set();
  if (isIterable(except)) return new Set(except);
  return new Set([except]);
}

function isIterable(value: Connection | Iterable<Connection>): value is Iterable<Connection> {
  // A Connection is AsyncIterable, never Iterable, so the sync iterator tells them apart.
  return typeof (value as Partial<Iterable<Connection>>)[Symbol.iterator] === 'function';
}

/** A plain send, reported to `fanout` instead of thrown (sync throws included). */
function sendReporting(connection: Connection, message: Message, fanout: Fanout, index: number): void {
  const failed = (error: unknown): void => fanout.settle(index, toWireKitError(error));
  try {
    connection.send(message).then(() => fanout.settle(index, null), failed);
  } catch (error) {
    failed(error);
  }
}
