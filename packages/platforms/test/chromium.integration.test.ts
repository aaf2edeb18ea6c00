/**
 * The contract suite in chromium: the client side runs there, the servers in this Node process.
 * Writes results/chromium.json, from which docs/platforms.md is rendered.
 */
import { describePlatform } from './support/platform-suite.js';

describePlatform('chromium');
