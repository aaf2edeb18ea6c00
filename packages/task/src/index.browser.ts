// @wirekit/task, browser entry (export condition `browser`): the same API on the platform's WHATWG WebSocket. No node: modules, no @wirekit/framed. Every export is listed by name.

export { URLSession } from './url-session.browser.js';
export { URLSessionBase } from './url-session-base.js';
export type { URLSessionWebSocketDelegate } from './url-session-base.js';
export { URLSessionConfiguration } from './url-session-configuration.js';
export { URLRequest } from './url-request.js';
export type { URLRequestInit } from './url-request.js';
export { URLSessionWebSocketTask } from './web-socket-task.js';
export type { URLSessionTaskState, WebSocketTaskInit } from './web-socket-task.js';
export type { URLSessionResult, URLSessionWebSocketTaskMessage, URLSessionWebSocketTaskSendable } from './message.js';

export { connect, createConnect } from './browser-connect.js';
export type { BrowserConnectInit } from './browser-connect.js';
export { WebSocketConnection } from './web-socket-connection.js';
export type { WebSocketConstructor, WebSocketLike } from './web-socket-connection.js';
