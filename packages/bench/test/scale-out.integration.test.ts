import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../..', import.meta.url));
/** The command docs/scaling.md shows, run as it is from the repository root. */
const COMMAND = 'pnpm --filter @wirekit/bench run scale-out';

describe('pnpm --filter @wirekit/bench run scale-out (small: 20 subscribers)', () => {
  it('runs both stacks across 2 processes through Redis, loses nothing, and resumes every client', async () => {
    const output = await new Promise<string>((resolve, reject) => {
      execFile('pnpm', COMMAND.split(' ').slice(1), { cwd: root, timeout: 120_000, env: { ...process.env, SUBSCRIBERS: '20', MESSAGES: '20', INTERVAL_MS: '10' } }, (error, stdout, stderr) =>
        error === null ? resolve(stdout) : reject(new Error(`${error.message}\n${stdout}\n${stderr}`)));
    });
    const rows = output.split('\n').filter((line) => line.startsWith('| ') && !line.startsWith('| ---') && !/^\| (stack|clients) /.test(line));
    expect(rows).toHaveLength(3);
    expect(rows[0]).toMatch(/^\| WireKit \+ @wirekit\/redis \| 20 \| 20 \| [\d,]+ \| [\d.]+ \| [\d.]+ \| 0 \|$/);
    expect(rows[1]).toMatch(/^\| socket\.io 4 \+ redis-streams-adapter \| 20 \| 20 \| [\d,]+ \| [\d.]+ \| [\d.]+ \| 0 \|$/);
    expect(rows[2]).toMatch(/^\| 20 \| 20 \| 0 \| \d+ \| \d+ \| \d+ \|$/);
  }, 150_000);
});
