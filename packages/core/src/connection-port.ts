// The one object through which an EngineConnection hears its channel and its engine.
import type { Allocator, EngineEvent, Extension, Role, Utf8Validator } from '@wirekit/protocol';
import type { ByteChannelHandlers } from './byte-channel.js';
import type { EngineConnectionOptions } from './engine-connection-options.js';
import type { SendTicket } from './send-ticket.js';

/** The shared empty extension list: one array fewer per connection without extensions. */
export const NO_EXTENSION_LIST: readonly Extension[] = [];

/**
 * What a {@link ConnectionPort} forwards to: an EngineConnection's channel and engine handlers.
 * They are private to the connection's API; the port is their only caller.
 */
export interface PortTarget {
  onData(chunk: Uint8Array): void;
  onEnd(): void;
  onTransportError(error: Error): void;
  onChannelClose(): void;
  onEngineEvent(event: EngineEvent): void;
  write(chunks: Uint8Array[], ticket: SendTicket | undefined): void;
}

/**
 * The connection's handlers for its channel and, once open, the options of its engine: one
 * object whose prototype methods forward to the connection, instead of a closure per callback
 * per connection (the engine calls `onEvent`/`onWrite` as methods of its options).
 */
export class ConnectionPort implements ByteChannelHandlers {
  readonly role: Role;
  // Declared, not defined: an option left out is no field at all, so a typical server
  // connection's port has four fields instead of eight. All are set while constructing.
  declare readonly random?: (length: number) => Uint8Array;
  declare readonly maxMessageSize?: number;
  declare readonly maxFragments?: number;
  declare readonly autoPong?: boolean;
  declare readonly fragmentSize?: number;
  declare readonly allocate?: Allocator;
  declare readonly textAsBytes?: boolean;
  declare readonly isUtf8?: Utf8Validator;
  extensions: readonly Extension[] = NO_EXTENSION_LIST;

  constructor(
    private readonly connection: PortTarget,
    options: EngineConnectionOptions,
  ) {
    this.role = options.role;
    const port = this as { -readonly [K in 'random' | 'maxMessageSize' | 'maxFragments' | 'autoPong' | 'fragmentSize' | 'allocate' | 'textAsBytes' | 'isUtf8']?: EngineConnectionOptions[K] };
    if (options.random !== undefined) port.random = options.random;
    if (options.maxMessageSize !== undefined) port.maxMessageSize = options.maxMessageSize;
    if (options.maxFragments !== undefined) port.maxFragments = options.maxFragments;
    if (options.autoPong !== undefined) port.autoPong = options.autoPong;
    if (options.fragmentSize !== undefined) port.fragmentSize = options.fragmentSize;
    if (options.allocate !== undefined) port.allocate = options.allocate;
    if (options.textAsBytes === true) port.textAsBytes = true;
    if (options.isUtf8 !== undefined) port.isUtf8 = options.isUtf8;
  }

  data(chunk: Uint8Array): void {
    this.connection.onData(chunk);
  }

  end(): void {
    this.connection.onEnd();
  }

  error(error: Error): void {
    this.connection.onTransportError(error);
  }

  close(): void {
    this.connection.onChannelClose();
  }

  drain(): void {}

  onEvent(event: EngineEvent): void {
    this.connection.onEngineEvent(event);
  }

  onWrite(chunks: Uint8Array[], ticket: SendTicket | undefined): void {
    this.connection.write(chunks, ticket);
  }
}
