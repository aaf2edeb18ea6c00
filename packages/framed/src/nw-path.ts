import { networkInterfaces, type NetworkInterfaceInfo } from 'node:os';
import type { Socket } from 'node:net';
import { systemClock, type Clock } from '@wirekit/core';
import { NWEndpoint } from './nw-endpoint.js';

/** Interface kinds, as Swift's `NWInterface.InterfaceType` (guessed from the OS interface name). */
export type NWInterfaceType = 'wifi' | 'cellular' | 'wiredEthernet' | 'loopback' | 'other';

/** A network interface (Swift `NWInterface`). */
export interface NWInterface {
  readonly name: string;
  readonly type: NWInterfaceType;
}

/**
 * The path a connection uses (Swift `NWPath`), built from `os.networkInterfaces()` and the
 * socket's addresses. Node cannot see cost or data-saver modes: `isExpensive` and
 * `isConstrained` are always false.
 */
export interface NWPath {
  readonly status: 'satisfied' | 'unsatisfied';
  /** The interface carrying the connection first, then the others that are up. */
  readonly availableInterfaces: readonly NWInterface[];
  readonly localEndpoint: NWEndpoint | null;
  readonly remoteEndpoint: NWEndpoint | null;
  readonly isExpensive: boolean;
  readonly isConstrained: boolean;
}

/** The source of interface lists: `os.networkInterfaces` by default, injectable for tests. */
export type InterfaceSource = () => NodeJS.Dict<NetworkInterfaceInfo[]>;

const TYPE_PATTERNS: ReadonlyArray<readonly [RegExp, NWInterfaceType]> = [
  [/^lo/i, 'loopback'],
  [/^(?:wl|wlan|wi-?fi|awdl)/i, 'wifi'],
  [/^(?:pdp_ip|rmnet|wwan|ccmni)/i, 'cellular'],
  [/^(?:en|eth|em|eno|ens|enp)/i, 'wiredEthernet'],
];

function interfaceType(name: string, internal: boolean): NWInterfaceType {
  if (internal) return 'loopback';
  return TYPE_PATTERNS.find(([pattern]) => pattern.test(name))?.[1] ?? 'other';
}

/** The path of a connected socket (or an unsatisfied one for null). */
export function pathOf(socket: Socket | null, source: InterfaceSource = networkInterfaces): NWPath {
  const all = Object.entries(source());
  const inUse = socket?.localAddress;
  const interfaces = all
    .map(([name, infos = []]) => ({ name, infos }))
    .sort((a, b) => Number(b.infos.some((info) => info.address === inUse)) - Number(a.infos.some((info) => info.address === inUse)))
    .map(({ name, infos }) => ({ name, type: interfaceType(name, infos.every((info) => info.internal)) }));
  const endpoint = (host: string | undefined, port: number | undefined): NWEndpoint | null =>
    host === undefined || port === undefined ? null : NWEndpoint.hostPort(host, port);
  return {
    status: socket === null || socket.destroyed ? 'unsatisfied' : 'satisfied',
    availableInterfaces: interfaces,
    localEndpoint: endpoint(socket?.localAddress, socket?.localPort),
    remoteEndpoint: endpoint(socket?.remoteAddress, socket?.remotePort),
    isExpensive: false,
    isConstrained: false,
  };
}

/** The external (non-internal) addresses now up, as `name/address` keys. */
function externalAddresses(source: InterfaceSource): Set<string> {
  const keys = new Set<string>();
  for (const [name, infos = []] of Object.entries(source())) {
    for (const info of infos) if (!info.internal) keys.add(`${name}/${info.address}`);
  }
  return keys;
}

/**
 * Polls the interface list while a `betterPathUpdateHandler` is set (Node has no path-change
 * notification). Reports true when an address appears that was not up when watching began
 * (a new network another connection could use), false when no such address is left.
 */
export class BetterPathWatcher {
  private timer: unknown = null;
  private readonly baseline: Set<string>;
  private better = false;

  constructor(
    private readonly onChange: (better: boolean) => void,
    private readonly source: InterfaceSource,
    private readonly interval: number,
    private readonly clock: Clock = systemClock,
  ) {
    this.baseline = externalAddresses(source);
    this.schedule();
  }

  stop(): void {
    if (this.timer !== null) this.clock.clearTimeout(this.timer);
    this.timer = null;
  }

  private schedule(): void {
    this.timer = this.clock.setTimeout(() => {
      this.poll();
      if (this.timer !== null) this.schedule();
    }, this.interval);
  }

  private poll(): void {
    const now = externalAddresses(this.source);
    const better = [...now].some((key) => !this.baseline.has(key));
    if (better === this.better) return;
    this.better = better;
    this.onChange(better);
  }
}
