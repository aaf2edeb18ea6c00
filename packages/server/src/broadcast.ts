import { isUtf8 } from 'node:buffer';
import { EngineConnection, TextBytes, toWireKitError, type Connection, type Message, type WireKitError } from '@wirekit/core';
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
 * received it with `textAsBytes`, not even that) and that frame written to
 * every WireKit connection that can take it as it is (see protocol's `prepareMessage`); any other
 * {@link Connection} gets a plain `send()`. The promise never rejects, so a broadcast nobody awaits cannot cause an unhandled
 * rejection; a caller that wants to know awaits it and reads `failed`.
 *
 * @param targets the recipients, snapshotted when the call is made.
 * @param message the text or binary message.
 * @param options see {@link BroadcastOptions}.
 */
export async function broadcast(targets: Iterable<Connection>, message: Message, options: BroadcastOptions = {}): Promise<BroadcastResult> {
  const excluded = exclusions(options.except);
  const recipients: Connection[] = [];
  for (const connection of targets) if (!excluded.has(connection)) recipients.push(connection);
  let prepared: PreparedMessage | null = null;
  const sends: Promise<WireKitError | null>[] = [];
  // A TextBytes that is not UTF-8 is not framed: each send() refuses it, and `failed` says so.
  const framable = typeof message === 'string' || (message instanceof Uint8Array && (!(message instanceof TextBytes) || isUtf8(message)));
  for (const connection of recipients) {
    // A connection whose send() was replaced (session resume escapes direct messages) gets that send().
    if (framable && connection instanceof EngineConnection && connection.send === EngineConnection.prototype.send) {
      prepared ??= prepareMessage(message);
      sends.push(sendReporting(connection, prepared));
    } else sends.push(sendReporting(connection, message));
  }
  const outcomes = await Promise.all(sends);
  const failed: BroadcastFailure[] = [];
  for (const [index, error] of outcomes.entries()) {
    if (error !== null) failed.push({ connection: recipients[index]!, error });
  }
  return { sent: recipients.length - failed.length, failed };
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

/** A send that reports instead of throwing: null when sent, the error otherwise (sync throws included). */
async function sendReporting(connection: Connection, message: Message | PreparedMessage): Promise<WireKitError | null> {
  try {
    if (typeof message === 'string' || message instanceof Uint8Array) await connection.send(message);
    else await (connection as EngineConnection).sendPrepared(message);
    return null;
  } catch (error) {
    return toWireKitError(error);
  }
}
