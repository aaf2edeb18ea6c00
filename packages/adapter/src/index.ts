// @wirekit/adapter — Third-party WebSockets (ws, any WHATWG WebSocket) behind the WireKit Connection, with a Starscream-like onEvent API. Every export is listed by name.

export {};
