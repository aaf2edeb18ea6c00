// @wirekit/task — URLSessionWebSocketTask style WebSocket for Node (on the WireKit engine) and browsers (on the native WebSocket). Every export is listed by name.

export {};
