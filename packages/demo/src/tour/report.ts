/** The tour's comparison table, as aligned plain text for a terminal. */
import type { TransportResult } from './run-tour.js';

const HEADERS = ['transport', 'iOS original', 'connect ms', 'echo round trips/s', 'ping ms', 'close', 'result'] as const;

function cells(result: TransportResult): string[] {
  const close = result.close === null ? '—' : `${String(result.close.code)} ${result.close.wasClean ? 'clean' : 'not clean'}`;
  return [
    result.transport,
    result.iosOriginal,
    result.connectMs === null ? '—' : result.connectMs.toFixed(1),
    result.roundTripsPerSecond === null ? '—' : `${String(Math.round(result.roundTripsPerSecond))} (${String(result.roundTrips)})`,
    result.pingMs !== null ? result.pingMs.toFixed(2) : result.pingError === null ? '—' : 'unsupported',
    close,
    result.ok ? 'ok' : 'FAILED',
  ];
}

/** Renders the results as a table with a header row and a rule, columns padded to fit. */
export function formatTable(results: readonly TransportResult[]): string {
  const rows = [[...HEADERS], ...results.map(cells)];
  const widths = HEADERS.map((_, column) => Math.max(...rows.map((row) => (row[column] ?? '').length)));
  const line = (row: readonly string[]): string => row.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join(' | ').trimEnd();
  const [header, ...body] = rows;
  return [line(header ?? []), widths.map((width) => '-'.repeat(width)).join('-|-'), ...body.map(line)].join('\n');
}
