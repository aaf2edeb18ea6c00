/**
 * Every command line the README and the docs show in a shell block is run by a test. This test
 * reads them all (README.md, every .md under docs/, packages/*\/README.md) and checks each
 * against {@link RUNS}: the test file that runs it (which must hold the command, verbatim, as the
 * line it runs), the .ci/run step that runs it, or this file (the benchmarks' plans). A new
 * command in the docs fails here until something runs it; there is no list of exceptions. Ports and durations shown are placeholders a test fills in: `127.0.0.1:8080` and
 * `--port 8080` become `<port>`, the seconds of the fuzz run `<seconds>`.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..');
const read = (path: string): string => readFileSync(join(ROOT, path), 'utf8');

/**
 * How a shown command is run: by the named test file, which holds the line verbatim; by a .ci/run
 * step; or here, by this file (`plan`): run as shown with WIREKIT_BENCH_PLAN_ONLY=1, so a benchmark that takes up to half an hour checks its arguments,
 * prints its plan and exits 0 (packages/bench/src/plan-only.ts) — its argument handling is tested,
 * not its measurement.
 */
type Run = { readonly test: string } | { readonly ci: string } | { readonly here: 'plan' };

const DEMO_TEST = 'packages/demo/test/pnpm-commands.integration.test.ts';
const FUZZ = 'node --conditions=source --import tsx packages/protocol/fuzz/long-run.ts <seconds>';
const PLAN: Run = { here: 'plan' };

/** How each shown command is run. A command shown in a .md file and missing here fails the test. */
const RUNS: Readonly<Record<string, Run>> = {
  'npx --yes pnpm@10.34.8 install && npx --yes pnpm@10.34.8 demo': { test: DEMO_TEST },
  'npx --yes pnpm@10.34.8 install && npx --yes pnpm@10.34.8 test': { ci: 'README_TEST_COMMAND=\'npx --yes pnpm@10.34.8 install && npx --yes pnpm@10.34.8 test\'' },
  'pnpm demo': { test: DEMO_TEST },
  'pnpm demo --no-chat': { test: DEMO_TEST },
  'pnpm demo --port <port>': { test: DEMO_TEST },
  'pnpm chat ws://127.0.0.1:<port>/chat --name bob --room lobby': { test: DEMO_TEST },
  'pnpm wirekit connect ws://127.0.0.1:<port>/chat --transport socket --protocol wirekit.chat.v1': { test: DEMO_TEST },
  'pnpm docs:build': { ci: 'step docs "${PNPM[@]}" docs:build' },
  'pnpm install && pnpm build': { ci: 'step build "${PNPM[@]}" build' },
  'pnpm --filter @wirekit/protocol --filter @wirekit/core --filter @wirekit/framed pack --pack-destination tarballs': { test: 'scripts/test/install-from-checkout.test.ts' },
  'npm install ../wirekit/tarballs/wirekit-protocol-0.1.0.tgz ../wirekit/tarballs/wirekit-core-0.1.0.tgz ../wirekit/tarballs/wirekit-framed-0.1.0.tgz': { test: 'scripts/test/install-from-checkout.test.ts' },
  [FUZZ]: { test: 'scripts/test/commands.test.ts' },
  'pnpm demo --nodes 2': { test: 'packages/demo/test/chat-cluster.integration.test.ts' },
  'pnpm --filter @wirekit/bench run scale-out': { test: 'packages/bench/test/scale-out.integration.test.ts' },
  // packages/platforms/README.md: the platform project on its own, then the page from its results.
  'pnpm vitest run --project platforms': { ci: 'step platforms "${PNPM[@]}" vitest run --project platforms' },
  'node packages/platforms/scripts/platform-matrix.mjs --check': { ci: 'step matrix-check node packages/platforms/scripts/platform-matrix.mjs --check' },
  'node packages/platforms/scripts/platform-matrix.mjs': { ci: 'step matrix node packages/platforms/scripts/platform-matrix.mjs' },
  // docs/benchmarks.md and packages/bench/README.md: the quick comparison runs in full in CI;
  // the long ones (up to ~30 min) check their arguments and plan here.
  'pnpm --filter @wirekit/bench compare --quick': { ci: 'step bench-quick "${PNPM[@]}" --filter @wirekit/bench compare --quick' },
  'pnpm bench:compare': PLAN,
  'pnpm --filter @wirekit/bench compare': PLAN,
  "pnpm --filter @wirekit/bench compare --only 'ws + bufferutil,framed' --workloads small,latency --reps 5": PLAN,
  "pnpm --filter @wirekit/bench compare --only 'ws + bufferutil,framed' --workloads broadcast1k,broadcast10k": PLAN,
  "pnpm --filter @wirekit/bench compare --only 'ws + bufferutil,framed' --workloads handshakes,handshakes32 --reps 1": PLAN,
  "pnpm --filter @wirekit/bench compare --only 'ws + bufferutil,framed' --workloads latency --pin split": PLAN,
  'pnpm --filter @wirekit/bench compare --write-docs': PLAN,
  'pnpm --filter @wirekit/bench soak': PLAN,
  'pnpm --filter @wirekit/bench soak --connections 5000 --duration 120 --interval 500 --size 256': PLAN,
  'pnpm --filter @wirekit/bench soak --targets wirekit --json': PLAN,
  'pnpm --filter @wirekit/bench soak --source': PLAN,
};

