import { type WireKitError, type Message } from '@wirekit/core';
import { WireKitUsageError } from '@wirekit/protocol';

/**
 * One WebSocket message, as `URLSessionWebSocketTask.Message`: `.string(String)` is a Text
 * message, `.data(Data)` a Binary one. Received messages always have this shape.
 */
export type URLSessionWebSocketTaskMessage =
  | { readonly type: 'string'; readonly string: string }
  | { readonly type: 'data'; readonly data: Uint8Array };

/** What `send()` accepts: a {@link URLSessionWebSocketTaskMessage}, or a plain string (Text) or Uint8Array (Binary). */
export type URLSessionWebSocketTaskSendable = URLSessionWebSocketTaskMessage | string | Uint8Array;

/** Swift's `Result<Success, Error>`, as a discriminated union: what completion handlers receive. */
export type URLSessionResult<T> = { readonly kind: 'success'; readonly value: T } | { readonly kind: 'failure'; readonly error: WireKitError };

/**
 * The wire form of a sendable message.
 * @throws {WireKitUsageError} WK_ERR_INVALID_ARGUMENT for anything else, e.g. `{ type: 'data', data: 'x' }`.
 */
export function toWire(message: URLSessionWebSocketTaskSendable): Message {
  if (typeof message === 'string' || message instanceof Uint8Array) return message;
  if (typeof message === 'object' && message !== null) {
    if (message.type === 'string' && typeof message.string === 'string') return message.string;
    if (message.type === 'data' && message.data instanceof Uint8Array) return message.data;
  }
  throw new WireKitUsageError('WK_ERR_INVALID_ARGUMENT', "a message is { type: 'string', string }, { type: 'data', data: Uint8Array }, a string or a Uint8Array");
}

/** The task's form of a received message. */
export function fromWire(message: Message): URLSessionWebSocketTaskMessage {
  return typeof message === 'string' ? { type: 'string', string: message } : { type: 'data', data: message };
}
