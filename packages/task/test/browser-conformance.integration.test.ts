/**
 * The contract suite on the browser entry's connection, run in Node on the `ws` package's
 * WHATWG-style WebSocket (Node 20 has no global one). The skips are what a browser's WebSocket
 * cannot do or cannot tell, plus one gap of `ws` itself (subprotocol-declined), which browsers do
 * not have and the Chromium run covers.
 */
import { describeConnection, WHATWG_STRICTNESS_SKIPS } from '@wirekit/conformance';
import { WebSocket } from 'ws';
import { createConnect, type WebSocketConstructor } from '../src/index.browser.js';

const connect = createConnect({ WebSocket: WebSocket as unknown as WebSocketConstructor });

describeConnection('task (browser entry on a WHATWG WebSocket)', connect, {
  skip: [
    { feature: 'ping', reason: 'a WHATWG WebSocket cannot send a Ping; ping() rejects WK_ERR_UNSUPPORTED' },
    { feature: 'keep-alive', reason: "keepAlive needs ping(), which a WHATWG WebSocket lacks" },
    { feature: 'headers', reason: 'a browser cannot set request headers or the Origin; connect() throws WK_ERR_UNSUPPORTED' },
    { feature: 'refused', reason: 'the WHATWG error event carries no reason: a refused connection is WK_ERR_TRANSPORT' },
    { feature: 'dns', reason: 'the WHATWG error event carries no reason: a DNS failure is WK_ERR_TRANSPORT' },
    { feature: 'handshake-status', reason: 'the WHATWG error event carries no HTTP status: a refused upgrade is WK_ERR_TRANSPORT' },
    { feature: 'subprotocol-declined', reason: "ws's client fails when the server picks none of the offered subprotocols (browsers open with protocol '')" },
    { feature: 'invalid-utf8', reason: 'the platform fails the connection itself and only says "error": WK_ERR_TRANSPORT' },
    ...WHATWG_STRICTNESS_SKIPS,
  ],
});
