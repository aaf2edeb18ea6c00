import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const packagesDir = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
/** What the soak's WireKit side loads, in dependency order. */
const PACKAGES = ['protocol', 'core', 'server', 'framed'] as const;

/** Where the soak children load WireKit from: the TypeScript sources (through tsx), or a tsc build. */
export interface WireKitModules {
  readonly server: string;
  readonly framed: string;
  /** Removes the build, if any. */
  readonly dispose: () => void;
}

/** The workspace packages, as `pnpm test` runs them: TypeScript sources through tsx. */
export const sourceModules: WireKitModules = { server: '@wirekit/server', framed: '@wirekit/framed', dispose: () => undefined };

async function compile(tsc: string, name: string, target: string): Promise<void> {
  try {
    await run(process.execPath, [tsc, '-p', join(packagesDir, name, 'tsconfig.build.json'), '--outDir', join(target, 'dist'), '--declaration', 'false', '--noCheck'], {
      maxBuffer: 16 * 1024 * 1024,
    });
  } catch (error) {
    if (!existsSync(join(target, 'dist', 'index.js'))) throw error;
    const output = String((error as { stdout?: unknown }).stdout ?? '').split('\n').slice(0, 3).join('\n');
    console.warn(`[soak] @wirekit/${name} compiled with errors:\n${output}`);
  }
}

/**
 * Compiles protocol, core, server and framed with their own tsconfig.build.json (as `pnpm build`
 * does) into a temporary node_modules, so that the soak measures the JavaScript users install.
 * Running the sources through tsx instead would add, to every closure, the `name` property
 * esbuild's keepNames defines (a 256-byte property dictionary each, about 3 KiB per connection).
 * Emit only: type errors in a package being edited do not stop the build.
 */
export async function buildWireKit(): Promise<WireKitModules> {
  const root = mkdtempSync(join(tmpdir(), 'wirekit-soak-'));
  const modules = join(root, 'node_modules');
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  // Emit only (--noCheck): `pnpm typecheck` is the type checker; the packages compile in parallel.
  await Promise.all(PACKAGES.map((name) => compile(tsc, name, join(modules, '@wirekit', name))));
  for (const name of PACKAGES) {
    const source = join(packagesDir, name);
    const target = join(modules, '@wirekit', name);
    writeFileSync(join(target, 'package.json'), JSON.stringify({ name: `@wirekit/${name}`, type: 'module', exports: { '.': './dist/index.js' } }));
    const manifest = JSON.parse(readFileSync(join(source, 'package.json'), 'utf8')) as { dependencies?: Record<string, string> };
    for (const dependency of Object.keys(manifest.dependencies ?? {})) {
      const link = join(modules, dependency);
      if (dependency.startsWith('@wirekit/') || existsSync(link)) continue;
      mkdirSync(dirname(link), { recursive: true });
      symlinkSync(realpathSync(join(source, 'node_modules', dependency)), link, 'dir');
    }
  }
  return {
    server: join(modules, '@wirekit', 'server', 'dist', 'index.js'),
    framed: join(modules, '@wirekit', 'framed', 'dist', 'index.js'),
    dispose: () => rmSync(root, { recursive: true, force: true }),
  };
}
