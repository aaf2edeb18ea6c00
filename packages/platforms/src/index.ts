// @wirekit/platforms — Runs the browser-capable and Node-API parts of the contract suite in headless Chromium, Bun and Deno. Every export is listed by name.

export {};
