/** The Connection contract, run on a WebSocket over a raw descriptor (this package's `connect`). */
import type { ConnectionFactory } from '@wirekit/core';
import { describeConnection } from '@wirekit/conformance';
import { connect } from '../src/index.js';

// The factory type check: swapping transports is a one-line import change.
const factory: ConnectionFactory = connect;

describeConnection('socket', factory);
