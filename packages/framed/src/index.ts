// @wirekit/framed — the Network.framework (NWConnection) style on the WireKit engine. Every export is listed by name.

export { NWConnection } from './nw-connection.js';
export type { NWConnectionEnvironment, NWConnectionState, NWSendCompletion, NWSendOptions } from './nw-connection.js';
export { NWListener } from './nw-listener.js';
export type { NWListenerState } from './nw-listener.js';
export { ContentContext } from './content-context.js';
export type { ContentContextInit } from './content-context.js';
export type { NWReceiveCompletion } from './receive-queue.js';

export { NWEndpoint } from './nw-endpoint.js';
export { NWParameters, NWProtocolTCP, NWProtocolTLS } from './nw-parameters.js';
export type { NWApplicationProtocolOptions, NWPeerCertificate, NWProtocolStack, NWStackKind } from './nw-parameters.js';
export { NWProtocolWebSocket } from './nw-protocol-websocket.js';
export type { NWWebSocketClientRequestHandler, NWWebSocketOpcode, NWWebSocketResponse } from './nw-protocol-websocket.js';
export { NWProtocolFramer } from './nw-protocol-framer.js';
export type { NWFramerSource } from './nw-protocol-framer.js';

export { NWError } from './nw-error.js';
export type { NWErrorCase } from './nw-error.js';
export type { InterfaceSource, NWInterface, NWInterfaceType, NWPath } from './nw-path.js';

export { connect } from './connect.js';

// WebSockets over HTTP/2 (RFC 8441): the one pool of sessions the `http2` connect option uses.
export { Http2SessionPool, sharedHttp2Pool } from './http2-session-pool.js';
export type { Http2Route, Http2SessionPoolOptions } from './http2-session-pool.js';
