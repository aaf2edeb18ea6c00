import { describe, expect, it } from 'vitest';
import { runBounded } from '../src/index.js';

describe('runBounded()', () => {
  it('resolves with the exit code and the output of a child that ends', async () => {
    const outcome = await runBounded(process.execPath, ['-e', 'console.log("out"); console.error("err"); process.exit(3)'], { timeoutMs: 10_000 });
    expect(outcome).toMatchObject({ code: 3, timedOut: false, stdout: 'out\n', stderr: 'err\n' });
  });

  it('kills a child that overstays its deadline, by its process group id, grandchildren included', async () => {
    // The child starts a grandchild that would outlive it, then hangs; both must be gone after the kill.
    const script = `
      const { spawn } = require('node:child_process');
      const grandchild = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
      console.log(grandchild.pid);
      setInterval(() => {}, 1000);
    `;
    const outcome = await runBounded(process.execPath, ['-e', script], { timeoutMs: 1_000 });
    expect(outcome.timedOut).toBe(true);
    expect(outcome.signal).toBe('SIGKILL');
    const grandchild = Number(outcome.stdout.trim());
    expect(Number.isInteger(grandchild) && grandchild > 0).toBe(true);
    const alive = (): boolean => {
      try {
        process.kill(grandchild, 0);
        return true;
      } catch {
        return false;
      }
    };
    const deadline = Date.now() + 5_000;
    while (alive() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(alive()).toBe(false);
  });

  it('kills the child when the signal aborts', async () => {
    const controller = new AbortController();
    const running = runBounded(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { timeoutMs: 30_000, signal: controller.signal });
    setTimeout(() => controller.abort(), 100);
    const outcome = await running;
    expect(outcome).toMatchObject({ signal: 'SIGKILL', timedOut: false });
  });
});
