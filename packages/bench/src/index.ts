// @wirekit/bench — Comparison benchmarks: the five WireKit transports, ws and raw TCP side by side. Every export is listed by name.

export {};
