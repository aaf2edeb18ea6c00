/**
 * The Connection overhead table: for each transport, what its `connect` Connection costs
 * beside the same transport's own iOS-style API (native-clients.ts), workload by workload.
 */
import { connectionRowOf } from './native-clients.js';
import type { ComparisonResult } from './orchestrator.js';
import { advantage, COLUMNS, numberOf } from './report.js';

/** The goal of the issue: the shared Connection costs less than 5% over a transport's own API. */
export const OVERHEAD_BUDGET = 0.05;

/** Speed columns only: memory per idle connection is reported in the main table. */
const OVERHEAD_COLUMNS = COLUMNS.filter((column) => column.workload !== 'idle' && column.key === 'value');

/**
 * The Connection's extra cost over the native API, as a fraction of the native figure: 0.1 is
 * 10% more time per message (or per handshake, or per round trip); below 0, the Connection is faster.
 */
export function connectionOverhead(connection: number, native: number, higherIsBetter: boolean): number {
  return advantage(native, connection, higherIsBetter) - 1;
}

const percent = (fraction: number): string => `${fraction >= 0 ? '+' : '−'}${Math.abs(fraction * 100).toFixed(1)}%`;

/** A markdown table, one line per native row whose Connection row was measured in the same run; '' when there is none. */
export function renderOverheadTable(result: ComparisonResult): string {
  const columns = OVERHEAD_COLUMNS.filter((column) => result.workloads.includes(column.workload));
  const pairs = result.transports.flatMap((native) => {
    const connection = connectionRowOf(native);
    return connection !== null && result.transports.includes(connection) ? [{ native, connection }] : [];
  });
  if (pairs.length === 0 || columns.length === 0) return '';
  const lines = [
    `| Connection (\`connect\`) | beside its own API | ${columns.map((column) => column.title.replace(/ \(.*\)$/, '')).join(' | ')} |`,
    `| --- | --- | ${columns.map(() => '---:').join(' | ')} |`,
  ];
  for (const { native, connection } of pairs) {
    const cells = columns.map((column) => {
      const ours = numberOf(result.cells[connection]?.[column.workload], column.key);
      const theirs = numberOf(result.cells[native]?.[column.workload], column.key);
      if (ours === null || theirs === null) return '—';
      const overhead = connectionOverhead(ours, theirs, column.higherIsBetter);
      return overhead > OVERHEAD_BUDGET ? `**${percent(overhead)}**` : percent(overhead);
    });
    lines.push(`| ${connection} | ${native.slice(connection.length + 2, -1)} | ${cells.join(' | ')} |`);
  }
  lines.push(
    '',
    `What the shared Connection costs beyond the transport's own API in the same run: extra time per message, per round trip or per handshake. ` +
      `Negative: the Connection is faster. Over ${OVERHEAD_BUDGET * 100}% in bold.`,
  );
  return lines.join('\n');
}
