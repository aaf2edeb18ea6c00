// @wirekit/platforms — runs the contract suite in Node, headless Chromium, Bun and Deno, with the
// servers in the Node parent, and records what passed where (docs/platforms.md). Private.
// Exported here: launching the runtimes, bounded and killed by process group id. The harness
// (targets, runner bundles, results) is test support: test/support/. Every export is listed by name.

export { runBounded } from './child.js';
export type { ChildOutcome, RunBoundedOptions } from './child.js';
export { openInChromium, requireChromium, CHROMIUM_ARGS, CHROMIUM_PATH } from './chromium.js';
export type { BrowserRun } from './chromium.js';
