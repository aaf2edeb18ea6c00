#!/usr/bin/env node
// Checks the npm tarball of every published (non-private) package under packages/, as `pnpm pack`
// makes it (publishConfig applied, workspace:* replaced by versions). Run after `pnpm build`.
//   - the tarball holds only README.md, package.json, LICENSE and dist/**/*.{js,d.ts};
//   - every file its package.json points at (main, types, every exports condition) is in it, and
//     no condition points into src/ (the in-repo `source` condition is dropped by publishConfig);
//   - publint finds nothing (errors, warnings or suggestions) in the unpacked tarball;
//   - @arethetypeswrong/cli (attw) finds no problem in the tarball, for node16 (CJS and ESM),
//     bundler and node10 resolution (ESM only: a CJS `require` of it is not supported, so
//     attw's cjs-resolves-to-esm is expected and ignored).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const ALLOWED = [/^README\.md$/, /^package\.json$/, /^LICENSE$/, /^dist\/(?:.+\/)?[^/]+\.(?:js|d\.ts)$/];
const ROOT = process.cwd();
const BIN = join(ROOT, 'node_modules', '.bin');

/** Files that package.json says consumers will load, e.g. dist/index.js. */
export function entryPoints(json) {
  const found = new Set();
  const visit = (value) => {
    if (typeof value === 'string') {
      if (value.startsWith('./') && !value.includes('*')) found.add(value.slice(2));
    } else if (value !== null && typeof value === 'object') {
      for (const inner of Object.values(value)) visit(inner);
    }
  };
  visit(json.exports);
  for (const field of ['main', 'module', 'types', 'typings']) {
    if (typeof json[field] === 'string') found.add(json[field].replace(/^\.\//, ''));
  }
  return [...found];
}

function run(command, args, cwd) {
  return execFileSync(command, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

const errors = [];
const warnings = [];
let checked = 0;
const work = mkdtempSync(join(tmpdir(), 'wirekit-pack-'));
try {
  for (const short of existsSync('packages') ? readdirSync('packages').sort() : []) {
    const dir = join('packages', short);
    const manifest = join(dir, 'package.json');
    if (!existsSync(manifest)) continue;
    const source = JSON.parse(readFileSync(manifest, 'utf8'));
    if (source.private === true) continue;
    checked += 1;
    const name = source.name;
    const out = join(work, short);
    let tarball;
    try {
      run('pnpm', ['pack', '--pack-destination', out], resolve(dir));
      tarball = join(out, readdirSync(out).find((file) => file.endsWith('.tgz')));
    } catch (error) {
      errors.push(`${name}: pnpm pack failed: ${error.stderr || error.message}`);
      continue;
    }
    const files = run('tar', ['-tzf', tarball], ROOT)
      .split('\n')
      .filter((line) => line !== '' && !line.endsWith('/'))
      .map((line) => line.replace(/^package\//, ''));
    for (const file of files) {
      if (!ALLOWED.some((pattern) => pattern.test(file))) errors.push(`${name}: tarball contains ${file} (only README.md, package.json, LICENSE, dist/**/*.js, dist/**/*.d.ts may ship)`);
    }
    const unpacked = join(out, 'unpacked');
    run('mkdir', ['-p', unpacked], ROOT);
    run('tar', ['-xzf', tarball, '-C', unpacked, '--strip-components=1'], ROOT);
    const packed = JSON.parse(readFileSync(join(unpacked, 'package.json'), 'utf8'));
    const shipped = new Set(files);
    for (const entry of entryPoints(packed)) {
      if (!shipped.has(entry)) errors.push(`${name}: the packed package.json points at ${entry}, which is not in the tarball (run \`pnpm build\` first?)`);
    }
    for (const [field, deps] of Object.entries({ dependencies: packed.dependencies, peerDependencies: packed.peerDependencies })) {
      for (const [dep, range] of Object.entries(deps ?? {})) if (String(range).startsWith('workspace:')) errors.push(`${name}: packed ${field} keeps ${dep}@${range}`);
    }
    for (const expected of ['README.md', 'LICENSE']) if (!shipped.has(expected)) warnings.push(`${name}: tarball has no ${expected}`);
    try {
      const report = run(join(BIN, 'publint'), ['run', unpacked, '--pack', 'false', '--strict', '--level', 'suggestion'], ROOT);
      if (!report.includes('All good!')) errors.push(`${name}: publint:\n${report}`);
    } catch (error) {
      errors.push(`${name}: publint:\n${error.stdout || ''}${error.stderr || error.message}`);
    }
    try {
      run(join(BIN, 'attw'), [tarball, '--format', 'ascii', '--profile', 'esm-only', '--no-color'], ROOT);
    } catch (error) {
      errors.push(`${name}: attw:\n${error.stdout || ''}${error.stderr || error.message}`);
    }
    console.log(`pack ${name}: ${files.length} files; publint and attw clean`);
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}

for (const warning of warnings) console.warn(`warning: ${warning}`);
for (const error of errors) console.error(`error: ${error}`);
if (errors.length > 0) {
  console.error(`check-pack: ${errors.length} problem(s)`);
  process.exit(1);
}
console.log(`check-pack: ok (${checked} published package(s))`);
