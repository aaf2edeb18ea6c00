import type { NetworkInterfaceInfo } from 'node:os';
import { describe, expect, it } from 'vitest';
import { NWConnection, NWEndpoint, NWParameters } from '../src/index.js';
import { FakeClock } from '@wirekit/test-support';

const info = (address: string, internal = false): NetworkInterfaceInfo => ({ address, netmask: '255.0.0.0', family: 'IPv4', mac: '00:00:00:00:00:00', internal, cidr: null });

describe('NWConnection.betterPathUpdateHandler', () => {
  it('reports true when a new interface comes up and false when it goes away, polling only while set', () => {
    const clock = new FakeClock();
    let interfaces: Record<string, NetworkInterfaceInfo[]> = { lo: [info('127.0.0.1', true)], eth0: [info('10.0.0.2')] };
    const connection = new NWConnection(NWEndpoint.hostPort('127.0.0.1', 1), NWParameters.tcp, { clock, networkInterfaces: () => interfaces, pathPollInterval: 1_000 });
    const reports: boolean[] = [];
    expect(clock.pending).toBe(0);
    connection.betterPathUpdateHandler = (better) => reports.push(better);
    clock.advance(1_000);
    expect(reports).toEqual([]);
    interfaces = { ...interfaces, wlan0: [info('192.168.1.5')] };
    clock.advance(1_000);
    interfaces = { lo: interfaces.lo!, eth0: interfaces.eth0! };
    clock.advance(1_000);
    expect(reports).toEqual([true, false]);
    connection.betterPathUpdateHandler = null;
    expect(clock.pending).toBe(0);
  });

  it('stops polling when the connection is cancelled', () => {
    const clock = new FakeClock();
    const connection = new NWConnection(NWEndpoint.hostPort('127.0.0.1', 1), NWParameters.tcp, { clock, networkInterfaces: () => ({}) });
    connection.betterPathUpdateHandler = () => undefined;
    expect(clock.pending).toBe(1);
    connection.cancel();
    expect(clock.pending).toBe(0);
  });
});

describe('NWConnection.currentPath', () => {
  it('is null until the connection is ready', () => {
    expect(new NWConnection(NWEndpoint.hostPort('127.0.0.1', 1), NWParameters.tcp).currentPath).toBeNull();
  });
});
