import { NWProtocolWebSocket } from './nw-protocol-websocket.js';

/** How a {@link ContentContext} is made. */
export interface ContentContextInit {
  /** A name for logs. Default 'context'. */
  readonly identifier?: string;
  /** Protocol metadata, e.g. `[new NWProtocolWebSocket.Metadata('text')]`. Default none: bytes are Binary, strings Text. */
  readonly metadata?: readonly NWProtocolWebSocket.Metadata[];
  /** The last content of the connection's sending side: sending it closes the connection. Default false. */
  readonly isFinal?: boolean;
}

/**
 * Per-message send options and received-message information (Swift `NWConnection.ContentContext`).
 * Apple's expiration, priority and antecedent are not modelled: WireKit sends in call order.
 */
export class ContentContext {
  /** The context of an ordinary message: Text for a string, Binary for bytes. */
  static readonly defaultMessage = new ContentContext({ identifier: 'defaultMessage' });
  /** The last message: content sent with it (if any) goes first, then the connection closes (1000 on WebSocket, FIN on TCP). */
  static readonly finalMessage = new ContentContext({ identifier: 'finalMessage', isFinal: true });
  /** The context of a raw TCP byte stream, with no message boundaries. */
  static readonly defaultStream = new ContentContext({ identifier: 'defaultStream' });

  readonly identifier: string;
  readonly isFinal: boolean;
  readonly protocolMetadata: readonly NWProtocolWebSocket.Metadata[];

  constructor(init: ContentContextInit = {}) {
    this.identifier = init.identifier ?? 'context';
    this.isFinal = init.isFinal ?? false;
    this.protocolMetadata = [...(init.metadata ?? [])];
  }

  /** The WebSocket metadata (Swift `protocolMetadata(definition: NWProtocolWebSocket.definition)`), or null. */
  get webSocketMetadata(): NWProtocolWebSocket.Metadata | null {
    return this.protocolMetadata.find((entry) => entry instanceof NWProtocolWebSocket.Metadata) ?? null;
  }
}
