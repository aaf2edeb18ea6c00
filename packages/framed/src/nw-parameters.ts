import type { TlsOptions } from '@wirekit/core';
import type { NWEndpoint } from './nw-endpoint.js';
import { NWProtocolFramer } from './nw-protocol-framer.js';
import { NWProtocolWebSocket } from './nw-protocol-websocket.js';

/** What a certificate-verify hook sees (the `verifyPeer` of core's `TlsOptions`). */
export type NWPeerCertificate = Parameters<NonNullable<TlsOptions['verifyPeer']>>[0];

/**
 * TLS options (Swift `NWProtocolTLS.Options` with its `sec_protocol_options_*` settings), mapped
 * onto `node:tls`.
 */
class TlsProtocolOptions {
  /** Extra trusted CA certificates (PEM). Default none: the system's roots only. */
  ca: string | Uint8Array | Array<string | Uint8Array> | undefined = undefined;
  /** SNI and verification name. Default `undefined`: the endpoint's host. */
  serverName: string | undefined = undefined;
  /** Verify the server's chain and name. Default true: anything else is opt-in insecurity. */
  rejectUnauthorized = true;
  /** Certificate and key (PEM) a listener presents (`sec_protocol_options_set_local_identity`). */
  localIdentity: { readonly cert: string | Uint8Array; readonly key: string | Uint8Array } | undefined = undefined;
  private verify: TlsOptions['verifyPeer'] | undefined = undefined;

  /**
   * A custom trust check run after the standard one (`sec_protocol_options_set_verify_block`),
   * for pinning: return false, or an Error, to refuse the server (WK_ERR_TLS).
   */
  setVerifyBlock(verify: (peer: NWPeerCertificate) => boolean | Error): void {
    this.verify = verify;
  }

  /** Core's `TlsOptions` for these settings. */
  toTlsOptions(): TlsOptions {
    return {
      ...(this.ca === undefined ? {} : { ca: this.ca }),
      ...(this.serverName === undefined ? {} : { servername: this.serverName }),
      rejectUnauthorized: this.rejectUnauthorized,
      ...(this.verify === undefined ? {} : { verifyPeer: this.verify }),
    };
  }
}

/** TCP options (Swift `NWProtocolTCP.Options`); times in seconds, as Apple's. */
class TcpProtocolOptions {
  /** Seconds before an unfinished connect (and WebSocket handshake) fails. Default 30, as core's `connectTimeout`. */
  connectionTimeout = 30;
  /** Disable Nagle's algorithm. Default true: WebSocket messages are latency-sensitive and already batched. */
  noDelay = true;
  /**
   * Probe an idle connection. Default false, as Apple's. On a WebSocket it runs core's ping
   * keep-alive (which drives `viabilityUpdateHandler`); on framed TCP, TCP keep-alive probes.
   */
  enableKeepalive = false;
  /** Idle seconds before the first probe (the ping interval on WebSocket). Default 10: well under common 30–60 s proxy idle timeouts. */
  keepaliveIdle = 10;
  /** Seconds to wait for a probe's answer (the pong timeout on WebSocket). Default 10, one idle period. */
  keepaliveInterval = 10;
}

/** An application protocol in a stack: WebSocket or a framer, closest to the application first. */
export type NWApplicationProtocolOptions = NWProtocolWebSocket.Options | NWProtocolFramer.Options;

/** The ordered protocols of a connection (Swift `NWParameters.ProtocolStack`). */
export interface NWProtocolStack {
  /** Application protocols, closest to the application first: insert WebSocket options at 0. */
  applicationProtocols: NWApplicationProtocolOptions[];
}

/** What a stack resolves to: the first application protocol decides. */
export type NWStackKind =
  | { readonly kind: 'websocket'; readonly options: NWProtocolWebSocket.Options }
  | { readonly kind: 'framer'; readonly options: NWProtocolFramer.Options }
  | { readonly kind: 'stream' };

/**
 * Parameters of a connection or listener (Swift `NWParameters`): TLS or not, TCP options, and
 * the application protocol stack.
 *
 * @example
 * ```ts
 * const parameters = NWParameters.tls;
 * parameters.defaultProtocolStack.applicationProtocols.unshift(new NWProtocolWebSocket.Options());
 * ```
 */
export class NWParameters {
  readonly defaultProtocolStack: NWProtocolStack = { applicationProtocols: [] };
  /** TLS options, or null for plain TCP. */
  readonly tlsOptions: NWProtocolTLS.Options | null;
  readonly tcpOptions: NWProtocolTCP.Options;
  /** A local address (and port) to bind; a listener listens there. Default null: any. */
  requiredLocalEndpoint: NWEndpoint | null = null;

  constructor(options: { readonly tls?: NWProtocolTLS.Options | null; readonly tcp?: NWProtocolTCP.Options } = {}) {
    this.tlsOptions = options.tls ?? null;
    this.tcpOptions = options.tcp ?? new TcpProtocolOptions();
  }

  /** Fresh plain-TCP parameters (a new object each time, as Swift's value type). */
  static get tcp(): NWParameters {
    return new NWParameters();
  }

  /** Fresh TLS-over-TCP parameters with default TLS options. */
  static get tls(): NWParameters {
    return new NWParameters({ tls: new TlsProtocolOptions() });
  }

  /** The application protocol that drives a connection with these parameters. */
  get stackKind(): NWStackKind {
    const first = this.defaultProtocolStack.applicationProtocols[0];
    if (first instanceof NWProtocolWebSocket.Options) return { kind: 'websocket', options: first };
    if (first instanceof NWProtocolFramer.Options) return { kind: 'framer', options: first };
    return { kind: 'stream' };
  }
}

/** Network.framework's TLS protocol: its options class. */
export abstract class NWProtocolTLS {
  static readonly Options = TlsProtocolOptions;
}

/** Network.framework's TCP protocol: its options class. */
export abstract class NWProtocolTCP {
  static readonly Options = TcpProtocolOptions;
}

// eslint-disable-next-line @typescript-eslint/no-namespace
export declare namespace NWProtocolTLS {
  type Options = TlsProtocolOptions;
}

// eslint-disable-next-line @typescript-eslint/no-namespace
export declare namespace NWProtocolTCP {
  type Options = TcpProtocolOptions;
}
