import { describe, expect, it } from 'vitest';
import { planFileLimit, runSoak } from '../src/soak/run-soak.js';
import { soakTable } from '../src/soak/soak-report.js';

describe('soak', () => {
  it('holds 50 connections to a WireKit server (compiled by tsc) and to a ws server for 2 s with no error, reporting memory per side', async () => {
    const report = await runSoak({ connections: 50, durationMs: 2_000, intervalMs: 500 });
    expect(report.options.wirekit).toBe('compiled');
    expect(report.options.connections).toBe(50);
    expect(report.results.map((result) => result.target)).toEqual(['wirekit', 'ws']);
    for (const result of report.results) {
      expect(result.errors).toBe(0);
      expect(result.client.stats).toMatchObject({ requested: 50, held: 50, connectFailures: 0, errors: 0 });
      expect(result.server.stats).toMatchObject({ held: 50, peak: 50, accepted: 50, errors: 0 });
      // Each connection sends about durationMs / intervalMs messages; every one is echoed.
      expect(result.client.stats.sent).toBeGreaterThanOrEqual(50);
      expect(result.client.stats.echoed).toBe(result.client.stats.sent);
      expect(result.server.stats.received).toBe(result.client.stats.sent);
      for (const side of [result.server.memory, result.client.memory]) {
        expect(side.baseline.rss).toBeGreaterThan(0);
        expect(side.loaded.rss).toBeGreaterThan(0);
        expect(Number.isInteger(side.rssPerConnection)).toBe(true);
        expect(Number.isInteger(side.heapPerConnection)).toBe(true);
      }
    }
    const table = soakTable(report);
    expect(table).toContain('| stack | connections held (client / server) |');
    expect(table.split('\n').filter((line) => line.startsWith('| WireKit') || line.startsWith('| ws'))).toHaveLength(2);
  }, 180_000);
});

describe('planFileLimit()', () => {
  it('leaves the limit alone when the soft limit is enough', () => {
    expect(planFileLimit(2_000, { soft: 20_000, hard: 20_000 })).toMatchObject({ connections: 2_000, raiseTo: null });
  });

  it('raises the soft limit up to the hard limit when needed', () => {
    expect(planFileLimit(2_000, { soft: 1_024, hard: 65_536 })).toMatchObject({ connections: 2_000, raiseTo: 2_256 });
  });

  it('caps the connections, saying so, when even the hard limit is too low', () => {
    const plan = planFileLimit(2_000, { soft: 1_024, hard: 1_024 });
    expect(plan).toMatchObject({ connections: 768, raiseTo: 1_024 });
    expect(plan.note).toContain('capped at 768');
  });
});
