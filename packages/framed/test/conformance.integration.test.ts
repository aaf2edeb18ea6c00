/**
 * The contract suite every WireKit transport runs, on framed's `connect` (core's
 * EngineConnection over node:net / node:tls): against ws, the WireKit server and fault servers.
 *
 * @wirekit/conformance is not yet a devDependency of this package, so it is imported by path
 * until it is declared (then: `from '@wirekit/conformance'`).
 */
import { describeConnection } from '@wirekit/conformance';
import { connect } from '../src/index.js';

describeConnection('framed', connect);
