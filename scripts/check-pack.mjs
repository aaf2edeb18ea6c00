#!/usr/bin/env node
// Checks what `npm publish` would ship for every published (non-private) package under packages/:
// the tarball may hold only README.md, package.json, LICENSE and dist/**/*.js | dist/**/*.d.ts,
// and it must hold every file that package.json's main/types/exports point at (except the
// `source` condition, which points at src/ for in-repo use only). Run after `pnpm build`.
// No dependencies; uses `npm pack --dry-run --json`, which lists files without writing a tarball.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const ALLOWED = [/^README\.md$/, /^package\.json$/, /^LICENSE$/, /^dist\/(?:.+\/)?[^/]+\.(?:js|d\.ts)$/];

/** Files that package.json says consumers will load, e.g. ./dist/index.js. */
function entryPoints(json) {
  const found = new Set();
  const visit = (value, key) => {
    if (key === 'source') return;
    if (typeof value === 'string') {
      if (value.startsWith('./') && !value.includes('*')) found.add(value.slice(2));
    } else if (value !== null && typeof value === 'object') {
      for (const [k, v] of Object.entries(value)) visit(v, k);
    }
  };
  visit(json.exports, '');
  for (const field of ['main', 'module', 'types', 'typings']) {
    if (typeof json[field] === 'string') found.add(json[field].replace(/^\.\//, ''));
  }
  return [...found];
}

const errors = [];
const warnings = [];
let checked = 0;
for (const short of existsSync('packages') ? readdirSync('packages').sort() : []) {
  const dir = join('packages', short);
  const manifest = join(dir, 'package.json');
  if (!existsSync(manifest)) continue;
  const json = JSON.parse(readFileSync(manifest, 'utf8'));
  if (json.private === true) continue;
  checked += 1;
  let files;
  try {
    const out = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
      cwd: dir,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    files = JSON.parse(out)[0].files.map((file) => file.path);
  } catch (error) {
    errors.push(`${json.name}: npm pack --dry-run failed: ${error.stderr || error.message}`);
    continue;
  }
  for (const file of files) {
    if (!ALLOWED.some((pattern) => pattern.test(file))) {
      errors.push(`${json.name}: tarball contains ${file} (only README.md, package.json, LICENSE, dist/**/*.js, dist/**/*.d.ts may ship)`);
    }
  }
  const shipped = new Set(files);
  for (const entry of entryPoints(json)) {
    if (!shipped.has(entry)) errors.push(`${json.name}: package.json points at ${entry}, which is not in the tarball (run \`pnpm build\` first?)`);
  }
  for (const expected of ['README.md', 'LICENSE']) {
    if (!shipped.has(expected)) warnings.push(`${json.name}: tarball has no ${expected}`);
  }
  console.log(`pack ${json.name}: ${files.length} files`);
}

for (const warning of warnings) console.warn(`warning: ${warning}`);
for (const error of errors) console.error(`error: ${error}`);
if (errors.length > 0) {
  console.error(`check-pack: ${errors.length} problem(s)`);
  process.exit(1);
}
console.log(`check-pack: ok (${checked} published package(s))`);
