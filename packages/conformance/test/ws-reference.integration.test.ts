/**
 * The contract suite run with the throwaway ws reference adapter: proves the suite itself
 * against an independent WebSocket implementation, while the WireKit transports are written.
 */
import { describeConnection, WS_STRICTNESS_SKIPS } from '../src/index.js';
import { wsFactory } from './support/ws-connection.js';

describeConnection('ws reference', wsFactory, {
  skip: [
    {
      feature: 'subprotocol-declined',
      reason: 'the ws client fails the handshake ("Server sent no subprotocol") when it offered subprotocols and the server selected none; RFC 6455 §4.1 and WHATWG accept it with protocol ""',
    },
    { feature: 'deliver-before-fail', reason: 'this thin reference does not hold input: ws parses the frames that came with the 101 on the tick after `open`, before a listener attached once connect() resolved can exist, and fails at once' },
    { feature: 'fault-error-code', reason: 'ws emits its error on the tick after `open`, before a listener attached once connect() resolved exists; receive() then only sees the close' },
    ...WS_STRICTNESS_SKIPS,
    { feature: 'early-messages', reason: 'this thin reference queues early messages for receive() only, not for a message listener attached later' },
    { feature: 'text-as-bytes', reason: 'this thin reference predates TextBytes (core ConnectOptions.textAsBytes); the adapter over ws implements it and passes' },
  ],
});
