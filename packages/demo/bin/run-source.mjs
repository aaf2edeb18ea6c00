// Runs one of the demo's programs from its TypeScript source, in this process: the "source"
// condition (./source-condition.mjs) and tsx's loader, then the program's `run(argv)`, whose
// result is the exit code. The bins exist so that `pnpm wirekit …` and `pnpm chat …` run them
// as binaries (`pnpm exec`: no script banner, no ELIFECYCLE line) with no build step.
import { register } from 'node:module';

/** Loads `src/<script>` and exits with what its `run` resolves to. */
export async function runSource(script) {
  register('./source-condition.mjs', import.meta.url);
  const { register: registerTsx } = await import('tsx/esm/api');
  registerTsx();
  const program = await import(new URL(`../src/${script}`, import.meta.url).href);
  // exit() so that a stdin nobody reads any more cannot keep the process alive.
  process.exit(await program.run(process.argv.slice(2)));
}
