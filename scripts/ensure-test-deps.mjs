#!/usr/bin/env node
// The first step of `pnpm test`: makes sure the programs the tests start are installed, so that
// the README's test command passes on a fresh Debian machine that has only Node and npm.
//
//   - Chromium at /usr/bin/chromium (Debian's `chromium`): the browser half of the platform
//     tests and the chat room's page test drive it through playwright-core.
//   - redis-server on PATH (Debian's `redis-server`): the Redis broker tests start their own.
//   - openssl on PATH (Debian's `openssl`): the TLS tests make their certificates with it.
//
// When one is missing: as root with apt-get, installs it (`apt-get update`, then
// `apt-get install -y …`), saying so first; otherwise exits 1 at once with the one command that
// fixes it. Bun and Deno are not here: the platform tests fetch them on demand (npm, into a cache).
// No dependencies: plain Node, run from the repository root.
import { spawnSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { pathToFileURL } from 'node:url';

/** What the tests need: a fixed path (`path`) or a command found on PATH (`command`), and its Debian package. */
export const REQUIREMENTS = [
  { name: 'Chromium', path: '/usr/bin/chromium', aptPackage: 'chromium', usedBy: 'the browser tests (packages/platforms, the chat page)' },
  { name: 'redis-server', command: 'redis-server', aptPackage: 'redis-server', usedBy: 'the Redis broker tests' },
  { name: 'openssl', command: 'openssl', aptPackage: 'openssl', usedBy: 'the TLS tests (throwaway CAs and certificates, Chromium over HTTP/2)' },
];

/** Bound on each apt-get run: a slow mirror can take minutes for Chromium's ~100 MB. */
const APT_MS = 15 * 60_000;

function executable(file) {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The first executable `command` on `PATH`, or undefined. */
export function which(command, env = process.env) {
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (dir !== '' && executable(join(dir, command))) return join(dir, command);
  }
  return undefined;
}

/** The requirements that are not installed. */
export function missingRequirements(requirements = REQUIREMENTS, env = process.env) {
  return requirements.filter((requirement) => (requirement.path !== undefined ? !executable(requirement.path) : which(requirement.command, env) === undefined));
}

/** The one command that installs `packages` (with sudo when not root). */
export function fixCommand(packages, root) {
  const sudo = root ? '' : 'sudo ';
  return `${sudo}apt-get update && ${sudo}apt-get install -y ${packages.join(' ')}`;
}

/**
 * Installs what is missing, or explains how. Returns the exit status (0: everything is there).
 *
 * @param {{ requirements?: typeof REQUIREMENTS, env?: NodeJS.ProcessEnv, root?: boolean, log?: (line: string) => void, stdio?: 'inherit' | 'ignore' }} options
 */
export function ensureTestDeps(options = {}) {
  const { requirements = REQUIREMENTS, env = process.env, root = process.getuid?.() === 0, log = (line) => console.error(line), stdio = 'inherit' } = options;
  const missing = missingRequirements(requirements, env);
  if (missing.length === 0) {
    log(`test dependencies: ${requirements.map((requirement) => requirement.name).join(', ')} installed`);
    return 0;
  }
  const packages = missing.map((requirement) => requirement.aptPackage);
  const what = missing.map((requirement) => `${requirement.name} (${requirement.usedBy})`).join('; ');
  const fix = fixCommand(packages, root);
  const apt = which('apt-get', env);
  if (!root || apt === undefined) {
    log(`The tests need ${what}, which ${missing.length === 1 ? 'is' : 'are'} not installed, and ${root ? 'there is no apt-get here' : 'installing needs root'}.`);
    log(root ? `Install the Debian packages ${packages.join(', ')} with this system's package manager, then run the tests again.` : `Run this, then the tests again:\n\n  ${fix}\n`);
    return 1;
  }
  log(`The tests need ${what}. Installing: ${fix}`);
  const aptEnv = { ...env, DEBIAN_FRONTEND: 'noninteractive' };
  for (const args of [['update'], ['install', '-y', ...packages]]) {
    const result = spawnSync(apt, args, { stdio, env: aptEnv, timeout: APT_MS });
    if (result.status !== 0) {
      log(`apt-get ${args.join(' ')} failed (${result.error?.message ?? `exit ${String(result.status ?? result.signal)}`}). Fix it and run: ${fix}`);
      return 1;
    }
  }
  const still = missingRequirements(requirements, env);
  if (still.length > 0) {
    log(`apt-get installed ${packages.join(', ')}, but ${still.map((requirement) => requirement.path ?? requirement.command).join(', ')} is still missing.`);
    return 1;
  }
  log(`test dependencies: installed ${packages.join(', ')}`);
  return 0;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) process.exit(ensureTestDeps());
