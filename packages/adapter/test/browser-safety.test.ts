/**
 * The browser entry must not load Node: no file reachable from src/index.ts may import a node:
 * module, a Node builtin or `ws` statically (connectWs imports ws lazily, through a variable
 * specifier that bundlers leave alone).
 */
import { readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const SRC = join(dirname(fileURLToPath(import.meta.url)), '..', 'src');
const IMPORT = /^\s*(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|^\s*import\s*['"]([^'"]+)['"]|\bimport\(\s*['"]([^'"]+)['"]\s*\)/gm;

function reachable(entry: string): Map<string, string[]> {
  const seen = new Map<string, string[]>();
  const visit = (file: string): void => {
    if (seen.has(file)) return;
    const specifiers = [...readFileSync(join(SRC, file), 'utf8').matchAll(IMPORT)].map((match) => match[1] ?? match[2] ?? match[3]!);
    seen.set(file, specifiers);
    for (const specifier of specifiers) if (specifier.startsWith('./')) visit(specifier.slice(2).replace(/\.js$/, '.ts'));
  };
  visit(entry);
  return seen;
}

describe('browser safety', () => {
  it('imports no Node module and not ws from any file src/index.ts reaches', () => {
    const files = reachable('index.ts');
    expect(files.size).toBeGreaterThan(5);
    const builtins = new Set(builtinModules);
    for (const [file, specifiers] of files) {
      for (const specifier of specifiers) {
        const bad = specifier.startsWith('node:') || builtins.has(specifier) || specifier === 'ws' || specifier.startsWith('ws/');
        expect(bad, `${file} imports ${specifier}`).toBe(false);
      }
    }
  });
});
