import type { SoakReport } from './soak-protocol.js';

const STACKS = { wirekit: 'WireKit (WireKitServer + framed connect)', ws: 'ws 8 (server + client)' } as const;

const kib = (bytes: number): string => `${(bytes / 1024).toFixed(1)} KiB`;
const count = (value: number): string => value.toLocaleString('en-US');

/** The report as a markdown table, one row per target, with the run's settings above it. */
export function soakTable(report: SoakReport): string {
  const { options } = report;
  const lines = [
    `${count(options.connections)} connections per stack, ${options.durationMs / 1000} s, one ${options.messageSize}-byte text message per connection every ${options.intervalMs} ms, echoed. WireKit ${options.wirekit === 'compiled' ? 'compiled by tsc' : 'run from its TypeScript sources through tsx'}. Server and client in separate processes; memory after a forced GC, with every connection held, minus the process before its first connection, divided by the connections held. (${report.fileLimit.note}.)`,
    '',
    '| stack | connections held (client / server) | messages sent / echoed | errors | server RSS / conn | server heap / conn | client RSS / conn | client heap / conn | ramp-up |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- |',
  ];
  for (const result of report.results) {
    const { server, client } = result;
    lines.push(
      `| ${STACKS[result.target]} | ${count(client.stats.held)} / ${count(server.stats.held)} | ${count(client.stats.sent)} / ${count(client.stats.echoed)} | ${result.errors} | ${kib(server.memory.rssPerConnection)} | ${kib(server.memory.heapPerConnection)} | ${kib(client.memory.rssPerConnection)} | ${kib(client.memory.heapPerConnection)} | ${(client.stats.rampMs / 1000).toFixed(1)} s |`,
    );
  }
  const samples = report.results.flatMap((result) => [...result.server.stats.errorSamples, ...result.client.stats.errorSamples].map((sample) => `- ${result.target}: ${sample}`));
  if (samples.length > 0) lines.push('', 'First errors:', ...samples);
  return lines.join('\n');
}
