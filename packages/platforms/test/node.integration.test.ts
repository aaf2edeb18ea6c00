/**
 * The contract suite in node: the client side runs there, the servers in this Node process.
 * Writes results/node.json, from which docs/platforms.md is rendered.
 */
import { describePlatform } from './support/platform-suite.js';

describePlatform('node');
