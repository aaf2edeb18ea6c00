import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const FIXTURE = join(import.meta.dirname, 'fixtures', 'failing-setup');
const VITEST = join(import.meta.dirname, '..', 'node_modules', 'vitest', 'vitest.mjs');

describe('setupAll', () => {
  it('fails (never skips) every test of a suite whose setup throws or hangs, and passes the rest', () => {
    const out = mkdtempSync(join(tmpdir(), 'wirekit-setup-all-'));
    try {
      const report = join(out, 'report.json');
      let status = 0;
      try {
        execFileSync(process.execPath, [VITEST, 'run', '--root', FIXTURE, '--reporter=json', `--outputFile=${report}`], { stdio: 'ignore', timeout: 60_000 });
      } catch (error) {
        status = (error as { status: number }).status;
      }
      expect(status).toBe(1);
      const json = JSON.parse(readFileSync(report, 'utf8')) as { testResults: Array<{ assertionResults: Array<{ title: string; status: string; failureMessages: string[] }> }> };
      const results = json.testResults.flatMap((file) => file.assertionResults).map((test) => [test.title, test.status, test.failureMessages.join(' ').includes('no chromium here') || test.failureMessages.join(' ').includes('within 200 ms')]);
      expect(results).toEqual([
        ['first', 'failed', true],
        ['second', 'failed', true],
        ['third', 'failed', true],
        ['fourth', 'passed', false],
      ]);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  }, 60_000);
});
