import { describe, expect, it } from 'vitest';
import { formatTable } from '../src/tour/report.js';
import { runTour, type TourResult } from '../src/tour/run-tour.js';
import { TRANSPORT_NAMES } from '../src/transports.js';

describe('runTour()', () => {
  let tour: TourResult;
  const lines: string[] = [];

  it('runs over all five transports against the embedded server', async () => {
    tour = await runTour({ log: (line) => lines.push(line), roundTrips: 50, loopBudgetMs: 2_000, stepTimeoutMs: 10_000 });
    expect(tour.serverUrl).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\/echo$/);
    expect(tour.results.map((result) => result.transport)).toEqual(TRANSPORT_NAMES);
    expect(tour.serverErrors).toEqual([]);
  }, 60_000);

  it.each(TRANSPORT_NAMES)('%s exchanged text, binary and JSON, pinged, and closed clean with 1000', (name) => {
    const result = tour.results.find((candidate) => candidate.transport === name);
    expect(result).toBeDefined();
    expect({ ok: result?.ok, error: result?.error }).toEqual({ ok: true, error: null });
    expect(result).toMatchObject({ text: true, binary: true, json: true, roundTrips: 50 });
    expect(result?.coldConnectMs).toBeGreaterThan(0);
    expect(result?.connectMs).toBeGreaterThan(0);
    expect(result?.roundTripsPerSecond).toBeGreaterThan(0);
    // Every Node transport can ping (the adapter through ws); only browser WebSockets cannot.
    expect(result?.pingError).toBeNull();
    expect(result?.pingMs).toBeGreaterThanOrEqual(0);
    expect(result?.close).toEqual({ code: 1000, reason: '', wasClean: true });
  });

  it('logs each transport and prints a table with one row per transport', () => {
    for (const name of TRANSPORT_NAMES) expect(lines).toContain(`${name} (@wirekit/${name}, as ${tour.results.find((r) => r.transport === name)?.iosOriginal ?? '?'})`);
    const table = formatTable(tour.results).split('\n');
    expect(table[0]?.split('|').map((cell) => cell.trim())).toEqual(['transport', 'iOS original', 'connect ms', 'echo round trips/s', 'ping ms', 'close', 'result']);
    expect(table).toHaveLength(2 + TRANSPORT_NAMES.length);
    for (const row of table.slice(2)) expect(row).toMatch(/\| 1000 clean \| ok$/);
  });

  it('reports a transport that cannot reach the server as failed, with its error code', async () => {
    const failing = await runTour({
      transports: [{ name: 'task', iosOriginal: 'nothing', connect: () => Promise.reject(Object.assign(new Error('refused'), { code: 'WK_ERR_CONNECTION_REFUSED' })) }],
    });
    expect(failing.results[0]).toMatchObject({ ok: false, error: 'WK_ERR_CONNECTION_REFUSED: refused', coldConnectMs: null, connectMs: null, close: null });
    expect(formatTable(failing.results)).toMatch(/FAILED$/);
  });
});
