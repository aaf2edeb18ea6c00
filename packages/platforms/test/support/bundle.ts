/**
 * Builds the runner bundles with esbuild: one per flavor, holding `runPlatform` and every
 * target whose package exports what it needs. Workspace packages are bundled from their
 * TypeScript source (the `source` condition), so no build step is needed first.
 */
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type BuildOptions, type Plugin } from 'esbuild';
import { TARGETS, type Flavor, type PlatformTarget } from './targets.js';

/** packages/platforms. */
export const PLATFORMS_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
/** packages/. */
const PACKAGES_DIR = resolve(PLATFORMS_DIR, '..');

const SUPPORT: Readonly<Record<Flavor, { readonly file: string; readonly name: string }>> = {
  web: { file: join(PLATFORMS_DIR, 'test/support/whatwg-connection.ts'), name: 'whatwgFactory' },
  node: { file: join(PLATFORMS_DIR, 'test/support/core-net.ts'), name: 'coreNetFactory' },
};

/**
 * Resolves `@wirekit/<name>` from that package's own directory (a package self-reference), so
 * that every workspace package can be bundled, including those this private package does not
 * list as dependencies (the transports: they come and go while being written).
 */
const workspacePackages: Plugin = {
  name: 'wirekit-workspace',
  setup(context) {
    // Third-party modules a target bundles (alsoImports), from the package that lists them.
    const extra = new Map(TARGETS.flatMap((target) => (target.alsoImports === undefined ? [] : [[target.alsoImports.from, target.alsoImports.resolveFrom] as const])));
    context.onResolve({ filter: /^[a-z@][^:]*$/ }, async (args) => {
      const owner = extra.get(args.path);
      if (owner === undefined || args.pluginData === 'self' || args.resolveDir !== PLATFORMS_DIR) return undefined;
      const result = await context.resolve(args.path, { kind: args.kind, resolveDir: join(PACKAGES_DIR, owner), pluginData: 'self' });
      return result.errors.length > 0 ? { errors: result.errors } : { path: result.path };
    });
    context.onResolve({ filter: /^@wirekit\/[a-z0-9-]+(?:\/[a-z0-9-]+)?$/ }, async (args) => {
      if (args.pluginData === 'self') return undefined;
      const name = args.path.split('/')[1] ?? '';
      const result = await context.resolve(args.path, { kind: args.kind, resolveDir: join(PACKAGES_DIR, name), pluginData: 'self' });
      return result.errors.length > 0 ? { errors: result.errors } : { path: result.path, external: result.external, sideEffects: result.sideEffects };
    });
  },
};

function options(flavor: Flavor): BuildOptions {
  const common: BuildOptions = { bundle: true, write: false, format: 'esm', target: 'es2022', logLevel: 'silent', plugins: [workspacePackages], legalComments: 'none' };
  if (flavor === 'web') {
    // @wirekit/conformance's entry also exports its Node side (servers, describeConnection);
    // the runner uses none of it, and the package is side-effect free, so those modules are
    // dropped. Marking their imports external lets esbuild get that far; checkPortable()
    // then proves that nothing Node-only is left in the bundle.
    return { ...common, platform: 'browser', conditions: ['browser', 'source'], external: ['node:*', 'ws', 'vitest'] };
  }
  return {
    ...common,
    platform: 'node',
    conditions: ['source'],
    // CommonJS dependencies (ws) call require() for Node builtins; an ESM bundle needs one.
    banner: { js: "import { createRequire as __wkCreateRequire } from 'node:module'; const require = __wkCreateRequire(import.meta.url);" },
  };
}

