import { once } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocket, WebSocketServer } from 'ws';
import type { ContractServer, ServerKind, ServerPeer } from './contract-server.js';
import { fromWire, toWire, type ControlOperation, type ControlRequest, type WireFaultOptions } from './control-protocol.js';
import type { ContractEnvironment, EnvironmentFaultServer } from './environment.js';
import type { FaultServerOptions } from './fault-server.js';
import { localEnvironment } from './local-environment.js';
import { fromBase64 } from './runtime.js';

/** A file the environment server serves over HTTP (the page and script of a browser run). */
export interface ServedFile {
  readonly type: string;
  readonly body: string | Uint8Array;
}

/** Options of {@link serveContractEnvironment}. */
export interface EnvironmentServerOptions {
  /** Files by path, e.g. `{ '/': { type: 'text/html', body } }`. */
  readonly files?: Readonly<Record<string, ServedFile>>;
  /** Receives every `report` a client sends. */
  readonly onReport?: (payload: unknown) => void;
  /** Receives every `log` line a client sends. */
  readonly onLog?: (line: string) => void;
  /** Where the servers run; this process by default. */
  readonly environment?: ContractEnvironment;
}

/** A running environment server. */
export interface EnvironmentServer {
  /** `http://127.0.0.1:<port>`: the served files. */
  readonly url: string;
  /** `ws://127.0.0.1:<port>/control`: what `connectEnvironment` takes. */
  readonly controlUrl: string;
  /** The reports received so far. */
  readonly reports: readonly unknown[];
  /** Closes every control channel and every server the clients started, then stops listening. */
  close(): Promise<void>;
}

/** Everything one control client started, closed when its channel ends. */
class Session {
  private nextId = 0;
  private readonly targets = new Map<number, ContractServer>();
  private readonly peers = new Map<number, ServerPeer>();
  private readonly faults = new Map<number, EnvironmentFaultServer>();

  constructor(private readonly environment: ContractEnvironment, private readonly options: EnvironmentServerOptions, private readonly reports: unknown[]) {}

  private find<T>(map: Map<number, T>, id: unknown, what: string): T {
    const found = typeof id === 'number' ? map.get(id) : undefined;
    if (found === undefined) throw new Error(`no ${what} ${String(id)}`);
    return found;
  }

  async handle(op: ControlOperation, args: readonly unknown[]): Promise<unknown> {
    const [a, b, c] = args;
    switch (op) {
      case 'target.unavailable':
        return (await this.environment.targetUnavailable(a as ServerKind)) ?? null;
      case 'target.start': {
        const server = await this.environment.startTarget(a as ServerKind);
        const id = ++this.nextId;
        this.targets.set(id, server);
        return { id, url: server.url };
      }
      case 'target.close':
        await this.find(this.targets, a, 'target').close();
        this.targets.delete(a as number);
        return null;
      case 'target.peer': {
        const peer = await this.find(this.targets, a, 'target').peer(b as string, c as number);
        const id = ++this.nextId;
        this.peers.set(id, peer);
        return { id, path: peer.path, protocol: peer.protocol, headers: peer.headers, received: peer.received.map(toWire) };
      }
      case 'peer.messages':
        return (await this.find(this.peers, a, 'peer').messages(b as number, c as number)).map(toWire);
      case 'peer.closed':
        return await this.find(this.peers, a, 'peer').closed;
      case 'peer.send':
        await this.find(this.peers, a, 'peer').send(fromWire(b as never));
        return null;
      case 'peer.sendFragments':
        await this.find(this.peers, a, 'peer').sendFragments((b as never[]).map(fromWire));
        return null;
      case 'peer.close':
        this.find(this.peers, a, 'peer').close(b as number, c as string);
        return null;
      case 'peer.drop':
        this.find(this.peers, a, 'peer').drop();
        return null;
      case 'fault.start': {
        const wire = a as WireFaultOptions;
        const options = (typeof wire.bytes === 'string' ? { ...wire, bytes: fromBase64(wire.bytes) } : wire) as unknown as FaultServerOptions;
        const server = await this.environment.startFaultServer(options);
        const id = ++this.nextId;
        this.faults.set(id, server);
        return { id, url: server.url, mode: server.mode };
      }
      case 'fault.connections':
        return this.find(this.faults, a, 'fault server').connections();
      case 'fault.pings':
        return this.find(this.faults, a, 'fault server').pings();
      case 'fault.received':
        return (await this.find(this.faults, a, 'fault server').received()).map(toWire);
      case 'fault.clientClose':
        return this.find(this.faults, a, 'fault server').clientClose(b as number);
      case 'fault.close':
        await this.find(this.faults, a, 'fault server').close();
        this.faults.delete(a as number);
        return null;
      case 'closedPortUrl':
        return this.environment.closedPortUrl();
      case 'report':
        this.reports.push(a);
        this.options.onReport?.(a);
        return null;
      case 'log':
        this.options.onLog?.(String(a));
        return null;
    }
  }

  async close(): Promise<void> {
    const closing = [...this.targets.values(), ...this.faults.values()].map((server) => server.close().catch(() => undefined));
    this.targets.clear();
    this.faults.clear();
    this.peers.clear();
    await Promise.all(closing);
  }
}

function describeError(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

/**
 * Serves the contract suite's servers to a client in another runtime: an HTTP server on
 * 127.0.0.1 with the given files (a browser page and its bundle) and a control channel at
 * `/control`, where `connectEnvironment` starts contract and fault servers in this process and
 * drives their side of each connection. Each control client's servers are closed when its
 * channel closes.
 */
export async function serveContractEnvironment(options: EnvironmentServerOptions = {}): Promise<EnvironmentServer> {
  const environment = options.environment ?? localEnvironment();
  const reports: unknown[] = [];
  const sessions = new Set<Session>();
  const files = options.files ?? {};
  const http = createServer((request: IncomingMessage, response: ServerResponse) => {
    const file = files[new URL(request.url ?? '/', 'http://localhost').pathname];
    if (request.method !== 'GET' || file === undefined) {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    response.writeHead(200, { 'content-type': file.type, 'cache-control': 'no-store' }).end(file.body);
  });
  const control = new WebSocketServer({ noServer: true, perMessageDeflate: false });
  http.on('upgrade', (request, socket, head) => {
    if (request.url !== '/control') {
      socket.destroy();
      return;
    }
    control.handleUpgrade(request, socket, head, (ws) => control.emit('connection', ws, request));
  });
  control.on('connection', (ws: WebSocket) => {
    const session = new Session(environment, options, reports);
    sessions.add(session);
    ws.on('error', () => undefined);
    ws.on('close', () => {
      sessions.delete(session);
      void session.close();
    });
    ws.on('message', (data) => {
      const request = JSON.parse(String(data)) as ControlRequest;
      session.handle(request.op, request.args).then(
        (value) => ({ id: request.id, ok: true, value: value ?? null }),
        (error: unknown) => ({ id: request.id, ok: false, error: `${request.op} failed: ${describeError(error)}` }),
      ).then((response) => {
        if (ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify(response));
      }, () => undefined);
    });
  });
  http.listen(0, '127.0.0.1');
  await once(http, 'listening');
  const { port } = http.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    controlUrl: `ws://127.0.0.1:${port}/control`,
    reports,
    async close() {
      for (const client of control.clients) client.terminate();
      await Promise.all([...sessions].map((session) => session.close()));
      sessions.clear();
      control.close();
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };
}
