/**
 * The contract suite run with the throwaway ws reference adapter: proves the suite itself
 * against an independent WebSocket implementation, while the WireKit transports are written.
 */
import { describeConnection } from '../src/index.js';
import { wsFactory } from './support/ws-connection.js';

describeConnection('ws reference', wsFactory, {
  skip: [
    {
      feature: 'subprotocol-declined',
      reason: 'the ws client fails the handshake ("Server sent no subprotocol") when it offered subprotocols and the server selected none; RFC 6455 §4.1 and WHATWG accept it with protocol ""',
    },
  ],
});
