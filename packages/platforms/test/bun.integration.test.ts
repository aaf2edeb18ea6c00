/**
 * The contract suite in bun: the client side runs there, the servers in this Node process.
 * Writes results/bun.json, from which docs/platforms.md is rendered.
 */
import { describePlatform } from './support/platform-suite.js';

describePlatform('bun');
