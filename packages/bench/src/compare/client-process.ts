/**
 * One workload of one transport in its own process. argv: transport name, workload, url,
 * 'quick' | 'full'. Reports { type: 'result', measurement } or { type: 'failed', reason } over IPC.
 */
import { TRANSPORTS } from './clients.js';
import { FULL, QUICK, runWorkload, type WorkloadName } from './workloads.js';

const [transportName, workload, url, sizeName] = process.argv.slice(2) as [string, WorkloadName, string, string];
const send = (message: unknown): Promise<void> => new Promise((resolve) => process.send?.(message, () => resolve()));

function idleOpen(): Promise<void> {
  return new Promise((resolve) => {
    process.once('message', () => resolve()); // the orchestrator measured the server
    void send({ type: 'idle-open' });
  });
}

async function main(): Promise<void> {
  const entry = TRANSPORTS.find((candidate) => candidate.name === transportName);
  if (entry === undefined) throw new Error(`unknown transport ${transportName}`);
  const dial = await entry.load();
  const measurement = await runWorkload(workload, dial, url, sizeName === 'quick' ? QUICK : FULL, { idleOpen });
  await send({ type: 'result', measurement });
}

main().then(
  () => process.exit(0),
  async (error: Error) => {
    await send({ type: 'failed', reason: error.message });
    process.exit(1);
  },
);
