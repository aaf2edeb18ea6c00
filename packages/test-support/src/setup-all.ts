/**
 * A `beforeAll` whose failure fails every test of the suite. vitest counts the tests of a suite
 * whose `beforeAll` threw as skipped; for a setup that needs the outside world (Chromium, Bun,
 * Deno, redis-server) that would hide a broken machine behind a green-looking "skipped".
 */
import { beforeAll, beforeEach } from 'vitest';

/** Default bound on a setup: vitest's hook timeout of the projects (vitest.shared.ts). */
const SETUP_MS = 30_000;

/**
 * Runs `setup` once before the suite's tests (as `beforeAll`) and returns a getter for its
 * result. When `setup` throws or takes longer than `timeoutMs`, each test of the suite fails
 * with that error (the hook itself never fails, so vitest never marks the tests skipped).
 *
 * @param timeoutMs bound on the setup (default 30 s, the projects' hook timeout).
 */
export function setupAll<T>(setup: () => Promise<T> | T, timeoutMs = SETUP_MS): () => T {
  let state: { ok: true; value: T } | { ok: false; error: unknown } = { ok: false, error: new Error('setupAll: the setup has not run') };
  beforeAll(async () => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`the suite's setup did not finish within ${timeoutMs} ms`)), timeoutMs);
    });
    try {
      state = { ok: true, value: await Promise.race([Promise.resolve().then(setup), late]) };
    } catch (error) {
      state = { ok: false, error };
    } finally {
      clearTimeout(timer);
    }
  }, timeoutMs + 5_000);
  beforeEach(() => {
    if (!state.ok) throw state.error;
  });
  return () => {
    if (!state.ok) throw state.error;
    return state.value;
  };
}
