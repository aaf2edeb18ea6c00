/**
 * The process groups this process started and has not seen end: killed by their id when this
 * process exits, so that a test runner that stops early leaves no browser or runtime behind
 * (the children are detached into their own groups, so they would outlive it otherwise).
 */

const live = new Set<number>();
let hooked = false;

/** Sends SIGKILL to the process group `pgid` (a child started with `detached: true` leads its own group). */
export function killGroup(pgid: number): void {
  try {
    process.kill(-pgid, 'SIGKILL');
  } catch {
    // already gone
  }
}

/** Records a group to kill at exit; returns the function that forgets it (and kills it now). */
export function trackGroup(pgid: number): () => void {
  live.add(pgid);
  if (!hooked) {
    hooked = true;
    process.once('exit', () => {
      for (const group of live) killGroup(group);
    });
  }
  return () => {
    live.delete(pgid);
    killGroup(pgid);
  };
}
