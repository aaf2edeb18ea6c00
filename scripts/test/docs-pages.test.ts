/** Small things a reader sees first: the docs home, the icon, the README's links. */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..');
const read = (path: string): string => readFileSync(join(ROOT, path), 'utf8');

describe('the docs site and the README', () => {
  it('the home page has no Markdown in its feature texts (VitePress prints those as plain text)', () => {
    const details = [...read('docs/index.md').matchAll(/^\s+details: (.*)$/gm)].map((match) => match[1]!);
    expect(details.length).toBeGreaterThan(0);
    expect(details.filter((text) => /`|\*\*|\]\(/.test(text))).toEqual([]);
  });

  it('has an icon at /favicon.ico, linked from every page', () => {
    expect([...readFileSync(join(ROOT, 'docs/public/favicon.ico')).subarray(0, 4)]).toEqual([0, 0, 1, 0]);
    expect(read('docs/.vitepress/config.ts')).toContain("head: [['link', { rel: 'icon', href: '/favicon.ico' }]]");
  });

  it('every relative link of README.md and the packages’ READMEs points at a file in the repository', () => {
    const files = ['README.md', ...['demo', 'platforms', 'protocol', 'core', 'framed', 'task', 'streams', 'socket', 'adapter', 'server'].map((name) => `packages/${name}/README.md`)];
    const missing: string[] = [];
    for (const file of files.filter((path) => existsSync(join(ROOT, path)))) {
      for (const [, target] of read(file).matchAll(/\]\(([^)#\s]+)(?:#[^)]*)?\)/g)) {
        if (/^[a-z]+:/.test(target!)) continue;
        if (!existsSync(join(ROOT, dirname(file), target!))) missing.push(`${file} → ${target!}`);
      }
      if (/\bSTYLE\.md\b/.test(read(file)) && !existsSync(join(ROOT, 'STYLE.md'))) missing.push(`${file} names STYLE.md`);
    }
    expect(missing).toEqual([]);
  });
});
