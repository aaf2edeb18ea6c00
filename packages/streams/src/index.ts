// @wirekit/streams — Foundation Stream pair (InputStream/OutputStream) style for Node, a SocketRocket-like WebSocket client on it, and WHATWG stream bridges. Every export is listed by name.

export {};
