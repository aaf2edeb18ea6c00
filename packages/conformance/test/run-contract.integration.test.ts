/**
 * runContract: the same cases as describeConnection, run without vitest and returned as data,
 * in this process (localEnvironment) and through the control channel other runtimes use.
 */
import type { ConnectionFactory } from '@wirekit/core';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { connectEnvironment, localEnvironment, runContract, serveContractEnvironment, type ContractReport, type EnvironmentServer, type RemoteEnvironment } from '../src/index.js';
import { coreNetFactory } from './support/core-net-connection.js';

const opened: Array<EnvironmentServer | RemoteEnvironment> = [];
afterEach(async () => {
  for (const item of opened.splice(0).reverse()) {
    if ('controlUrl' in item) await item.close();
    else item.close();
  }
});

function failures(report: ContractReport): string[] {
  return report.cases.filter((result) => result.status === 'failed').map((result) => `${result.group} / ${result.title}: ${result.error ?? ''}`);
}

describe('runContract()', () => {
  it('runs every case on core over node:net in this process and reports each one passed', async () => {
    const report = await runContract('core over node:net', coreNetFactory, { environment: localEnvironment() });
    expect(failures(report)).toEqual([]);
    expect(report.failed).toBe(0);
    expect(report.skipped).toBe(0);
    expect(report.passed).toBe(report.cases.length);
    expect(new Set(report.cases.map((result) => result.group))).toEqual(new Set(['ws', 'wirekit', 'faults']));
  });

  it('reports a broken transport case by case, with the error, and keeps going', async () => {
    const broken: ConnectionFactory = (url) => coreNetFactory(url).then((connection) => {
      connection.terminate();
      return connection;
    });
    const report = await runContract('broken', broken, { environment: localEnvironment(), servers: ['ws'], features: ['connect', 'echo'] });
    const ran = report.cases.filter((result) => result.status !== 'skipped');
    expect(ran.length).toBeGreaterThan(0);
    expect(ran.every((result) => result.status === 'failed' && (result.error ?? '').length > 0)).toBe(true);
    expect(report.cases.filter((result) => result.status === 'skipped').every((result) => result.reason === 'not selected')).toBe(true);
  });

  it('reports skipped features with their reason, and rejects a skip without one', async () => {
    const report = await runContract('skipping', coreNetFactory, { environment: localEnvironment(), servers: [], features: ['refused', 'dns'], skip: [{ feature: 'dns', reason: 'no resolver here' }] });
    expect(report.cases.find((result) => result.feature === 'dns')).toMatchObject({ status: 'skipped', reason: 'no resolver here' });
    expect(report.cases.find((result) => result.feature === 'refused')).toMatchObject({ status: 'passed' });
    await expect(runContract('bad', coreNetFactory, { environment: localEnvironment(), skip: [{ feature: 'dns', reason: '' }] })).rejects.toThrow(/needs a reason/);
  });

  it('passes every case through the control channel, with the servers in the parent, as in process', async () => {
    const reports: unknown[] = [];
    const server = await serveContractEnvironment({ onReport: (payload) => reports.push(payload) });
    opened.push(server);
    const remote = await connectEnvironment(server.controlUrl, { WebSocket: WebSocket as never });
    opened.push(remote);
    const report = await runContract('core over node:net, remote servers', coreNetFactory, { environment: remote });
    expect(failures(report)).toEqual([]);
    expect(report.passed).toBe(report.cases.length);
    await remote.report({ passed: report.passed });
    expect(reports).toEqual([{ passed: report.passed }]);
  });

  it('serves the given files and nothing else', async () => {
    const server = await serveContractEnvironment({ files: { '/': { type: 'text/html', body: '<p>page</p>' } } });
    opened.push(server);
    const page = await fetch(`${server.url}/`);
    expect(page.status).toBe(200);
    expect(await page.text()).toBe('<p>page</p>');
    expect((await fetch(`${server.url}/other`)).status).toBe(404);
  });
});
