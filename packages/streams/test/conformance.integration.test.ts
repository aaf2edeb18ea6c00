/** The contract suite every WireKit transport runs, on this package's `connect` (core's engine over the Stream pair). */
import { describeConnection } from '@wirekit/conformance';
import { connect } from '../src/index.js';

describeConnection('streams', connect);
