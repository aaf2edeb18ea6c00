import { describe, expect, it } from 'vitest';
import { runComparison } from '../src/compare/orchestrator.js';
import { connectionOverhead, renderOverheadTable } from '../src/compare/overhead.js';
import { compact, renderChart } from '../src/compare/chart.js';
import { childEnv } from '../src/compare/orchestrator.js';
import { TRANSPORTS } from '../src/compare/clients.js';
import { advantage, renderTable, renderVerdicts, verdict } from '../src/compare/report.js';

describe('comparison benchmark (quick sizes, no speed assertions)', () => {
  it('measures raw TCP, ws and framed in separate processes and renders the table and chart', async () => {
    const labels: string[] = [];
    const result = await runComparison({
      quick: true,
      repetitions: 1,
      transports: ['raw TCP', 'ws + bufferutil', 'ws (no addon)', 'framed', 'framed (NWConnection API)'],
      workloads: ['small', 'latency', 'idle', 'broadcast1k'],
      progress: (_done, _total, label) => labels.push(label),
    });
    // Broadcast runs in the rows that stand for a server only: ws twice and framed (WireKitServer).
    expect(labels).toHaveLength(5 * 3 + 3);
    for (const transport of result.transports) {
      for (const workload of result.workloads) {
        const cell = result.cells[transport]?.[workload];
        if (workload === 'broadcast1k' && !['ws + bufferutil', 'ws (no addon)', 'framed'].includes(transport)) {
          expect(cell, `${transport} · ${workload}`).toBeUndefined();
          continue;
        }
        expect(cell, `${transport} · ${workload}`).toMatchObject({ ok: true });
        if (!cell?.ok) continue;
        // Memory deltas over 20 quick connections can dip below zero after a GC; rates cannot.
        if (workload === 'idle') expect(Number.isFinite(cell.measurement.value)).toBe(true);
        else expect(cell.measurement.value, `${transport} · ${workload}`).toBeGreaterThan(0);
      }
    }
    const latency = result.cells.framed?.latency;
    expect(latency?.ok && latency.measurement.extra?.p99).toBeGreaterThanOrEqual(latency?.ok ? latency.measurement.value : Infinity);

    const broadcast = result.cells.framed?.broadcast1k;
    expect(broadcast?.ok && broadcast.measurement.extra?.reachMs).toBeGreaterThan(0);

    const table = renderTable(result);
    expect(table.split('\n').filter((line) => line.startsWith('| framed'))).toHaveLength(2);
    expect(table).toMatch(/\| framed \| [\d,]+ \(\d+\.\d\d×\)/);
    expect(table).toMatch(/\| ws \+ bufferutil \| [\d,]+ \|/);
    expect(table.split('\n')[0]).toBe('|  | 64 B pipelined (msg/s) | RTT p50 (µs) | RTT p99 (µs) | idle client (KiB heap/conn) | idle server (KiB heap/conn) |');
    expect(table).toMatch(/\| WireKitServer \(server\.broadcast\(\)\) \| [\d,]+ \(\d+\.\d\d×\) \| [\d.]+ \(\d+\.\d\d×\) \|/);
    expect(table).toMatch(/\| ws \(no addon\) \(loop of send\(\)\) \|/);
    expect(renderVerdicts(result, 'framed')).toMatch(/\| 64 B pipelined \(msg\/s\) \| [\d,]+ \| [\d,]+ \| \d+\.\d\d× \| (ahead|level|behind) \|/);
    expect(renderOverheadTable(result)).toMatch(/\| framed \| NWConnection API \| \*{0,2}[+−]\d+\.\d%\*{0,2} \| \*{0,2}[+−]\d+\.\d%/);
    const svg = renderChart(result);
    expect(svg.startsWith('<svg')).toBe(true);
    // One panel per metric (5 main + 2 broadcast), one bar per measured row, a value beside each bar.
    expect(svg.match(/<g class="panel"/g)).toHaveLength(7);
    const bars = svg.match(/<rect class="bar"/g)?.length ?? 0;
    expect(bars).toBe(5 * 4 + 2 * 3);
    expect(svg.match(/<text class="value"/g)).toHaveLength(bars);
  }, 300_000);

  it('runs the handshakes with 32 connections in flight at once, in both columns and the verdicts', async () => {
    const result = await runComparison({ quick: true, repetitions: 1, transports: ['ws + bufferutil', 'framed'], workloads: ['handshakes32'] });
    for (const transport of ['ws + bufferutil', 'framed']) {
      const cell = result.cells[transport]?.handshakes32;
      expect(cell, transport).toMatchObject({ ok: true, measurement: { unit: 'conn/s' } });
      expect(cell?.ok && cell.measurement.value, transport).toBeGreaterThan(0);
    }
    const table = renderTable(result);
    expect(table.split('\n')[0]).toBe('|  | handshakes/s, 32 at once |');
    expect(table).toMatch(/\| framed \| [\d,]+ \(\d+\.\d\d×\) \|/);
    expect(renderVerdicts(result, 'framed')).toMatch(/\| handshakes\/s, 32 at once \| [\d,]+ \| [\d,]+ \| \d+\.\d\d× \| (ahead|level|behind) \|/);
  }, 120_000);

  it('reports a transport that cannot be loaded as n/a with its reason, never as a number', async () => {
    const result = await runComparison({ quick: true, repetitions: 1, transports: ['ws + bufferutil'], workloads: ['small'] });
    const table = renderTable({ ...result, transports: [...result.transports, 'missing'], cells: { ...result.cells, missing: { small: { ok: false, reason: 'not built' } } } });
    expect(table).toContain('| missing | n/a [1] |');
    expect(table).toContain('| ws + bufferutil | ');
    expect(table).toContain('[1] missing: not built');
  }, 60_000);

  it('connectionOverhead() is the Connection\'s extra time over the native API, negative when it is faster', () => {
    expect(connectionOverhead(80, 100, true)).toBeCloseTo(0.25);
    expect(connectionOverhead(110, 100, false)).toBeCloseTo(0.1);
    expect(connectionOverhead(100, 80, true)).toBeCloseTo(-0.2);
  });

  it('runs ws + bufferutil with the addon and ws (no addon) without it, whatever the shell says', () => {
    const row = (name: string) => TRANSPORTS.find((entry) => entry.name === name)!;
    const saved = process.env.WS_NO_BUFFER_UTIL;
    process.env.WS_NO_BUFFER_UTIL = '1';
    try {
      expect(childEnv(row('ws + bufferutil')).WS_NO_BUFFER_UTIL).toBeUndefined();
      expect(childEnv(row('ws (no addon)')).WS_NO_BUFFER_UTIL).toBe('1');
    } finally {
      if (saved === undefined) delete process.env.WS_NO_BUFFER_UTIL;
      else process.env.WS_NO_BUFFER_UTIL = saved;
    }
  });

  it('verdict() calls within ±5% level, and compact() writes three significant digits', () => {
    expect([verdict(1.06), verdict(1.04), verdict(0.96), verdict(0.94)]).toEqual(['ahead', 'level', 'level', 'behind']);
    expect([compact(1_144_681), compact(306_724), compact(2_349), compact(57.34), compact(0.8666)]).toEqual(['1.14 M', '307 k', '2.35 k', '57.3', '0.867']);
  });

  it('advantage() is above 1 when better, whichever way the metric points', () => {
    expect(advantage(200, 100, true)).toBe(2);
    expect(advantage(50, 100, false)).toBe(2);
    expect(advantage(100, 100, false)).toBe(1);
  });
});
