import type { Clock, ConnectOptions } from '@wirekit/core';
import { assertNever } from '@wirekit/protocol';
import { dialTarget, endpointWantsTls, type NWEndpoint } from './nw-endpoint.js';
import type { NWParameters } from './nw-parameters.js';
import { openFramed, openWebSocket, streamFramer, type OpenedTransport, type SocketSettings } from './open-transport.js';

/** Opens the transport of an NWConnection once `start()` is called; aborted by `cancel()`. */
export type TransportOpener = (signal: AbortSignal) => Promise<OpenedTransport>;

/**
 * The opener of an outbound NWConnection: TLS when the parameters carry TLS options (or the URL
 * says wss:/https:), then WebSocket, a framer, or a raw byte stream, by the first application
 * protocol of the stack.
 */
export function clientOpener(endpoint: NWEndpoint, parameters: NWParameters, clock: Clock): TransportOpener {
  return (signal) => {
    const tlsOptions = parameters.tlsOptions;
    const secure = tlsOptions !== null || endpointWantsTls(endpoint);
    const target = dialTarget(endpoint, secure);
    const tcp = parameters.tcpOptions;
    const local = parameters.requiredLocalEndpoint;
    const settings: SocketSettings = {
      clock,
      noDelay: tcp.noDelay,
      ...(local?.kind === 'hostPort' ? { localAddress: local.host, ...(local.port === 0 ? {} : { localPort: local.port }) } : {}),
    };
    const base: ConnectOptions = {
      connectTimeout: tcp.connectionTimeout * 1000,
      signal,
      ...(tlsOptions === null ? {} : { tls: tlsOptions.toTlsOptions() }),
    };
    const stack = parameters.stackKind;
    switch (stack.kind) {
      case 'websocket': {
        const ws = stack.options;
        return openWebSocket(target, secure, {
          ...base,
          protocols: ws.subprotocols,
          headers: Object.fromEntries(ws.additionalHeaders),
          autoPong: ws.autoReplyPing,
          skipHandshake: ws.skipHandshake,
          ...(ws.maximumMessageSize === undefined ? {} : { maxMessageSize: ws.maximumMessageSize }),
        }, settings);
      }
      case 'framer':
        return openFramed(target, secure, stack.options.makeFramer(), base, withTcpKeepAlive(settings, parameters));
      case 'stream':
        return openFramed(target, secure, streamFramer(), base, withTcpKeepAlive(settings, parameters));
      default:
        return assertNever(stack);
    }
  };
}

/** On framed TCP, `enableKeepalive` means TCP keep-alive probes after `keepaliveIdle` seconds. */
function withTcpKeepAlive(settings: SocketSettings, parameters: NWParameters): SocketSettings {
  const tcp = parameters.tcpOptions;
  return tcp.enableKeepalive ? { ...settings, keepAliveDelay: tcp.keepaliveIdle * 1000 } : settings;
}