/** Every .md file whose shell blocks are checked: README.md, all of docs/ (but node_modules and build output), every package's README. */
export function markdownFiles(root: string = ROOT): string[] {
  const walk = (dir: string): string[] =>
    readdirSync(join(root, dir), { withFileTypes: true }).flatMap((entry) => {
      if (entry.isDirectory()) return entry.name === 'node_modules' || entry.name.startsWith('.') ? [] : walk(`${dir}/${entry.name}`);
      return entry.name.endsWith('.md') ? [`${dir}/${entry.name}`] : [];
    });
  const packages = readdirSync(join(root, 'packages')).map((name) => `packages/${name}/README.md`).filter((path) => existsSync(join(root, path)));
  return ['README.md', ...walk('docs'), ...packages];
}

/** The command lines of a Markdown file's sh/bash/shell/console blocks, normalized. */
export function shownCommands(markdown: string): string[] {
  const commands: string[] = [];
  for (const [, body] of markdown.matchAll(/^```(?:sh|bash|shell|console)\n([\s\S]*?)^```/gm)) {
    for (const raw of body!.split('\n')) {
      const line = raw.replace(/\s+#.*$/, '').trim();
      if (line === '' || line.startsWith('#')) continue;
      commands.push(
        line
          .replace(/127\.0\.0\.1:\d+/g, '127.0.0.1:<port>')
          .replace(/--port \d+/g, '--port <port>')
          .replace(/(long-run\.ts) \d+/, '$1 <seconds>'),
      );
    }
  }
  return commands;
}

/** What is wrong with the shown commands: one line per command no test runs, or whose runner does not hold it. */
export function problemsOf(shown: ReadonlyMap<string, readonly string[]>, runs: Readonly<Record<string, Run>>, ci: string): string[] {
  const problems: string[] = [];
  for (const [command, files] of shown) {
    const run = runs[command];
    if (run === undefined) problems.push(`${command} (${files.join(', ')}): no test runs it`);
    else if ('test' in run && !read(run.test).includes(`'${command}'`)) problems.push(`${command}: ${run.test} does not hold it verbatim`);
    else if ('ci' in run && !ci.includes(run.ci)) problems.push(`${command}: .ci/run has no ${run.ci}`);
  }
  for (const command of Object.keys(runs)) if (!shown.has(command)) problems.push(`${command}: mapped, but no .md file shows it any more`);
  return problems;
}

describe('every command the README and the docs show', () => {
  const shown = new Map<string, string[]>();
  for (const file of markdownFiles()) {
    for (const command of shownCommands(read(file))) shown.set(command, [...(shown.get(command) ?? []), file]);
  }

  it('reads every .md file of README, docs/ (with its subfolders) and packages/*/README.md', () => {
    const files = markdownFiles();
    for (const file of ['README.md', 'docs/benchmarks.md', 'docs/transports/socket.md', 'packages/bench/README.md', 'packages/platforms/README.md']) expect(files).toContain(file);
    expect(files.some((file) => file.includes('node_modules'))).toBe(false);
  });

  it('finds the README’s two commands', () => {
    expect(shown.get('npx --yes pnpm@10.34.8 install && npx --yes pnpm@10.34.8 demo')).toContain('README.md');
    expect(shown.get('npx --yes pnpm@10.34.8 install && npx --yes pnpm@10.34.8 test')).toContain('README.md');
  });

  it('is run by a named test (which holds it verbatim), by a .ci/run step, or here; nothing is left unrun', () => {
    expect(problemsOf(shown, RUNS, read('.ci/run'))).toEqual([]);
  });

  it('fails on a command a page shows that nothing runs, and on a mapping whose runner lost the line', () => {
    const page = 'Try:\n\n```sh\npnpm demo\npnpm frobnicate --all   # new\n```\n';
    const fake = new Map(shownCommands(page).map((command) => [command, ['docs/new.md']]));
    expect(problemsOf(fake, { 'pnpm demo': { test: 'README.md' } }, '')).toEqual([
      'pnpm demo: README.md does not hold it verbatim',
      'pnpm frobnicate --all (docs/new.md): no test runs it',
    ]);
    expect(problemsOf(new Map([['pnpm docs:build', ['x.md']]]), { 'pnpm docs:build': { ci: 'step docs pnpm docs:build' } }, '')).toEqual(['pnpm docs:build: .ci/run has no step docs pnpm docs:build']);
  });

  const planned = Object.entries(RUNS).filter(([, run]) => 'here' in run && run.here === 'plan').map(([command]) => command);
  it.each(planned)('runs %s as shown, stopping after its plan (WIREKIT_BENCH_PLAN_ONLY=1)', (command) => {
    const output = execFileSync('bash', ['-c', command], { cwd: ROOT, encoding: 'utf8', timeout: 60_000, env: { ...process.env, WIREKIT_BENCH_PLAN_ONLY: '1' } });
    const plan = JSON.parse(output.trim().split('\n').at(-1)!) as { command: string; planOnly: boolean };
    expect(plan).toMatchObject({ command: command.includes('soak') ? 'soak' : 'compare', planOnly: true });
  }, 70_000);

  it('refuses a benchmark plan with a transport or repetition count it does not know, naming it', () => {
    const env = { ...process.env, WIREKIT_BENCH_PLAN_ONLY: '1' };
    for (const [args, says] of [["--only 'ws,nope'", 'unknown transport ws'], ['--reps 0', '--reps must be a positive integer']] as const) {
      let failure = '';
      try {
        execFileSync('bash', ['-c', `pnpm --filter @wirekit/bench compare ${args}`], { cwd: ROOT, encoding: 'utf8', timeout: 60_000, env, stdio: 'pipe' });
      } catch (error) {
        failure = String((error as { stderr?: string }).stderr);
      }
      expect(failure).toContain(says);
    }
  }, 130_000);

  it(`runs ${FUZZ} for 2 seconds`, () => {
    const line = FUZZ.replace('<seconds>', '2');
    const output = execFileSync('bash', ['-c', line], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
    expect(output).not.toBe('');
  }, 70_000);
});
