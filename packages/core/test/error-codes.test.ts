import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { protocolErrorCodes } from '@wirekit/protocol';
import { describe, expect, it } from 'vitest';
import { errorCodes } from '../src/index.js';

const here = dirname(fileURLToPath(import.meta.url));
const protocolTests = join(here, '../../protocol/test');

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sources(path);
    return entry.name.endsWith('.ts') && !entry.name.startsWith('error-codes.') ? [readFileSync(path, 'utf8')] : [];
  });
}

describe('errorCodes', () => {
  const tests = [...sources(here), ...sources(protocolTests)].join('\n');

  it.each(Object.keys(errorCodes))('%s is triggered by some test of core or protocol (STYLE.md §5)', (code) => {
    expect(tests).toContain(`'${code}'`);
  });

  it.each(Object.entries(errorCodes))('%s has a description, a domain and a valid close code', (_code, entry) => {
    expect(entry.description.length).toBeGreaterThan(10);
    expect(['posix', 'dns', 'tls', 'websocket', 'usage']).toContain(entry.domain);
    if (entry.closeCode !== null) expect([1001, 1002, 1006, 1007, 1008, 1009, 1011]).toContain(entry.closeCode);
  });

  it('contains every code of the protocol table with the same close code', () => {
    for (const [code, entry] of Object.entries(protocolErrorCodes)) {
      expect(errorCodes).toHaveProperty(code);
      expect(errorCodes[code as keyof typeof errorCodes].closeCode).toBe(entry.closeCode);
    }
  });

  it.each(['WK_ERR_NOT_OPEN', 'WK_ERR_INVALID_URL', 'WK_ERR_FRAGMENT_ORDER'] as const)('puts the misuse code %s in domain usage', (code) => {
    expect(errorCodes[code].domain).toBe('usage');
  });
});
