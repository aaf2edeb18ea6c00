// Type-checks every package: its src with the package's own (strict, minimal-lib) tsconfig,
// then its tests, benchmarks and samples with test/tsconfig.json when the package has one.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

const tsc = join('node_modules', 'typescript', 'bin', 'tsc');
const configs = [];
for (const name of readdirSync('packages').sort()) {
  for (const rel of ['tsconfig.json', 'test/tsconfig.json']) {
    const file = join('packages', name, rel);
    if (existsSync(file)) configs.push(file);
  }
}
if (existsSync('docs/tsconfig.json')) configs.push('docs/tsconfig.json');
if (existsSync('scripts/test/tsconfig.json')) configs.push('scripts/test/tsconfig.json');
let failed = 0;
for (const config of configs) {
  try {
    execFileSync(process.execPath, [tsc, '-p', config], { stdio: 'inherit' });
    console.log(`typecheck ok  ${config}`);
  } catch {
    failed += 1;
    console.error(`typecheck FAIL ${config}`);
  }
}
if (failed > 0) process.exit(1);
