import { createServer as createNetServer, type Server, type Socket } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';
import { systemClock, type Clock } from '@wirekit/core';
import { assertNever, WireKitUsageError } from '@wirekit/protocol';
import { NWConnection, adoptOpener } from './nw-connection.js';
import { NWEndpoint } from './nw-endpoint.js';
import { NWError } from './nw-error.js';
import type { NWParameters } from './nw-parameters.js';
import { serverOpener } from './server-opener.js';

/** The life of an {@link NWListener} (Swift `NWListener.State`). */
export type NWListenerState =
  | { readonly kind: 'setup' }
  /** Never entered: a listen failure (EADDRINUSE, EACCES) is `failed`, as nothing will change it. */
  | { readonly kind: 'waiting'; readonly error: NWError }
  | { readonly kind: 'ready' }
  | { readonly kind: 'failed'; readonly error: NWError }
  | { readonly kind: 'cancelled' };

/**
 * A server in the style of Network.framework's `NWListener`: it accepts TCP (or TLS)
 * connections and hands each to `newConnectionHandler` as an {@link NWConnection} in state
 * `setup`; calling its `start()` runs the server side of the stack (the WebSocket handshake,
 * or a framer) and moves it to `ready`. Listens on `parameters.requiredLocalEndpoint`'s host
 * when set, else on every interface, as Apple's.
 *
 * @see https://developer.apple.com/documentation/network/nwlistener
 */
export class NWListener {
  /** Receives each accepted connection; required before `start()`. */
  newConnectionHandler: ((connection: NWConnection) => void) | null = null;
  /** Receives every state change after the initial `setup`. */
  stateUpdateHandler: ((state: NWListenerState) => void) | null = null;

  private current: NWListenerState = { kind: 'setup' };
  private server: Server | null = null;
  private readonly clock: Clock;

  /**
   * @param parameters the stack of accepted connections; TLS needs `tlsOptions.localIdentity`,
   *   and a framer must be given as a factory (each connection needs its own framer state).
   * @param requestedPort the port to listen on. Default 0: an ephemeral port, read from `port` once ready.
   * @throws {WireKitUsageError} WK_ERR_INVALID_ARGUMENT for a framer instance, TLS without a
   *   local identity, or a port outside 0–65535.
   */
  constructor(
    readonly parameters: NWParameters,
    private readonly requestedPort = 0,
    options: { readonly clock?: Clock } = {},
  ) {
    NWEndpoint.hostPort('0.0.0.0', requestedPort);
    const stack = parameters.stackKind;
    if (stack.kind === 'framer' && !stack.options.isFactory) {
      throw new WireKitUsageError('WK_ERR_INVALID_ARGUMENT', 'NWListener needs a framer factory: new NWProtocolFramer.Options(() => new LengthPrefixFramer())');
    }
    if (parameters.tlsOptions !== null && parameters.tlsOptions.localIdentity === undefined) {
      throw new WireKitUsageError('WK_ERR_INVALID_ARGUMENT', 'A TLS listener needs tlsOptions.localIdentity (certificate and key)');
    }
    this.clock = options.clock ?? systemClock;
  }

  get state(): NWListenerState {
    return this.current;
  }

  /** The port listened on once ready (the ephemeral one chosen for port 0), else null. */
  get port(): number | null {
    const address = this.server?.address();
    return address === null || address === undefined || typeof address === 'string' ? null : address.port;
  }

  /**
   * Starts listening: `ready`, or `failed` (EADDRINUSE…).
   *
   * @throws {WireKitUsageError} WK_ERR_INVALID_ARGUMENT without a `newConnectionHandler`, or when already started.
   */
  start(): void {
    if (this.newConnectionHandler === null) throw new WireKitUsageError('WK_ERR_INVALID_ARGUMENT', 'Set newConnectionHandler before start()');
    if (this.current.kind !== 'setup') throw new WireKitUsageError('WK_ERR_INVALID_ARGUMENT', `start() in state ${this.current.kind}: a listener starts once`);
    const tls = this.parameters.tlsOptions;
    const identity = tls?.localIdentity;
    const onSocket = (socket: Socket): void => this.accept(socket, tls !== null);
    const server =
      tls === null || identity === undefined
        ? createNetServer(onSocket)
        : createTlsServer({ cert: toPem(identity.cert), key: toPem(identity.key), ALPNProtocols: ['http/1.1'] }, onSocket);
    this.server = server;
    server.on('error', (error) => {
      if (this.current.kind === 'setup' || this.current.kind === 'ready') this.setState({ kind: 'failed', error: NWError.from(error) });
      server.close();
    });
    const local = this.parameters.requiredLocalEndpoint;
    const host = local?.kind === 'hostPort' ? local.host : undefined;
    server.listen({ port: this.requestedPort, ...(host === undefined ? {} : { host }) }, () => {
      if (this.current.kind === 'setup') this.setState({ kind: 'ready' });
    });
  }

  /** Stops accepting; connections already handed out are not affected. */
  cancel(): void {
    const state = this.current;
    switch (state.kind) {
      case 'cancelled':
      case 'failed':
        return;
      case 'setup':
      case 'waiting':
      case 'ready':
        this.server?.close();
        this.setState({ kind: 'cancelled' });
        return;
      default:
        assertNever(state);
    }
  }

  private accept(socket: Socket, secure: boolean): void {
    const handler = this.newConnectionHandler;
    if (this.current.kind !== 'ready' || handler === null || socket.remoteAddress === undefined || socket.remotePort === undefined) {
      socket.destroy();
      return;
    }
    const endpoint = NWEndpoint.hostPort(socket.remoteAddress, socket.remotePort);
    const host = socket.localAddress?.includes(':') === true ? `[${socket.localAddress}]` : (socket.localAddress ?? 'localhost');
    const url = `${secure ? 'wss' : 'ws'}://${host}:${socket.localPort ?? this.port ?? 0}/`;
    const connection = new NWConnection(endpoint, this.parameters, { clock: this.clock });
    adoptOpener(connection, serverOpener(socket, this.parameters, url, this.clock));
    // Until start(), the socket is not read; an error before then must not be uncaught.
    socket.on('error', () => undefined);
    handler(connection);
  }

  private setState(state: NWListenerState): void {
    this.current = state;
    this.stateUpdateHandler?.(state);
  }
}

function toPem(value: string | Uint8Array): string | Buffer {
  return typeof value === 'string' ? value : Buffer.from(value.buffer, value.byteOffset, value.byteLength);
}
