import { describe, expect, it } from 'vitest';
import { runComparison } from '../src/compare/orchestrator.js';
import { connectionOverhead, renderOverheadTable } from '../src/compare/overhead.js';
import { advantage, renderSvg, renderTable } from '../src/compare/report.js';

describe('comparison benchmark (quick sizes, no speed assertions)', () => {
  it('measures raw TCP, ws and framed in separate processes and renders the table and chart', async () => {
    const labels: string[] = [];
    const result = await runComparison({
      quick: true,
      repetitions: 1,
      transports: ['raw TCP (floor)', 'ws', 'framed', 'framed (NWConnection API)'],
      workloads: ['small', 'latency', 'idle'],
      progress: (_done, _total, label) => labels.push(label),
    });
    expect(labels).toHaveLength(12);
    for (const transport of result.transports) {
      for (const workload of result.workloads) {
        const cell = result.cells[transport]?.[workload];
        expect(cell, `${transport} · ${workload}`).toMatchObject({ ok: true });
        if (!cell?.ok) continue;
        // Memory deltas over 20 quick connections can dip below zero after a GC; rates cannot.
        if (workload === 'idle') expect(Number.isFinite(cell.measurement.value)).toBe(true);
        else expect(cell.measurement.value, `${transport} · ${workload}`).toBeGreaterThan(0);
      }
    }
    const latency = result.cells.framed?.latency;
    expect(latency?.ok && latency.measurement.extra?.p99).toBeGreaterThanOrEqual(latency?.ok ? latency.measurement.value : Infinity);

    const table = renderTable(result);
    expect(table.split('\n').filter((line) => line.startsWith('| framed'))).toHaveLength(2);
    expect(table).toMatch(/\| framed \| [\d,]+ \(\d+\.\d\d× ws, \d+\.\d\d× raw\)/);
    expect(table.split('\n')[0]).toBe('| transport | 64 B pipelined (msg/s) | RTT p50 (µs) | RTT p99 (µs) | idle client (KiB heap/conn) | idle server (KiB heap/conn) |');
    expect(renderOverheadTable(result)).toMatch(/\| framed \| NWConnection API \| \*{0,2}[+−]\d+\.\d%\*{0,2} \| \*{0,2}[+−]\d+\.\d%/);
    const svg = renderSvg(result);
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg.match(/<rect x="[\d.]+" y="[\d.]+" width/g)?.length).toBeGreaterThanOrEqual(3 * 4);
  }, 120_000);

  it('reports a transport that cannot be loaded as n/a with its reason, never as a number', async () => {
    const result = await runComparison({ quick: true, repetitions: 1, transports: ['ws'], workloads: ['small'] });
    const table = renderTable({ ...result, transports: [...result.transports, 'missing'], cells: { ...result.cells, missing: { small: { ok: false, reason: 'not built' } } } });
    expect(table).toContain('| missing | n/a [1] |');
    expect(table).toContain('[1] missing: not built');
  }, 60_000);

  it('connectionOverhead() is the Connection\'s extra time over the native API, negative when it is faster', () => {
    expect(connectionOverhead(80, 100, true)).toBeCloseTo(0.25);
    expect(connectionOverhead(110, 100, false)).toBeCloseTo(0.1);
    expect(connectionOverhead(100, 80, true)).toBeCloseTo(-0.2);
  });

  it('advantage() is above 1 when better, whichever way the metric points', () => {
    expect(advantage(200, 100, true)).toBe(2);
    expect(advantage(50, 100, false)).toBe(2);
    expect(advantage(100, 100, false)).toBe(1);
  });
});
