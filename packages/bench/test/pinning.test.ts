import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { runComparison } from '../src/compare/orchestrator.js';
import { checkPinning, cpuOf, describePinning, pinnedCommand } from '../src/compare/pinning.js';

/** The CPUs a process started with `prefix` may run on, as Linux reports them. */
function allowedCpus(prefix: readonly string[]): string {
  const [command, ...args] = [...prefix, process.execPath];
  const script = "process.stdout.write(require('node:fs').readFileSync('/proc/self/status', 'utf8').match(/Cpus_allowed_list:\\s*(\\S+)/)[1])";
  const child = spawnSync(command!, [...args, '-e', script], { encoding: 'utf8', timeout: 10_000 });
  expect(child.status, child.stderr).toBe(0);
  return child.stdout;
}

describe('--pin', () => {
  it('puts servers on CPU 1 and clients on CPU 0 (split), or both on CPU 0 (same)', () => {
    checkPinning('split');
    expect(allowedCpus(pinnedCommand(cpuOf('split', 'server')))).toBe('1');
    expect(allowedCpus(pinnedCommand(cpuOf('split', 'client')))).toBe('0');
    expect(allowedCpus(pinnedCommand(cpuOf('same', 'server')))).toBe('0');
    expect(pinnedCommand(cpuOf(null, 'server'))).toEqual([]);
    expect(describePinning('split')).toMatch(/CPU 1.*CPU 0/);
  });

  it('runs a quick pinned comparison and says so in its result', async () => {
    const result = await runComparison({ quick: true, repetitions: 1, transports: ['ws + bufferutil', 'framed'], workloads: ['latency'], pin: 'split' });
    expect(result.pin).toBe('split');
    for (const transport of result.transports) expect(result.cells[transport]?.latency, transport).toMatchObject({ ok: true });
  }, 120_000);
});
