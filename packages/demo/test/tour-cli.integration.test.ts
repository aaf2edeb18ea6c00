import { afterEach, describe, expect, it } from 'vitest';
import { ChildCli } from './support/child-cli.js';

describe('pnpm demo (src/tour.ts, a real child process)', () => {
  const children: ChildCli[] = [];
  afterEach(() => {
    for (const child of children.splice(0)) child.kill();
  });
  const start = (args: readonly string[]): ChildCli => {
    const child = new ChildCli('tour.ts', args);
    children.push(child);
    return child;
  };

  it('--no-chat: prints the log and the table for the five transports, then exits 0', async () => {
    const tour = start(['--no-chat']);
    expect(await tour.exitCode(60_000)).toBe(0);
    expect(tour.lines).toContain('All five transports passed the tour.');
    for (const name of ['task', 'framed', 'streams', 'socket', 'adapter']) {
      expect(tour.lines.some((line) => new RegExp(`^${name} +\\| .* \\| 1000 clean \\| ok$`).test(line))).toBe(true);
    }
  }, 70_000);

  it('serves the chat after the tour, and SIGTERM closes it gracefully with exit 0', async () => {
    const tour = start([]);
    const open = await tour.waitForLine(/^The chat room is open: http:\/\/127\.0\.0\.1:\d+\//, 60_000);
    const page = await fetch(/http:\/\/\S+\//.exec(open)?.[0] ?? '');
    expect(page.status).toBe(200);
    tour.signal('SIGTERM');
    expect(await tour.exitCode(20_000)).toBe(0);
    expect(tour.lines).toContain('chat closed.');
  }, 90_000);

  it('refuses a bad --port with exit 2', async () => {
    const tour = start(['--port', 'eighty']);
    expect(await tour.exitCode()).toBe(2);
    expect(tour.errors.join('\n')).toMatch(/--port must be 0–65535/);
  });
});
