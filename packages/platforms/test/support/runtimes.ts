/**
 * Bun and Deno for the platform tests, fetched on demand: they are ~94 MB of binaries that only
 * these tests need, so they are not in any package.json (a plain `pnpm install`, e.g. for the
 * demo, never downloads them). The first platform run installs the pinned version with npm into
 * a cache directory; later runs reuse it. A fetch that fails throws, and the suite's setupAll
 * turns that into failed tests, never skipped ones.
 */
import { existsSync, mkdirSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { runBounded } from '../../src/index.js';

/** The pinned versions (the ones docs/platforms.md reports). */
export const RUNTIME_VERSIONS = { bun: '1.4.5', deno: '2.9.6' } as const;
export type FetchedRuntime = keyof typeof RUNTIME_VERSIONS;

/** Bound on one npm install of a runtime: a ~50 MB download on a slow line. */
export const FETCH_MS = 240_000;

/** Where fetched runtimes live: $WIREKIT_RUNTIMES_DIR, else ~/.cache/wirekit/runtimes. */
export function runtimesDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.WIREKIT_RUNTIMES_DIR ?? join(homedir(), '.cache', 'wirekit', 'runtimes');
}

function npmCommand(): { command: string; args: string[] } {
  // npm's own CLI next to this Node (Node's installers put it there); else npm on PATH.
  const cli = join(dirname(process.execPath), '..', 'lib', 'node_modules', 'npm', 'bin', 'npm-cli.js');
  return existsSync(cli) ? { command: process.execPath, args: [cli] } : { command: 'npm', args: [] };
}

async function works(binary: string): Promise<boolean> {
  if (!existsSync(binary)) return false;
  const outcome = await runBounded(binary, ['--version'], { timeoutMs: 30_000 });
  return outcome.code === 0;
}

/**
 * The path of the runtime's binary, installing it first when the cache does not hold it.
 *
 * @throws {Error} with npm's output when the install fails or the installed binary does not run.
 */
export async function runtimeBinary(runtime: FetchedRuntime, root = runtimesDir()): Promise<string> {
  const version = RUNTIME_VERSIONS[runtime];
  const dir = join(root, `${runtime}@${version}`);
  const binary = join(dir, 'node_modules', '.bin', runtime);
  if (await works(binary)) return binary;
  mkdirSync(root, { recursive: true });
  // Install beside the final place, then rename: a run that dies half-way leaves no broken cache,
  // and two runs fetching at once both end with a whole one.
  const staging = mkdtempSync(join(root, `.${runtime}-`));
  try {
    const npm = npmCommand();
    const args = [...npm.args, 'install', '--prefix', staging, '--no-save', '--no-package-lock', '--no-audit', '--no-fund', '--loglevel=error', `${runtime}@${version}`];
    const outcome = await runBounded(npm.command, args, { timeoutMs: FETCH_MS });
    if (outcome.timedOut || outcome.code !== 0) {
      throw new Error(`could not fetch ${runtime}@${version} for the platform tests (npm install ${outcome.timedOut ? `took more than ${FETCH_MS} ms` : `exited with ${String(outcome.code ?? outcome.signal)}`}):\n${outcome.stderr.slice(-2_000)}`);
    }
    rmSync(dir, { recursive: true, force: true });
    try {
      renameSync(staging, dir);
    } catch (error) {
      if (!existsSync(dir)) throw error;
    }
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
  if (!(await works(binary))) throw new Error(`${runtime}@${version} was installed into ${dir} but ${binary} --version fails`);
  return binary;
}