/** The generated entry: runPlatform over the targets, each import renamed so names never clash. */
function entrySource(flavor: Flavor, targets: readonly PlatformTarget[]): string {
  const support = SUPPORT[flavor];
  const lines = [
    `import { runPlatform } from ${JSON.stringify(join(PLATFORMS_DIR, 'test/support/runner.ts'))};`,
    `import { ${support.name} } from ${JSON.stringify(support.file)};`,
  ];
  const made: string[] = [];
  targets.forEach((target, index) => {
    const sources = [{ from: target.package, names: target.imports }, ...(target.alsoImports === undefined ? [] : [target.alsoImports])];
    const names: string[] = [];
    const aliases: string[] = [];
    for (const source of sources) {
      if (source.names.length === 0) continue;
      const renamed = source.names.map((name) => `t${index}_${name}`);
      lines.push(`import { ${source.names.map((name, i) => `${name} as ${renamed[i]}`).join(', ')} } from ${JSON.stringify(source.from)};`);
      names.push(...source.names);
      aliases.push(...renamed);
    }
    made.push(`  { id: ${JSON.stringify(target.id)}, make: () => ((${names.join(', ')}) => ${target.factory})(${aliases.join(', ')}) },`);
  });
  lines.push(`void ${support.name};`, `await runPlatform(${JSON.stringify(flavor)}, [`, ...made, ']);');
  return lines.join('\n');
}

/** Bundles `contents` for `flavor`; `alias` swaps modules (the broker runner's vitest shim). */
export async function bundleEntry(flavor: Flavor, contents: string, alias?: Record<string, string>): Promise<string> {
  const result = await build({ ...options(flavor), ...(alias === undefined ? {} : { alias }), stdin: { contents, resolveDir: PLATFORMS_DIR, loader: 'ts', sourcefile: `runner-${flavor}.ts` } });
  const output = result.outputFiles?.[0];
  if (output === undefined) throw new Error(`esbuild produced no ${flavor} runner`);
  return output.text;
}

/** An import of a module that does not exist in browsers, left in a bundle. */
const NODE_ONLY_IMPORT = /(?:^|[;\n])\s*import\b[^;\n]*?["'](?:node:[^"']+|ws|vitest)["']|\bimport\(\s*["'](?:node:[^"']+|ws|vitest)["']\s*\)/;

/** A target that cannot be bundled yet, and esbuild's reason. */
export interface UnavailableTarget {
  readonly target: PlatformTarget;
  readonly reason: string;
}

/** A runner bundle and what went into it. */
export interface RunnerBundle {
  readonly flavor: Flavor;
  readonly code: string;
  readonly targets: readonly PlatformTarget[];
  readonly unavailable: readonly UnavailableTarget[];
}

function firstError(error: unknown): string {
  const errors = (error as { errors?: Array<{ text: string; location?: { file: string } | null }> }).errors;
  const first = errors?.[0];
  if (first === undefined) return error instanceof Error ? error.message : String(error);
  return `${first.text}${first.location === null || first.location === undefined ? '' : ` (${first.location.file.replace(`${PACKAGES_DIR}/`, 'packages/')})`}`;
}

/**
 * Bundles the runner of a flavor. Each target is first bundled alone: one whose package does
 * not export what it needs yet (or does not bundle for this flavor) is left out and listed
 * with esbuild's reason, so that the others still run.
 *
 * @param only target ids to include (all of the flavor by default).
 * @param targetList the targets to choose from; {@link TARGETS} by default.
 */
export async function bundleRunner(flavor: Flavor, only?: readonly string[], targetList: readonly PlatformTarget[] = TARGETS): Promise<RunnerBundle> {
  const candidates = targetList.filter((target) => target.flavor === flavor && (only === undefined || only.includes(target.id)));
  const checks = await Promise.all(candidates.map(async (target) => {
    try {
      const code = await bundleEntry(flavor, entrySource(flavor, [target]).replace(/^await runPlatform/m, 'export const run = () => runPlatform'));
      const leftover = flavor === 'web' ? NODE_ONLY_IMPORT.exec(code) : null;
      return leftover === null ? { target } : { target, reason: `its web bundle still imports a Node-only module: ${leftover[0].replace(/^[;\s]+/, '')}` };
    } catch (error) {
      return { target, reason: firstError(error) };
    }
  }));
  const targets = checks.filter((check) => check.reason === undefined).map((check) => check.target);
  const unavailable = checks.flatMap((check) => (check.reason === undefined ? [] : [{ target: check.target, reason: check.reason }]));
  const code = await bundleEntry(flavor, entrySource(flavor, targets));
  if (flavor === 'web') {
    const leftover = NODE_ONLY_IMPORT.exec(code);
    if (leftover !== null) throw new Error(`the web runner still imports a Node-only module: ${leftover[0]}`);
  }
  return { flavor, code, targets, unavailable };
}
