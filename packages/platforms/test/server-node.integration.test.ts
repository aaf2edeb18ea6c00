/**
 * WireKitServer in node: the server host runs there, the Node clients of this process run the
 * contract suite's WireKit-server cases and the server cases against it.
 * Writes results/server-node.json, from which docs/platforms.md's server table is rendered.
 */
import { describeServerPlatform } from './support/server-suite.js';

describeServerPlatform('node');
