// @wirekit/adapter — third-party WebSockets (ws, any WHATWG WebSocket) behind the WireKit Connection, with a Starscream-like onEvent API. Every export is listed by name.

export { connect, isNodeRuntime } from './connect.js';
export { connectWs } from './connect-ws.js';
export type { WsConnectOptions, WsConstructor } from './connect-ws.js';
export { connectWebSocket, connectGlobalWebSocket } from './connect-websocket.js';
export type { ConnectWebSocketOptions, WebSocketConstructor } from './connect-websocket.js';

export { AdapterConnection } from './adapter-connection.js';
export type { AdapterConnectionOptions } from './adapter-connection.js';
export { WsConnection, fromWs } from './ws-connection.js';
export type { WsConnectionOptions, WsSocketLike } from './ws-connection.js';
export { WebSocketConnection, fromWebSocket } from './websocket-connection.js';
export type { WebSocketConnectionOptions, WebSocketLike } from './websocket-connection.js';

export { WebSocketClient } from './websocket-client.js';
export type { WebSocketClientOptions, WebSocketDelegate, WebSocketEvent, WebSocketRequest } from './websocket-client.js';
