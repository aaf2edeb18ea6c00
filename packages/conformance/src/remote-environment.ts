import type { Message } from '@wirekit/core';
import { within } from './bounded.js';
import type { ContractServer, PeerClose, ServerKind, ServerPeer } from './contract-server.js';
import { fromWire, toWire, type ControlOperation, type ControlOperations, type ControlResponse, type WireFaultOptions } from './control-protocol.js';
import type { ContractEnvironment, EnvironmentFaultServer } from './environment.js';
import type { FaultMode, FaultServerOptions } from './fault-server.js';
import { toBase64 } from './runtime.js';

/** The part of a WHATWG WebSocket the control channel uses (browsers, Bun, Deno, undici). */
interface ControlSocket {
  readonly readyState: number;
  send(data: string): void;
  close(): void;
  addEventListener(type: 'open' | 'close' | 'error', listener: () => void): void;
  addEventListener(type: 'message', listener: (event: { readonly data: unknown }) => void): void;
}

/** A WHATWG WebSocket constructor. */
export type ControlSocketConstructor = new (url: string) => ControlSocket;

/** The servers of a Node parent, driven over its control channel, plus a way to hand results back. */
export interface RemoteEnvironment extends ContractEnvironment {
  /** Hands a JSON result (typically a ContractReport) to the parent. */
  report(payload: unknown): Promise<void>;
  /** A progress line for the parent's log. */
  log(line: string): Promise<void>;
  /** Closes the control channel; the parent then closes every server this client started. */
  close(): void;
}

/** Options of {@link connectEnvironment}. */
export interface ConnectEnvironmentOptions {
  /** The WebSocket constructor for the control channel; `globalThis.WebSocket` by default. */
  readonly WebSocket?: ControlSocketConstructor;
  /** Bound on each control request; 30 s by default (a request can wait up to a case's own bound). */
  readonly requestTimeoutMs?: number;
}

const CONNECT_MS = 10_000;
const REQUEST_MS = 30_000;
const OPEN = 1;

/**
 * Connects to the control channel of a Node parent (`serveContractEnvironment`), whose servers
 * the contract cases then use: for running {@link runContract} in a browser, Bun or Deno while
 * `node:net`, `ws` and `@wirekit/server` stay in Node. Uses the runtime's own WebSocket for the
 * control channel, never the transport under test.
 *
 * @param url the parent's control URL, `ws://127.0.0.1:<port>/control`.
 * @throws {Error} when there is no WebSocket constructor or the channel does not open in 10 s.
 */
export async function connectEnvironment(url: string, options: ConnectEnvironmentOptions = {}): Promise<RemoteEnvironment> {
  const Ctor = options.WebSocket ?? (globalThis as { WebSocket?: ControlSocketConstructor }).WebSocket;
  if (Ctor === undefined) throw new Error('connectEnvironment needs a WebSocket constructor: this runtime has no globalThis.WebSocket');
  const requestMs = options.requestTimeoutMs ?? REQUEST_MS;
  const socket = new Ctor(url);
  const pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  let nextId = 0;
  let ended: Error | undefined;
  const fail = (error: Error): void => {
    ended ??= error;
    for (const waiter of pending.values()) waiter.reject(error);
    pending.clear();
  };
  socket.addEventListener('message', (event) => {
    const response = JSON.parse(String(event.data)) as ControlResponse;
    const waiter = pending.get(response.id);
    if (waiter === undefined) return;
    pending.delete(response.id);
    if (response.ok) waiter.resolve(response.value);
    else waiter.reject(new Error(`control ${response.error}`));
  });
  socket.addEventListener('close', () => fail(new Error('the control channel closed')));
  await within(new Promise<void>((resolve, reject) => {
    socket.addEventListener('open', () => resolve());
    socket.addEventListener('error', () => reject(new Error(`the control channel ${url} failed to open`)));
  }), CONNECT_MS, `the control channel ${url} to open`);

  const call = <O extends ControlOperation>(op: O, ...args: ControlOperations[O]['args']): Promise<ControlOperations[O]['result']> => {
    if (ended !== undefined) return Promise.reject(ended);
    if (socket.readyState !== OPEN) return Promise.reject(new Error('the control channel is not open'));
    const id = ++nextId;
    const answer = new Promise<unknown>((resolve, reject) => pending.set(id, { resolve, reject }));
    socket.send(JSON.stringify({ id, op, args }));
    return within(answer, requestMs, `the control request ${op}`).finally(() => pending.delete(id)) as Promise<ControlOperations[O]['result']>;
  };
  /** For handles whose methods return void: the failure surfaces through what the case awaits next. */
  const fire = (promise: Promise<unknown>): void => void promise.catch(() => undefined);

  const remotePeer = (peer: ControlOperations['target.peer']['result']): ServerPeer => {
    let closed: Promise<PeerClose> | undefined;
    return {
      path: peer.path,
      protocol: peer.protocol,
      headers: peer.headers,
      // A snapshot taken when the peer was looked up; use messages() to wait for more.
      received: peer.received.map(fromWire),
      messages: async (count, ms) => (await call('peer.messages', peer.id, count, ms)).map(fromWire),
      get closed() {
        if (closed === undefined) {
          closed = call('peer.closed', peer.id);
          closed.catch(() => undefined); // a case may stop waiting; the rejection still reaches awaiters
        }
        return closed;
      },
      send: async (data: Message) => void (await call('peer.send', peer.id, toWire(data))),
      sendFragments: async (fragments) => void (await call('peer.sendFragments', peer.id, fragments.map(toWire))),
      close: (code, reason) => fire(call('peer.close', peer.id, code, reason)),
      drop: () => fire(call('peer.drop', peer.id)),
    };
  };

  return {
    async targetUnavailable(kind: ServerKind) {
      return (await call('target.unavailable', kind)) ?? undefined;
    },
    async startTarget(kind: ServerKind): Promise<ContractServer> {
      const { id, url: targetUrl } = await call('target.start', kind);
      return {
        kind,
        url: targetUrl,
        peer: async (path, ms) => remotePeer(await call('target.peer', id, path, ms)),
        close: async () => void (await call('target.close', id)),
      };
    },
    async startFaultServer(faultOptions: FaultServerOptions): Promise<EnvironmentFaultServer> {
      const wire: WireFaultOptions = 'bytes' in faultOptions ? { ...faultOptions, bytes: toBase64(faultOptions.bytes) } : { ...faultOptions };
      const { id, url: faultUrl } = await call('fault.start', wire);
      return {
        url: faultUrl,
        mode: faultOptions.mode as FaultMode,
        connections: () => call('fault.connections', id),
        pings: () => call('fault.pings', id),
        clientClose: (ms) => call('fault.clientClose', id, ms),
        received: async () => (await call('fault.received', id)).map(fromWire),
        close: async () => void (await call('fault.close', id)),
      };
    },
    closedPortUrl: () => call('closedPortUrl'),
    report: async (payload) => void (await call('report', payload)),
    log: async (line) => void (await call('log', line)),
    close: () => socket.close(),
  };
}
