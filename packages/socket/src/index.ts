// @wirekit/socket — CFSocket / BSD socket style for Node: descriptor table, connect/send/recv/bind/listen/accept, UDP, address helpers, WebSocket over a raw socket. Every export is listed by name.

export {};
