// `pnpm --filter @wirekit/bench soak [--connections N] [--duration S] [--interval MS] [--size BYTES] [--targets wirekit,ws] [--source] [--json]`
// Holds thousands of connections to a WireKit server and then to a ws server, exchanging
// messages, and prints connections held, messages, errors and memory per connection per side.
import { parseArgs } from 'node:util';
import { stopAfterPlan } from '../plan-only.js';
import { runSoak } from './run-soak.js';
import { SOAK_DEFAULTS, type SoakOptions, type SoakTarget } from './soak-protocol.js';
import { soakTable } from './soak-report.js';

const { values } = parseArgs({
  options: {
    connections: { type: 'string' },
    duration: { type: 'string' },
    interval: { type: 'string' },
    size: { type: 'string' },
    targets: { type: 'string' },
    json: { type: 'boolean', default: false },
    source: { type: 'boolean', default: false },
  },
});

function positive(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const parsed = Number(value);
  if (!Number.isFinite(parsed) || parsed <= 0) throw new Error(`--${name} must be a positive number, got ${value}`);
  return parsed;
}

const targets = (values.targets?.split(',') ?? SOAK_DEFAULTS.targets) as SoakTarget[];
for (const target of targets) if (target !== 'wirekit' && target !== 'ws') throw new Error(`unknown target ${target}: use wirekit and/or ws`);
const options: Partial<SoakOptions> = {
  connections: Math.floor(positive('connections', values.connections, SOAK_DEFAULTS.connections)),
  durationMs: positive('duration', values.duration, SOAK_DEFAULTS.durationMs / 1000) * 1000,
  intervalMs: positive('interval', values.interval, SOAK_DEFAULTS.intervalMs),
  messageSize: Math.floor(positive('size', values.size, SOAK_DEFAULTS.messageSize)),
  targets,
  wirekit: values.source === true ? 'source' : 'compiled',
};

stopAfterPlan('soak', { ...options, json: values.json === true });
const report = await runSoak(options);
console.log(values.json === true ? JSON.stringify(report, null, 2) : soakTable(report));
if (report.results.some((result) => result.errors > 0)) process.exitCode = 1;
