/**
 * The contract suite on the ws path: connectWs, the `ws` client behind the WireKit Connection.
 * No feature is skipped: subprotocols are negotiated around ws's strict check (see connectWs).
 */
import { describeConnection, WS_STRICTNESS_SKIPS } from '@wirekit/conformance';
import { connectWs } from '../src/index.js';

describeConnection('adapter (ws)', connectWs, { skip: WS_STRICTNESS_SKIPS });
