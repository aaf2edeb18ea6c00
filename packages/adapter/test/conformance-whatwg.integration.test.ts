/**
 * The contract suite on the WHATWG path: connectWebSocket driven by ws's WebSocket class as the
 * constructor (Node 20 has no global WebSocket; ws's class implements the WHATWG surface:
 * addEventListener, binaryType 'arraybuffer', bufferedAmount, close(code, reason)). The adapter
 * uses only that surface, so each skip below is a gap of WHATWG WebSockets everywhere, except
 * 'subprotocol-declined', a gap of this constructor.
 */
import { describeConnection, WHATWG_STRICTNESS_SKIPS } from '@wirekit/conformance';
import { WebSocket } from 'ws';
import { connectWebSocket } from '../src/index.js';

describeConnection('adapter (WHATWG, ws class)', connectWebSocket(WebSocket), {
  skip: [
    { feature: 'ping', reason: 'WHATWG WebSocket has no ping API (whatwg/websockets#10): ping() rejects WK_ERR_UNSUPPORTED' },
    { feature: 'keep-alive', reason: 'keepAlive needs ping(), which WHATWG WebSocket does not have' },
    { feature: 'headers', reason: 'the WHATWG constructor takes no request headers and the platform sets Origin: headers/origin throw WK_ERR_UNSUPPORTED' },
    { feature: 'terminate', reason: 'WHATWG WebSocket cannot abort its TCP connection: terminate() reports 1006 locally at once but the peer sees a Close (1005), not a drop' },
    {
      feature: 'subprotocol-declined',
      reason: 'the constructor here, ws\'s class, fails the handshake ("Server sent no subprotocol") when the server selects none of those offered; WHATWG (browsers, undici) open with protocol ""',
    },
    ...WHATWG_STRICTNESS_SKIPS,
  ],
});
