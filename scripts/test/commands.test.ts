/**
 * Every command line the README and the docs show in a shell block is run by a test. This test
 * reads them all (README.md, docs/*.md, docs/transports/*.md, packages/*\/README.md) and checks each
 * against {@link RUNS}: the test file that runs it (which must hold the command, verbatim, as the
 * line it runs), or the .ci/run step that runs it. A new command in the docs fails here until a
 * test runs it. Ports and durations shown are placeholders a test fills in: `127.0.0.1:8080` and
 * `--port 8080` become `<port>`, the seconds of the fuzz run `<seconds>`.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..');
const read = (path: string): string => readFileSync(join(ROOT, path), 'utf8');

type Run = { readonly test: string } | { readonly ci: string } | { readonly pending: string };

const DEMO_TEST = 'packages/demo/test/pnpm-commands.integration.test.ts';
const FUZZ = 'node --conditions=source --import tsx packages/protocol/fuzz/long-run.ts <seconds>';

/** How each shown command is run. */
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
};

/** Commands shown but not run by any test yet, with why: the lead decides about them. */
const NOT_RUN: Readonly<Record<string, string>> = {
  'pnpm vitest run --project platforms': 'the platforms project, which `pnpm test` runs as a whole; not this exact line',
  'node packages/platforms/scripts/platform-matrix.mjs': 'rewrites docs/platforms.md; its functions are tested in platform-matrix.test.ts',
  'node packages/platforms/scripts/platform-matrix.mjs --check': 'compares docs/platforms.md with results/*.json, which the platform tests write during the same run',
};
/** Files whose commands belong to the benchmark work (issue 14); not checked here. */
const OTHER_OWNERS = ['docs/benchmarks.md', 'packages/bench/README.md'];

function markdownFiles(): string[] {
  const list = (dir: string): string[] => (existsSync(join(ROOT, dir)) ? readdirSync(join(ROOT, dir)).filter((name) => name.endsWith('.md')).map((name) => `${dir}/${name}`) : []);
  const packages = readdirSync(join(ROOT, 'packages')).map((name) => `packages/${name}/README.md`).filter((path) => existsSync(join(ROOT, path)));
  return ['README.md', ...list('docs'), ...list('docs/transports'), ...packages];
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

describe('every command the README and the docs show', () => {
  const shown = new Map<string, string[]>();
  for (const file of markdownFiles()) {
    if (OTHER_OWNERS.includes(file)) continue;
    for (const command of shownCommands(read(file))) shown.set(command, [...(shown.get(command) ?? []), file]);
  }

  it('finds the README’s two commands', () => {
    expect(shown.get('npx --yes pnpm@10.34.8 install && npx --yes pnpm@10.34.8 demo')).toContain('README.md');
    expect(shown.get('npx --yes pnpm@10.34.8 install && npx --yes pnpm@10.34.8 test')).toContain('README.md');
  });

  it('is run by a named test (which holds it verbatim) or by a .ci/run step, or listed as not run yet', () => {
    const ci = read('.ci/run');
    const problems: string[] = [];
    for (const [command, files] of shown) {
      const run = RUNS[command];
      if (run === undefined) {
        if (NOT_RUN[command] === undefined) problems.push(`${command} (${files.join(', ')}): no test runs it`);
        continue;
      }
      if ('test' in run && !read(run.test).includes(`'${command}'`)) problems.push(`${command}: ${run.test} does not hold it verbatim`);
      if ('ci' in run && !ci.includes(run.ci)) problems.push(`${command}: .ci/run has no ${run.ci}`);
    }
    expect(problems).toEqual([]);
    expect([...shown.keys()].filter((command) => NOT_RUN[command] !== undefined).sort()).toEqual(Object.keys(NOT_RUN).sort());
  });

  it(`runs ${FUZZ} for 2 seconds`, () => {
    const line = FUZZ.replace('<seconds>', '2');
    const output = execFileSync('bash', ['-c', line], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
    expect(output).not.toBe('');
  }, 70_000);
});
