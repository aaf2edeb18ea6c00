// @wirekit/server — a WebSocket server on the WireKit engine. Every export is listed by name.

export { WireKitServer } from './wirekit-server.js';
// WebSockets over HTTP/2 (RFC 8441) on a node:http2 server.
export { attachHttp2, extendedConnectRequest, handleHttp2Stream } from './http2-upgrade.js';
export type { AttachHttp2Options, ExtendedConnectRequest, Http2UpgradeIncoming } from './http2-upgrade.js';
export type {
  ListeningAddress,
  VerifyClientInfo,
  VerifyClientRefusal,
  VerifyClientResult,
  WireKitServerEvents,
  WireKitServerOptions,
} from './server-options.js';

// Rooms and broadcast (the chat use case).
export { Room, RoomRegistry } from './room.js';
export type { RoomHooks } from './room.js';
export { broadcast } from './broadcast.js';
export type { BroadcastFailure, BroadcastOptions, BroadcastResult } from './broadcast.js';

// The Perfect-WebSockets style: routes, handler producers, session handlers.
export { Routes, WebSocketHandler } from './routes.js';
export type { HandlerProducer, WebSocketSessionHandler } from './routes.js';
export { PerfectWebSocket } from './perfect-web-socket.js';
export type { OpcodeType, PerfectWebSocketOptions, ReadContinuation, SendCompletion } from './perfect-web-socket.js';

// Scale-out: the broker seam (in-process by default; @wirekit/redis across nodes) and session resume.
export { BROADCAST_ROOM } from './broker.js';
export type { Broker, BrokerEntry, BrokerEvents, BrokerReplay, PresenceEntry, SessionRecord } from './broker.js';
export { InProcessBroker, InProcessHub } from './in-process-broker.js';
export type { InProcessBrokerOptions, InProcessHubOptions } from './in-process-broker.js';
export type { ResumeOptions } from './session-resume.js';
