/** Renders a ComparisonResult as a markdown table and as an SVG bar chart of ratios to ws. */
import type { Cell, ComparisonResult } from './orchestrator.js';
import type { WorkloadName } from './workloads.js';
import { connectionRowOf } from './native-clients.js';

/** The floor row's name in clients.ts. */
export const RAW_ROW = 'raw TCP (floor)';

export interface Column {
  readonly title: string;
  readonly workload: WorkloadName;
  /** Which number of the measurement: the headline value or an extra. */
  readonly key: 'value' | string;
  readonly higherIsBetter: boolean;
  readonly digits: number;
}

export const COLUMNS: readonly Column[] = [
  { title: '64 B pipelined (msg/s)', workload: 'small', key: 'value', higherIsBetter: true, digits: 0 },
  { title: '1 MiB binary (MiB/s)', workload: 'large', key: 'value', higherIsBetter: true, digits: 0 },
  { title: '16 KiB UTF-8 text (msg/s)', workload: 'text', key: 'value', higherIsBetter: true, digits: 0 },
  { title: 'RTT p50 (µs)', workload: 'latency', key: 'value', higherIsBetter: false, digits: 0 },
  { title: 'RTT p99 (µs)', workload: 'latency', key: 'p99', higherIsBetter: false, digits: 0 },
  { title: 'handshakes/s', workload: 'handshakes', key: 'value', higherIsBetter: true, digits: 0 },
  { title: 'idle client (KiB heap/conn)', workload: 'idle', key: 'value', higherIsBetter: false, digits: 1 },
  { title: 'idle server (KiB heap/conn)', workload: 'idle', key: 'serverHeapKiB', higherIsBetter: false, digits: 1 },
];

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

/** The rows every cell is compared with, and how the ratio is labelled. */
const REFERENCES = [
  { row: 'ws', label: 'ws' },
  { row: RAW_ROW, label: 'raw' },
] as const;

export function renderTable(result: ComparisonResult): string {
  const shown = COLUMNS.filter((column) => result.workloads.includes(column.workload));
  const header = ['transport', ...shown.map((column) => column.title)];
  const lines = [`| ${header.join(' | ')} |`, `| --- | ${shown.map(() => '---:').join(' | ')} |`];
  const notes: string[] = [];
  const note = (reason: string): string => {
    if (!notes.includes(reason)) notes.push(reason);
    return `n/a [${notes.indexOf(reason) + 1}]`;
  };
  for (const transport of result.transports) {
    const cells = shown.map((column) => {
      const cell = result.cells[transport]?.[column.workload];
      if (cell !== undefined && !cell.ok) return note(`${transport}: ${cell.reason.replace(/\|/g, '/')}`);
      const value = numberOf(cell, column.key);
      if (value === null) return '—';
      const ratios = REFERENCES.filter((reference) => reference.row !== transport).flatMap((reference) => {
        const base = numberOf(result.cells[reference.row]?.[column.workload], column.key);
        return base === null ? [] : [`${advantage(value, base, column.higherIsBetter).toFixed(2)}× ${reference.label}`];
      });
      return `${format(value, column.digits)}${ratios.length === 0 ? '' : ` (${ratios.join(', ')})`}`;
    });
    lines.push(`| ${transport} | ${cells.join(' | ')} |`);
  }
  lines.push(
    '',
    `Medians of ${result.repetitions} run(s)${result.quick ? ' (quick sizes)' : ''}, Node ${result.node}, server and client in separate processes on loopback. ` +
      '"× ws" is how many times better than ws (for latency and memory: ws ÷ value), so above 1.00 is better; ' +
      '"× raw" is the same against raw TCP with length-prefix framing, the floor no WebSocket can reach.',
  );
  notes.forEach((reason, index) => lines.push('', `[${index + 1}] ${reason}`));
  return lines.join('\n');
}

const escapeXml = (text: string): string => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const PALETTE = ['#8d99ae', '#2b2d42', '#ef476f', '#f78c6b', '#ffd166', '#06d6a0', '#118ab2', '#073b4c', '#9b5de5'];

/** Grouped bars: per column, each transport's advantage over ws (ws itself is the 1.0 line). */
export function renderSvg(result: ComparisonResult): string {
  const columns = COLUMNS.filter((column) => result.workloads.includes(column.workload));
  // The native-API rows are left to the Connection overhead table: the chart compares stacks.
  const transports = result.transports.filter((name) => name !== 'ws' && connectionRowOf(name) === null);
  const width = 960;
  const height = 420;
  const left = 50;
  const top = 30;
  const plotHeight = 260;
  const groupWidth = (width - left - 10) / columns.length;
  const barWidth = Math.max(4, (groupWidth - 16) / Math.max(1, transports.length));
  const ratios = columns.flatMap((column) =>
    transports.map((transport) => {
      const value = numberOf(result.cells[transport]?.[column.workload], column.key);
      const ws = numberOf(result.cells.ws?.[column.workload], column.key);
      return value === null || ws === null ? null : advantage(value, ws, column.higherIsBetter);
    }),
  );
  // Capped at 4×: the raw TCP floor reaches 8× on small messages and would flatten every other bar; hover shows the value.
  const max = Math.max(2, ...ratios.filter((ratio): ratio is number => ratio !== null).map((ratio) => Math.min(ratio, 4)));
  const y = (ratio: number): number => top + plotHeight - (Math.min(ratio, max) / max) * plotHeight;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="system-ui, sans-serif" font-size="11">`,
    `<rect width="100%" height="100%" fill="#ffffff"/>`,
    `<text x="${left}" y="18" font-size="13" font-weight="600">Times better than ws (above the line is better)</text>`,
  ];
  for (let tick = 0; tick <= max; tick += max > 4 ? 1 : 0.5) {
    parts.push(`<line x1="${left}" x2="${width - 10}" y1="${y(tick)}" y2="${y(tick)}" stroke="${tick === 1 ? '#d00000' : '#e5e5e5'}" stroke-width="${tick === 1 ? 1.5 : 1}"/>`);
    parts.push(`<text x="${left - 6}" y="${y(tick) + 4}" text-anchor="end">${tick.toFixed(1)}×</text>`);
  }
  columns.forEach((column, columnIndex) => {
    const x0 = left + columnIndex * groupWidth + 8;
    transports.forEach((transport, transportIndex) => {
      const ratio = ratios[columnIndex * transports.length + transportIndex];
      if (ratio === null || ratio === undefined) return;
      const x = x0 + transportIndex * barWidth;
      parts.push(`<rect x="${x.toFixed(1)}" y="${y(ratio).toFixed(1)}" width="${(barWidth - 1).toFixed(1)}" height="${(top + plotHeight - y(ratio)).toFixed(1)}" fill="${PALETTE[transportIndex % PALETTE.length]}"><title>${escapeXml(`${transport} · ${column.title}: ${ratio.toFixed(2)}× ws`)}</title></rect>`);
    });
    parts.push(`<text x="${(x0 + (groupWidth - 16) / 2).toFixed(1)}" y="${top + plotHeight + 16}" text-anchor="middle">${escapeXml(column.title)}</text>`);
  });
  transports.forEach((transport, index) => {
    const x = left + (index % 4) * 220;
    const row = top + plotHeight + 40 + Math.floor(index / 4) * 18;
    parts.push(`<rect x="${x}" y="${row - 9}" width="10" height="10" fill="${PALETTE[index % PALETTE.length]}"/><text x="${x + 14}" y="${row}">${escapeXml(transport)}</text>`);
  });
  parts.push('</svg>');
  return `${parts.join('\n')}\n`;
}
