/** Renders a ComparisonResult as markdown tables (report.ts) and as an SVG chart (chart.ts). */
import { RAW_ROW, WS_PLAIN_ROW, WS_ROW } from './clients.js';
import type { Cell, ComparisonResult } from './orchestrator.js';
import type { WorkloadName } from './workloads.js';

export { RAW_ROW, WS_ROW };

export interface Column {
  readonly title: string;
  readonly workload: WorkloadName;
  /** Which number of the measurement: the headline value or an extra. */
  readonly key: 'value' | string;
  readonly higherIsBetter: boolean;
  readonly digits: number;
}

/** The columns of the main table: one client and its server per row. */
export const COLUMNS: readonly Column[] = [
  { title: '64 B pipelined (msg/s)', workload: 'small', key: 'value', higherIsBetter: true, digits: 0 },
  { title: '1 MiB binary (MiB/s)', workload: 'large', key: 'value', higherIsBetter: true, digits: 0 },
  { title: '16 KiB UTF-8 text (msg/s)', workload: 'text', key: 'value', higherIsBetter: true, digits: 0 },
  { title: 'RTT p50 (µs)', workload: 'latency', key: 'value', higherIsBetter: false, digits: 0 },
  { title: 'RTT p99 (µs)', workload: 'latency', key: 'p99', higherIsBetter: false, digits: 0 },
  { title: 'handshakes/s', workload: 'handshakes', key: 'value', higherIsBetter: true, digits: 0 },
  { title: 'handshakes/s, 32 at once', workload: 'handshakes32', key: 'value', higherIsBetter: true, digits: 0 },
  { title: 'idle client (KiB heap/conn)', workload: 'idle', key: 'value', higherIsBetter: false, digits: 1 },
  { title: 'idle server (KiB heap/conn)', workload: 'idle', key: 'serverHeapKiB', higherIsBetter: false, digits: 1 },
];

/** The columns of the broadcast table: one server per row. */
export const BROADCAST_COLUMNS: readonly Column[] = [
  { title: '1,000 subscribers (msg/s delivered)', workload: 'broadcast1k', key: 'value', higherIsBetter: true, digits: 0 },
  { title: '1,000: one broadcast reaches all (ms)', workload: 'broadcast1k', key: 'reachMs', higherIsBetter: false, digits: 2 },
  { title: '10,000 subscribers (msg/s delivered)', workload: 'broadcast10k', key: 'value', higherIsBetter: true, digits: 0 },
  { title: '10,000: one broadcast reaches all (ms)', workload: 'broadcast10k', key: 'reachMs', higherIsBetter: false, digits: 2 },
];

/** What the broadcast table calls each row that runs it: the server it measures. */
export function serverName(row: string): string {
  if (row === WS_ROW || row === WS_PLAIN_ROW) return `${row} (loop of send())`;
  return 'WireKitServer (server.broadcast())';
}

export function numberOf(cell: Cell | undefined, key: string): number | null {
  if (cell === undefined || !cell.ok) return null;
  const value = key === 'value' ? cell.measurement.value : cell.measurement.extra?.[key];
  return value === undefined || !Number.isFinite(value) ? null : value;
}

/** How many times better than the reference: >1 is better whichever way the metric points. */
export function advantage(value: number, reference: number, higherIsBetter: boolean): number {
  return higherIsBetter ? value / reference : reference / value;
}

export const format = (value: number, digits: number): string => value.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

/** Within ±5% of the reference is "level": closer than two runs on a shared machine agree. */
export const LEVEL_BAND = 0.05;

/** ahead, level or behind, from an advantage ratio. */
export function verdict(ratio: number): 'ahead' | 'level' | 'behind' {
  return ratio > 1 + LEVEL_BAND ? 'ahead' : ratio < 1 - LEVEL_BAND ? 'behind' : 'level';
}

