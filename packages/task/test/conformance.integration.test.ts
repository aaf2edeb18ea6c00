/**
 * The contract suite on the Node entry's `connect`: the same Connection as @wirekit/framed's,
 * reached through this package, so an app swaps `@wirekit/task` for any other transport by
 * changing one import.
 */
import { describeConnection } from '@wirekit/conformance';
import { connect } from '../src/index.js';

describeConnection('task', connect);
