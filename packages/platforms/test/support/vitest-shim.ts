/**
 * The part of vitest's API that a `describe…` suite of @wirekit/conformance uses (describe, it,
 * expect), for a runtime without vitest: the broker runner bundles this in place of `vitest`
 * (an esbuild alias), collects the cases, and runs them one by one, each bounded, with
 * conformance's own runtime-neutral `expect`.
 */
export { expect } from '@wirekit/conformance';

/** One collected case. */
interface CollectedCase {
  readonly title: string;
  readonly body: () => unknown;
  readonly timeoutMs: number;
}

/** Bound on a case that gives none (vitest's default is 5 s; the broker cases wait on timers). */
const CASE_MS = 15_000;

const collected: CollectedCase[] = [];
const prefixes: string[] = [];

export function describe(name: string, body: () => void): void {
  prefixes.push(name);
  try {
    body();
  } finally {
    prefixes.pop();
  }
}

export function it(title: string, body: () => unknown, timeoutMs = CASE_MS): void {
  collected.push({ title: [...prefixes, title].join(' > '), body, timeoutMs });
}

/** How a collected case ended. */
export interface ShimCaseResult {
  readonly title: string;
  readonly status: 'passed' | 'failed';
  readonly error?: string;
  readonly ms: number;
}

/** Runs every case collected so far, in order; never throws for a case's failure. */
export async function runCollected(): Promise<ShimCaseResult[]> {
  const results: ShimCaseResult[] = [];
  for (const kase of collected.splice(0)) {
    const started = performance.now();
    let timer: ReturnType<typeof setTimeout> | undefined;
    try {
      await Promise.race([
        Promise.resolve().then(kase.body),
        new Promise((_, reject) => {
          timer = setTimeout(() => reject(new Error(`timed out after ${kase.timeoutMs} ms`)), kase.timeoutMs);
        }),
      ]);
      results.push({ title: kase.title, status: 'passed', ms: performance.now() - started });
    } catch (error) {
      const message = error instanceof Error ? `${error.name}: ${error.message.split('\n')[0] ?? ''}` : String(error);
      results.push({ title: kase.title, status: 'failed', error: message, ms: performance.now() - started });
    } finally {
      clearTimeout(timer);
    }
  }
  return results;
}

/** Hooks are not needed by describeBroker; a suite that calls one fails loudly instead of running half set up. */
function unsupported(name: string): () => never {
  return () => {
    throw new Error(`the vitest shim has no ${name}: run this suite under vitest`);
  };
}
export const beforeAll = unsupported('beforeAll');
export const afterAll = unsupported('afterAll');
export const beforeEach = unsupported('beforeEach');
export const afterEach = unsupported('afterEach');
