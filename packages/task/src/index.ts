// @wirekit/task — URLSessionWebSocketTask style WebSocket for Node (on the WireKit engine) and browsers (on the native WebSocket). Every export is listed by name.

export { URLSession } from './url-session.js';
export { URLSessionBase } from './url-session-base.js';
export type { URLSessionWebSocketDelegate } from './url-session-base.js';
export { URLSessionConfiguration } from './url-session-configuration.js';
export { URLRequest } from './url-request.js';
export type { URLRequestInit } from './url-request.js';
export { URLSessionWebSocketTask } from './web-socket-task.js';
export type { URLSessionTaskState, WebSocketTaskInit } from './web-socket-task.js';
export type { URLSessionResult, URLSessionWebSocketTaskMessage, URLSessionWebSocketTaskSendable } from './message.js';

export { connect } from './connect.js';
