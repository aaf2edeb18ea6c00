/**
 * `pnpm bench:compare` — the five WireKit transports, ws and raw TCP side by side in one run.
 *   --quick           small sizes, one repetition (a smoke run)
 *   --reps N          repetitions (default 3); medians are reported
 *   --only a,b        transport names (see clients.ts), e.g. --only ws,framed
 *   --workloads a,b   small, large, text, latency, handshakes, handshakes32, idle, broadcast1k, broadcast10k
 *   --pin split|same  pin every server to CPU 1 and client to CPU 0 (split), or both to CPU 0 (same); see pinning.ts
 *   --write-docs      write docs/benchmarks-table.md, docs/public/benchmarks.svg and .json
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { stopAfterPlan } from '../plan-only.js';
import { TRANSPORTS } from './clients.js';
import { runComparison, WORKLOADS } from './orchestrator.js';
import { renderOverheadTable } from './overhead.js';
import { describePinning, PIN_MODES, type PinMode } from './pinning.js';
import { renderChart } from './chart.js';
import { renderTable, renderVerdicts } from './report.js';
import type { WorkloadName } from './workloads.js';

const args = process.argv.slice(2);
const option = (name: string): string | undefined => {
  const index = args.indexOf(name);
  return index === -1 ? undefined : args[index + 1];
};
const quick = args.includes('--quick');
const repetitions = Number(option('--reps') ?? (quick ? 1 : 3));
const only = option('--only')?.split(',');
const workloads = option('--workloads')?.split(',') as WorkloadName[] | undefined;
for (const workload of workloads ?? []) if (!WORKLOADS.includes(workload)) throw new Error(`unknown workload ${workload}; known: ${WORKLOADS.join(', ')}`);
const names = TRANSPORTS.map((entry) => entry.name);
for (const name of only ?? []) if (!names.includes(name)) throw new Error(`unknown transport ${name}; known: ${names.join(', ')}`);
if (!(Number.isInteger(repetitions) && repetitions > 0)) throw new Error(`--reps must be a positive integer, got ${String(option('--reps'))}`);
const pin = option('--pin') as PinMode | undefined;
if (args.includes('--pin') && !PIN_MODES.includes(pin as PinMode)) throw new Error(`--pin must be one of ${PIN_MODES.join(', ')}, got ${String(pin)}`);
stopAfterPlan('compare', { quick, repetitions, transports: only ?? names, workloads: workloads ?? WORKLOADS, pin: pin ?? null, writeDocs: args.includes('--write-docs') });

const started = Date.now();
const bar = (done: number, total: number, label: string): void => {
  const width = 30;
  const filled = Math.round((done / Math.max(1, total)) * width);
  const elapsed = Math.round((Date.now() - started) / 1000);
  process.stderr.write(`\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total} ${elapsed}s ${label.padEnd(40).slice(0, 40)}`);
};

const result = await runComparison({ quick, repetitions, ...(only ? { transports: only } : {}), ...(workloads ? { workloads } : {}), ...(pin ? { pin } : {}), progress: bar });
process.stderr.write('\n');
const overhead = renderOverheadTable(result);
const verdicts = renderVerdicts(result, 'framed');
let table = renderTable(result);
if (verdicts !== '') table += `\n\n**WireKit (framed client, WireKitServer) against ws + bufferutil**\n\n${verdicts}`;
if (overhead !== '') table += `\n\n**Connection overhead**\n\n${overhead}`;
if (result.pin !== null) table += `\n\n${describePinning(result.pin)}`;
console.log(table);
console.error(`took ${Math.round((Date.now() - started) / 1000)} s`);
if (args.includes('--write-docs')) {
  const docs = fileURLToPath(new URL('../../../../docs/', import.meta.url));
  mkdirSync(`${docs}public`, { recursive: true });
  writeFileSync(`${docs}benchmarks-table.md`, `${table}\n`);
  writeFileSync(`${docs}public/benchmarks.svg`, renderChart(result));
  writeFileSync(`${docs}public/benchmarks.json`, `${JSON.stringify(result, null, 2)}\n`);
  console.error(`wrote ${docs}benchmarks-table.md and public/benchmarks.svg`);
}
