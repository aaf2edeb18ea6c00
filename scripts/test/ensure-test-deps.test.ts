/**
 * scripts/ensure-test-deps.mjs, the first step of `pnpm test`. Chromium and redis-server are
 * installed on the machines that run this, so the "present" branch runs for real; the
 * "missing" branches run the same code on requirements inside a temp dir, with a fake apt-get
 * put first on PATH that records its arguments and "installs" by creating the files.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ensureTestDeps, REQUIREMENTS, type Requirement } from '../ensure-test-deps.mjs';

const SCRIPT = join(import.meta.dirname, '..', 'ensure-test-deps.mjs');
const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A temp dir with bin/ (put on PATH) and a fake apt-get; `fail` makes `apt-get install` exit 100. */
function sandbox(options: { apt?: boolean; fail?: boolean } = {}): { dir: string; bin: string; calls: () => string[]; requirements: Requirement[] } {
  const dir = mkdtempSync(join(tmpdir(), 'wirekit-ensure-'));
  dirs.push(dir);
  const bin = join(dir, 'bin');
  execFileSync('mkdir', ['-p', bin]);
  // openssl is there in every sandbox: the cases below are about Chromium and redis-server.
  writeFileSync(join(bin, 'openssl'), '#!/bin/sh\n');
  chmodSync(join(bin, 'openssl'), 0o755);
  const log = join(dir, 'apt.log');
  const browser = join(dir, 'usr-bin-chromium');
  if (options.apt !== false) {
    writeFileSync(
      join(bin, 'apt-get'),
      [
        '#!/bin/sh',
        `echo "$DEBIAN_FRONTEND $*" >> '${log}'`,
        'if [ "$1" = install ]; then',
        options.fail === true ? '  exit 100' : `  printf '#!/bin/sh\\n' > '${browser}'; /bin/chmod +x '${browser}'; /bin/cp '${browser}' '${bin}/redis-server'`,
        'fi',
        'exit 0',
        '',
      ].join('\n'),
    );
    chmodSync(join(bin, 'apt-get'), 0o755);
  }
  const requirements = REQUIREMENTS.map((requirement) => (requirement.path === undefined ? requirement : { ...requirement, path: browser }));
  return { dir, bin, calls: () => (existsSync(log) ? readFileSync(log, 'utf8').trim().split('\n') : []), requirements };
}

describe('ensure-test-deps', () => {
  it('needs Chromium at /usr/bin/chromium, redis-server and openssl on PATH, from the Debian packages chromium, redis-server and openssl', () => {
    expect(REQUIREMENTS.map((requirement) => [requirement.path ?? requirement.command, requirement.aptPackage])).toEqual([
      ['/usr/bin/chromium', 'chromium'],
      ['redis-server', 'redis-server'],
      ['openssl', 'openssl'],
    ]);
  });

  it('does nothing but say so when both are installed (this machine; run as `pnpm test` runs it)', () => {
    const { bin, calls } = sandbox();
    const output = execFileSync(process.execPath, [SCRIPT], { env: { ...process.env, PATH: `${bin}:${process.env.PATH ?? ''}` }, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    expect(output).toBe('');
    expect(calls()).toEqual([]);
  });

  it('run as a command with redis-server off PATH and no apt-get there: exits 1 in its first seconds and says why', () => {
    const { bin } = sandbox({ apt: false });
    const started = Date.now();
    let status = 0;
    let stderr = '';
    try {
      execFileSync(process.execPath, [SCRIPT], { env: { PATH: bin }, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 10_000 });
    } catch (error) {
      ({ status, stderr } = error as { status: number; stderr: string });
    }
    expect(status).toBe(1);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(stderr).toContain('The tests need redis-server (the Redis broker tests), which is not installed');
  });

  it('as root with apt-get, installs what is missing (apt-get update, then install -y, non-interactive) and says so first', () => {
    const { bin, calls, requirements } = sandbox();
    const lines: string[] = [];
    const status = ensureTestDeps({ requirements, env: { PATH: bin }, root: true, log: (line) => lines.push(line), stdio: 'ignore' });
    expect(status).toBe(0);
    expect(calls()).toEqual(['noninteractive update', 'noninteractive install -y chromium redis-server']);
    expect(lines[0]).toBe('The tests need Chromium (the browser tests (packages/platforms, the chat page)); redis-server (the Redis broker tests). Installing: apt-get update && apt-get install -y chromium redis-server');
    expect(lines.at(-1)).toBe('test dependencies: installed chromium, redis-server');
  });

  it('installs only the missing one', () => {
    const { bin, calls, requirements } = sandbox();
    writeFileSync(join(bin, 'redis-server'), '#!/bin/sh\n');
    chmodSync(join(bin, 'redis-server'), 0o755);
    expect(ensureTestDeps({ requirements, env: { PATH: bin }, root: true, log: () => undefined, stdio: 'ignore' })).toBe(0);
    expect(calls()).toEqual(['noninteractive update', 'noninteractive install -y chromium']);
  });

  it('not root: fails at once with the one command that fixes it, and runs no apt-get', () => {
    const { bin, calls, requirements } = sandbox();
    const lines: string[] = [];
    const started = Date.now();
    expect(ensureTestDeps({ requirements, env: { PATH: bin }, root: false, log: (line) => lines.push(line) })).toBe(1);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(calls()).toEqual([]);
    expect(lines.join('\n')).toContain('installing needs root');
    expect(lines.join('\n')).toContain('  sudo apt-get update && sudo apt-get install -y chromium redis-server\n');
  });

  it('no apt-get: fails at once naming the packages', () => {
    const { bin, requirements } = sandbox({ apt: false });
    const lines: string[] = [];
    expect(ensureTestDeps({ requirements, env: { PATH: bin }, root: true, log: (line) => lines.push(line) })).toBe(1);
    expect(lines.join('\n')).toContain('there is no apt-get here');
    expect(lines.join('\n')).toContain('Debian packages chromium, redis-server');
  });

  it('a failing apt-get fails the step with the command to retry', () => {
    const { bin, calls, requirements } = sandbox({ fail: true });
    const lines: string[] = [];
    expect(ensureTestDeps({ requirements, env: { PATH: bin }, root: true, log: (line) => lines.push(line), stdio: 'ignore' })).toBe(1);
    expect(calls()).toEqual(['noninteractive update', 'noninteractive install -y chromium redis-server']);
    expect(lines.at(-1)).toBe('apt-get install -y chromium redis-server failed (exit 100). Fix it and run: apt-get update && apt-get install -y chromium redis-server');
  });
});
