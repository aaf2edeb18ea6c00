import type { NWError } from './nw-error.js';

/** The opcodes of `NWProtocolWebSocket.Metadata`, named as Swift's `NWProtocolWebSocket.Opcode` cases. */
export type NWWebSocketOpcode = 'cont' | 'text' | 'binary' | 'close' | 'ping' | 'pong';

/** What a server's client-request handler answers (`NWProtocolWebSocket.Response`). */
export type NWWebSocketResponse =
  | { readonly status: 'accept'; readonly subprotocol?: string; readonly additionalHeaders?: ReadonlyArray<readonly [string, string]> }
  | { readonly status: 'reject'; readonly additionalHeaders?: ReadonlyArray<readonly [string, string]> };

/** A server's hook over an inbound handshake (Swift `setClientRequestHandler`). */
export type NWWebSocketClientRequestHandler = (subprotocols: readonly string[], headers: ReadonlyArray<readonly [string, string]>) => NWWebSocketResponse;

/**
 * WebSocket options for a protocol stack (Swift `NWProtocolWebSocket.Options`). Insert one at
 * index 0 of `parameters.defaultProtocolStack.applicationProtocols` to run WebSocket.
 */
class WebSocketOptions {
  /**
   * Answer pings automatically, without delivering them. Defaults to **true**, unlike Apple's
   * header (false): RFC 6455 §5.5.2 requires the Pong, WireKit's engine and every other
   * transport answer by default, and servers such as `ws` drop clients that miss heartbeats.
   * Set false to receive pings through `receiveMessage` (opcode `ping`) and answer them yourself
   * with a `pong` context.
   */
  autoReplyPing = true;
  /**
   * Largest message received, in bytes; a larger one fails the connection with 1009.
   * `undefined` keeps the engine's default (100 MiB), the same for every WireKit transport.
   */
  maximumMessageSize: number | undefined = undefined;
  /**
   * Start framing as soon as TCP (or TLS) is up, with no HTTP upgrade, for coordinated peers.
   * Defaults to false: a plain WebSocket server expects the handshake.
   */
  skipHandshake = false;
  private headers: Array<readonly [string, string]> = [];
  private protocols: string[] = [];
  private requestHandler: NWWebSocketClientRequestHandler | null = null;

  /** Extra HTTP headers for the client handshake, as (name, value) pairs. */
  setAdditionalHeaders(headers: ReadonlyArray<readonly [string, string]>): void {
    this.headers = headers.map(([name, value]) => [name, value] as const);
  }

  /** The subprotocols a client offers, or a server supports (it selects the client's first supported one). */
  setSubprotocols(subprotocols: readonly string[]): void {
    this.protocols = [...subprotocols];
  }

  /** A listener's hook over each handshake: accept with a subprotocol and headers, or reject (400). */
  setClientRequestHandler(handler: NWWebSocketClientRequestHandler): void {
    this.requestHandler = handler;
  }

  get additionalHeaders(): ReadonlyArray<readonly [string, string]> {
    return this.headers;
  }

  get subprotocols(): readonly string[] {
    return this.protocols;
  }

  get clientRequestHandler(): NWWebSocketClientRequestHandler | null {
    return this.requestHandler;
  }
}

/**
 * Per-message WebSocket metadata (Swift `NWProtocolWebSocket.Metadata`), carried by a
 * `ContentContext`: the opcode to send, or the one received; the close code of a `close`;
 * a pong handler on a `ping`.
 */
class WebSocketMetadata {
  /**
   * The close code of a `close` message: set it to choose the code sent; read it on receipt.
   * Defaults to `null`, which sends a normal closure (1000) as `cancel()` does.
   */
  closeCode: number | null = null;
  private onPong: ((error: NWError | null) => void) | null = null;

  constructor(readonly opcode: NWWebSocketOpcode) {}

  /** Runs when this ping's pong arrives (error null), or with the error if the connection ends first. */
  setPongHandler(handler: (error: NWError | null) => void): void {
    this.onPong = handler;
  }

  get pongHandler(): ((error: NWError | null) => void) | null {
    return this.onPong;
  }
}

/** Network.framework's WebSocket protocol: its options and metadata classes. */
export abstract class NWProtocolWebSocket {
  /** `new NWProtocolWebSocket.Options()` — see {@link WebSocketOptions}. */
  static readonly Options = WebSocketOptions;
  /** `new NWProtocolWebSocket.Metadata('text')` — see {@link WebSocketMetadata}. */
  static readonly Metadata = WebSocketMetadata;
}

// Swift nests these types in NWProtocolWebSocket; a type-only namespace merged into the class
// gives the same spelling (`NWProtocolWebSocket.Options`) in type positions.
// eslint-disable-next-line @typescript-eslint/no-namespace
export declare namespace NWProtocolWebSocket {
  type Options = WebSocketOptions;
  type Metadata = WebSocketMetadata;
  type Opcode = NWWebSocketOpcode;
  type Response = NWWebSocketResponse;
}
