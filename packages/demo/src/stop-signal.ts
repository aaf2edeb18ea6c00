/**
 * Ctrl-C and SIGTERM for the demo's long-running programs. The terminal sends SIGINT to the
 * whole foreground process group, and pnpm forwards one more to its child: so the first signal
 * starts a clean stop and any later one is ignored (the stop is bounded by itself), instead of
 * killing the process half-way with Node's default action.
 */

/** Calls `stop` once, on the first SIGINT or SIGTERM; returns a function that removes the handlers. */
export function onStopSignal(stop: (signal: NodeJS.Signals) => void): () => void {
  let stopped = false;
  const handler = (signal: NodeJS.Signals): void => {
    if (stopped) return;
    stopped = true;
    stop(signal);
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return () => {
    process.off('SIGINT', handler);
    process.off('SIGTERM', handler);
  };
}

/** Resolves with the first SIGINT or SIGTERM; later ones are ignored while the process stops. */
export function untilStopSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    onStopSignal(resolve);
  });
}
