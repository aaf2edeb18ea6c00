import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { protocolErrorCodes } from '../src/index.js';

const here = dirname(fileURLToPath(import.meta.url));

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sources(path);
    return entry.name.endsWith('.ts') && path !== fileURLToPath(import.meta.url) ? [readFileSync(path, 'utf8')] : [];
  });
}

describe('protocolErrorCodes', () => {
  const tests = sources(here).join('\n');

  it.each(Object.keys(protocolErrorCodes))('%s is triggered by some test (STYLE.md §5)', (code) => {
    // Every code must appear in an assertion or a vector of another test file.
    expect(tests).toContain(`'${code}'`);
  });

  it.each(Object.entries(protocolErrorCodes))('%s has a description and a valid close code', (_code, entry) => {
    expect(entry.description.length).toBeGreaterThan(10);
    if (entry.closeCode !== null) expect([1002, 1007, 1008, 1009, 1011]).toContain(entry.closeCode);
  });
});