/** The advantage of `row` over ws + bufferutil in `column`, or null when either was not measured. */
export function ratioToWs(result: ComparisonResult, row: string, column: Column): number | null {
  const value = numberOf(result.cells[row]?.[column.workload], column.key);
  const ws = numberOf(result.cells[WS_ROW]?.[column.workload], column.key);
  return value === null || ws === null ? null : advantage(value, ws, column.higherIsBetter);
}

function renderRows(result: ComparisonResult, columns: readonly Column[], rows: readonly string[], name: (row: string) => string, notes: string[]): string[] {
  const note = (reason: string): string => {
    if (!notes.includes(reason)) notes.push(reason);
    return `n/a [${notes.indexOf(reason) + 1}]`;
  };
  const lines = [`| ${['', ...columns.map((column) => column.title)].join(' | ')} |`, `| --- | ${columns.map(() => '---:').join(' | ')} |`];
  for (const row of rows) {
    const cells = columns.map((column) => {
      const cell = result.cells[row]?.[column.workload];
      if (cell !== undefined && !cell.ok) return note(`${row}: ${cell.reason.replace(/\|/g, '/')}`);
      const value = numberOf(cell, column.key);
      if (value === null) return '—';
      const ratio = row === WS_ROW ? null : ratioToWs(result, row, column);
      return ratio === null ? format(value, column.digits) : `${format(value, column.digits)} (${ratio.toFixed(2)}×)`;
    });
    lines.push(`| ${name(row)} | ${cells.join(' | ')} |`);
  }
  return lines;
}

/**
 * The main table (one row per client stack), then the broadcast table (one row per server)
 * when it was run, with their notes. Every ratio is against ws + bufferutil, above 1 is better.
 */
export function renderTable(result: ComparisonResult): string {
  const notes: string[] = [];
  const main = COLUMNS.filter((column) => result.workloads.includes(column.workload));
  const lines: string[] = [];
  if (main.length > 0) lines.push(...renderRows(result, main, result.transports, (row) => row, notes));
  const broadcast = BROADCAST_COLUMNS.filter((column) => result.workloads.includes(column.workload));
  const servers = result.transports.filter((row) => broadcast.some((column) => result.cells[row]?.[column.workload] !== undefined));
  if (broadcast.length > 0 && servers.length > 0) {
    if (lines.length > 0) lines.push('', '**Broadcast: one publisher, every message relayed to every subscriber**', '');
    lines.push(...renderRows(result, broadcast, servers, serverName, notes));
  }
  lines.push(
    '',
    `Medians of ${result.repetitions} run(s)${result.quick ? ' (quick sizes)' : ''}, Node ${result.node}, server and client in separate processes on loopback. ` +
      `(n×) is how many times better than ${WS_ROW} in the same run (for latency and memory: ws ÷ value), so above 1.00 is better. ` +
      `${RAW_ROW} is a length-prefixed echo over node:net, the fastest plain TCP echo we could write: an anchor for what the machine allows, not a bound a WebSocket library must stay under.`,
  );
  notes.forEach((reason, index) => lines.push('', `[${index + 1}] ${reason}`));
  return lines.join('\n');
}

/**
 * One line per metric for `row` (a WireKit stack) against ws + bufferutil: ahead, level or behind,
 * stated plainly (level is within ±5%).
 */
export function renderVerdicts(result: ComparisonResult, row: string): string {
  const columns = [...COLUMNS, ...BROADCAST_COLUMNS].filter((column) => result.workloads.includes(column.workload));
  const lines = [`| ${row} vs ${WS_ROW} | ${row} | ${WS_ROW} | ratio | |`, '| --- | ---: | ---: | ---: | --- |'];
  for (const column of columns) {
    const ours = numberOf(result.cells[row]?.[column.workload], column.key);
    const theirs = numberOf(result.cells[WS_ROW]?.[column.workload], column.key);
    if (ours === null || theirs === null) continue;
    const ratio = advantage(ours, theirs, column.higherIsBetter);
    lines.push(`| ${column.title} | ${format(ours, column.digits)} | ${format(theirs, column.digits)} | ${ratio.toFixed(2)}× | ${verdict(ratio)} |`);
  }
  return lines.length === 2 ? '' : lines.join('\n');
}
