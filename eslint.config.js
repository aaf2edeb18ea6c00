// ESLint 9 flat config for the whole monorepo. Syntax-only rules (no type information), so a
// full run stays fast; the type checker is `pnpm typecheck`. What ESLint cannot see (import
// direction between packages, file sizes, logic-free transports) is enforced by
// scripts/check-architecture.mjs, which `pnpm lint` runs right after this.
import { builtinModules } from 'node:module';
import { defineConfig, globalIgnores } from 'eslint/config';
import tseslint from 'typescript-eslint';

const SOURCE_FILES = ['**/*.{ts,mts,cts,tsx,js,mjs,cjs}'];
const PACKAGE_SRC = ['packages/*/src/**/*.{ts,mts,cts,tsx,js,mjs,cjs}'];
const PROTOCOL_SRC = ['packages/protocol/src/**/*.{ts,mts,cts,tsx,js,mjs,cjs}'];

// STYLE.md §11: `src/index.ts` lists every export by name; no `export *`, no default exports.
// Kept in one array because a later `no-restricted-syntax` entry replaces, not extends, an
// earlier one: the protocol block below repeats it.
const explicitExports = [
  {
    selector: 'ExportAllDeclaration',
    message: 'Export by name (STYLE.md §11): `export { Name } from`, `export type { Name } from`; no `export *`.',
  },
  {
    selector: 'ExportDefaultDeclaration',
    message: 'No default exports in packages/*/src (STYLE.md §11): use a named export.',
  },
  {
    selector: "ExportSpecifier[exported.name='default']",
    message: 'No default exports in packages/*/src (STYLE.md §11): use a named export.',
  },
];

// DESIGN.md + STYLE.md §2, §10: the engine is pure. Time, randomness and SHA-1 are injected,
// so nothing here may reach the clock, a timer, an RNG or Node's runtime.
const engineRestrictedGlobals = [
  ...['setTimeout', 'setInterval', 'setImmediate', 'clearTimeout', 'clearInterval', 'clearImmediate'].map((name) => ({
    name,
    message: 'protocol has no timers (STYLE.md §2): the caller drives time, e.g. through an injected clock.',
  })),
  { name: 'Buffer', message: 'protocol uses Uint8Array only (STYLE.md §9); Buffer is Node-only.' },
  { name: 'process', message: 'protocol never touches the Node runtime (DESIGN.md: no node: imports).' },
  { name: 'require', message: 'ESM only; and protocol imports nothing outside itself.' },
  { name: 'crypto', message: 'protocol gets randomness and SHA-1 injected (DESIGN.md); never read crypto directly.' },
  { name: 'performance', message: 'protocol never reads the clock (STYLE.md §10): inject it.' },
];

const engineRestrictedProperties = [
  { object: 'Math', property: 'random', message: 'Inject randomness (STYLE.md §10), e.g. `new Engine({ random })`.' },
  { object: 'Date', property: 'now', message: 'Inject time (STYLE.md §10), e.g. `{ clock }`.' },
  ...['setTimeout', 'setInterval', 'setImmediate', 'crypto', 'performance', 'Buffer', 'process'].map((property) => ({
    object: 'globalThis',
    property,
    message: 'protocol is pure (STYLE.md §2, §10): no timers, clock, RNG or Node runtime via globalThis either.',
  })),
];

export default defineConfig([
  globalIgnores(['**/dist/', '**/node_modules/', '**/.tsc/', '**/coverage/', '**/.bench-out/', '**/scratch/']),

  {
    name: 'wirekit/files',
    files: SOURCE_FILES,
    linterOptions: { reportUnusedDisableDirectives: 'error' },
  },

  tseslint.configs.recommended,

  {
    name: 'wirekit/house-style',
    files: SOURCE_FILES,
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        {
          args: 'after-used',
          argsIgnorePattern: '^_',
          varsIgnorePattern: '^_',
          caughtErrorsIgnorePattern: '^_',
          destructuredArrayIgnorePattern: '^_',
          ignoreRestSiblings: true,
        },
      ],
      // Deliberate in hot loops: noUncheckedIndexedAccess types `bytes[i]` as possibly
      // undefined even right after a bounds check, and a guard there costs real throughput.
      '@typescript-eslint/no-non-null-assertion': 'off',
      // verbatimModuleSyntax requires `import type` for type-only imports; say so at lint time too.
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
    },
  },

  {
    // In TypeScript, tsc already reports unused locals, imports and parameters (noUnusedLocals,
    // noUnusedParameters in tsconfig.base.json; `_`-prefixed parameters are exempt there too),
    // and unlike ESLint it counts TSDoc `{@link Name}` as a use of an imported `Name`. Running
    // both gave false positives on link-only type imports, so the compiler is the one judge.
    name: 'wirekit/ts-unused-by-tsc',
    // Only where scripts/typecheck.mjs runs tsc; root and per-package config files keep the rule.
    files: ['packages/*/{src,test,bench}/**/*.{ts,mts,cts,tsx}', 'docs/**/*.{ts,mts,cts,tsx}'],
    rules: { '@typescript-eslint/no-unused-vars': 'off' },
  },

  {
    name: 'wirekit/package-src',
    files: PACKAGE_SRC,
    rules: {
      'no-restricted-syntax': ['error', ...explicitExports],
    },
  },

  {
    name: 'wirekit/protocol-src',
    files: PROTOCOL_SRC,
    rules: {
      'no-restricted-syntax': ['error', ...explicitExports],
      'no-restricted-imports': [
        'error',
        {
          patterns: [{ group: ['node:*'], message: 'protocol never imports node: modules (DESIGN.md): it is sans-IO and browser-safe.' }],
          // Bare builtin names ('fs', 'crypto', …) are the same modules without the prefix.
          paths: builtinModules
            .filter((name) => !name.startsWith('_'))
            .map((name) => ({ name, message: 'protocol never imports Node builtins (DESIGN.md): it is sans-IO and browser-safe.' })),
        },
      ],
      'no-restricted-globals': ['error', ...engineRestrictedGlobals],
      'no-restricted-properties': ['error', ...engineRestrictedProperties],
    },
  },
]);
