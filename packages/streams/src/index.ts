// @wirekit/streams — Foundation Stream pair (InputStream/OutputStream) style for Node, a SocketRocket-like WebSocket client on it, and WHATWG stream bridges. Every export is listed by name.

export { InputStream, OutputStream, Stream } from './stream.js';
export type { StreamDelegate, StreamPair } from './stream.js';
export { StreamEvent, StreamPropertyKey, StreamSocketSecurityLevel, StreamStatus } from './stream-constants.js';
export type { StreamEventCode, StreamPairOptions, StreamPropertyKeyName, StreamSocketSecurityLevelName, StreamStatusCode } from './stream-constants.js';

export { streamChannel } from './stream-channel.js';
export { connect } from './connect.js';
export type { StreamConnectOptions } from './connect.js';
export { SRReadyState, SRWebSocket } from './sr-websocket.js';
export type { SRReadyStateCode, SRURLRequest, SRWebSocketDelegate, SRWebSocketOptions } from './sr-websocket.js';
export { inputStreamToReadable, outputStreamToWritable, toWebStreams } from './web-streams.js';
export type { ByteStreamOptions, ConnectionStreams, WebStreamsOptions } from './web-streams.js';
