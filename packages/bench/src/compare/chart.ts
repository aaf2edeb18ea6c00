/**
 * The benchmark chart: one small panel per metric, horizontal bars on a linear scale from 0 to
 * that metric's largest value (so nothing is clipped), the value written beside every bar with
 * its ratio to ws + bufferutil. Drawn at the docs page's width (CHART_WIDTH), so an `<img>`
 * shows it at its own size: the text stays legible and needs no tooltip.
 */
import { connectionRowOf } from './native-clients.js';
import type { ComparisonResult } from './orchestrator.js';
import { BROADCAST_COLUMNS, COLUMNS, numberOf, RAW_ROW, ratioToWs, serverName, WS_ROW, type Column } from './report.js';

/** The docs content column is 688 px wide (VitePress' default layout with its sidebar). */
export const CHART_WIDTH = 680;
const COLUMNS_PER_ROW = 2;
const GAP = 20;
const PANEL_WIDTH = (CHART_WIDTH - GAP * (COLUMNS_PER_ROW + 1)) / COLUMNS_PER_ROW;
const LABEL_WIDTH = 104;
/** Room right of the longest bar for its value and ratio. */
const VALUE_WIDTH = 92;
const BAR_HEIGHT = 13;
const BAR_STEP = 17;
const TITLE_HEIGHT = 34;
const FONT = 11;

const escapeXml = (text: string): string => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** 1,144,681 → "1.14 M"; 306,724 → "307 k"; 57.3 → "57.3": three significant digits at most. */
export function compact(value: number): string {
  const abs = Math.abs(value);
  if (abs >= 1e6) return `${(value / 1e6).toPrecision(3)} M`;
  if (abs >= 1e4) return `${Math.round(value / 1e3)} k`;
  if (abs >= 1e3) return `${(value / 1e3).toPrecision(3)} k`;
  if (abs >= 100) return value.toFixed(0);
  return value.toPrecision(3);
}

function colourOf(row: string): string {
  if (row === RAW_ROW) return '#9aa0a6';
  if (row === WS_ROW) return '#3c4043';
  if (row.startsWith('ws')) return '#80868b';
  return '#0b8a73';
}

interface Bar {
  readonly label: string;
  readonly row: string;
  readonly value: number;
}

function panel(result: ComparisonResult, column: Column, rows: readonly string[], name: (row: string) => string, x: number, y: number): { svg: string[]; height: number } {
  const bars: Bar[] = rows.flatMap((row) => {
    const value = numberOf(result.cells[row]?.[column.workload], column.key);
    return value === null ? [] : [{ label: name(row), row, value }];
  });
  const height = TITLE_HEIGHT + Math.max(1, bars.length) * BAR_STEP + 8;
  const max = Math.max(...bars.map((bar) => bar.value), Number.MIN_VALUE);
  const barSpace = PANEL_WIDTH - LABEL_WIDTH - VALUE_WIDTH;
  const [metric, unit] = column.title.includes('(') ? [column.title.replace(/ \(.*\)$/, ''), column.title.replace(/^.*\((.*)\)$/, '$1')] : [column.title, ''];
  const svg = [
    `<g class="panel" data-metric="${escapeXml(column.title)}">`,
    `<text x="${x}" y="${y + 13}" font-size="12" font-weight="600">${escapeXml(metric)}</text>`,
    `<text x="${x}" y="${y + 27}" fill="#5f6368">${escapeXml(`${unit === '' ? '' : `${unit}, `}${column.higherIsBetter ? 'higher' : 'lower'} is better`)}</text>`,
  ];
  if (bars.length === 0) svg.push(`<text x="${x}" y="${y + TITLE_HEIGHT + 11}" fill="#5f6368">not measured</text>`);
  bars.forEach((bar, index) => {
    const top = y + TITLE_HEIGHT + index * BAR_STEP;
    const length = Math.max(1, (bar.value / max) * barSpace);
    const ratio = bar.row === WS_ROW ? null : ratioToWs(result, bar.row, column);
    const text = ratio === null ? compact(bar.value) : `${compact(bar.value)} · ${ratio.toFixed(2)}×`;
    svg.push(
      `<text x="${x + LABEL_WIDTH - 6}" y="${top + 10}" text-anchor="end">${escapeXml(bar.label)}</text>`,
      `<rect class="bar" x="${x + LABEL_WIDTH}" y="${top}" width="${length.toFixed(1)}" height="${BAR_HEIGHT}" fill="${colourOf(bar.row)}"/>`,
      `<text class="value" x="${(x + LABEL_WIDTH + length + 4).toFixed(1)}" y="${top + 10}">${escapeXml(text)}</text>`,
    );
  });
  svg.push('</g>');
  return { svg, height };
}

/** Short names for the chart's row labels (the table keeps the full ones). */
function shortName(row: string): string {
  if (row === WS_ROW) return 'ws+bufferutil';
  if (row.startsWith('WireKitServer')) return 'WireKitServer';
  return row;
}

/**
 * The chart: every metric of the main table, then the broadcast ones, two panels a row. Bars of
 * one panel share a scale from 0, so their lengths compare; panels do not share one.
 */
export function renderChart(result: ComparisonResult): string {
  // The native-API rows are left to the Connection overhead table: the chart compares stacks.
  const rows = result.transports.filter((row) => connectionRowOf(row) === null);
  const panels: { column: Column; rows: readonly string[]; name: (row: string) => string }[] = [];
  for (const column of COLUMNS) if (result.workloads.includes(column.workload)) panels.push({ column, rows, name: shortName });
  for (const column of BROADCAST_COLUMNS) {
    if (!result.workloads.includes(column.workload)) continue;
    const servers = rows.filter((row) => result.cells[row]?.[column.workload] !== undefined);
    panels.push({ column, rows: servers, name: (row) => shortName(serverName(row).replace(/ \((loop of send\(\)|server\.broadcast\(\))\)$/, '')) });
  }
  const body: string[] = [];
  let y = 44;
  for (let at = 0; at < panels.length; at += COLUMNS_PER_ROW) {
    let rowHeight = 0;
    panels.slice(at, at + COLUMNS_PER_ROW).forEach((entry, index) => {
      const drawn = panel(result, entry.column, entry.rows, entry.name, GAP + index * (PANEL_WIDTH + GAP), y);
      body.push(...drawn.svg);
      rowHeight = Math.max(rowHeight, drawn.height);
    });
    y += rowHeight + 12;
  }
  const height = Math.ceil(y);
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${CHART_WIDTH}" height="${height}" viewBox="0 0 ${CHART_WIDTH} ${height}" font-family="system-ui, -apple-system, 'Segoe UI', sans-serif" font-size="${FONT}">`,
    '<rect width="100%" height="100%" fill="#ffffff"/>',
    `<text x="${GAP}" y="20" font-size="14" font-weight="600">WireKit, ws and raw TCP, ${result.quick ? 'quick sizes' : `medians of ${result.repetitions} run(s)`}</text>`,
    `<text x="${GAP}" y="35" fill="#5f6368">value · times better than ws+bufferutil (above 1.00× is better); green: WireKit</text>`,
    ...body,
    '</svg>',
    '',
  ].join('\n');
}
