/**
 * The contract suite in deno: the client side runs there, the servers in this Node process.
 * Writes results/deno.json, from which docs/platforms.md is rendered.
 */
import { describePlatform } from './support/platform-suite.js';

describePlatform('deno');
