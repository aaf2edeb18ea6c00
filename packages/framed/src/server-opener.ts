import type { Socket } from 'node:net';
import { acceptServerConnection, framedConnection, socketChannel, systemClock, toWireKitError, WireKitError, type Clock } from '@wirekit/core';
import { acceptUpgrade, assertNever, rejectUpgrade, ServerHandshake, type UpgradeRequest } from '@wirekit/protocol';
import type { TransportOpener } from './client-opener.js';
import type { NWParameters } from './nw-parameters.js';
import type { NWProtocolWebSocket, NWWebSocketResponse } from './nw-protocol-websocket.js';
import { nodeAllocate, nodeSha1, streamFramer, type OpenedTransport } from './open-transport.js';


/** The subprotocol a server selects by default: the client's first that the server supports. */
function defaultResponse(request: UpgradeRequest, options: NWProtocolWebSocket.Options): NWWebSocketResponse {
  const subprotocol = request.protocols.find((offered) => options.subprotocols.includes(offered));
  return subprotocol === undefined ? { status: 'accept' } : { status: 'accept', subprotocol };
}

/** Reads the upgrade request from an accepted socket and answers it; resolves once the 101 is written. */
function acceptWebSocket(socket: Socket, options: NWProtocolWebSocket.Options, url: string, signal: AbortSignal, timeout: number, clock: Clock): Promise<OpenedTransport> {
  return new Promise((resolve, reject) => {
    const handshake = new ServerHandshake();
    const finish = (error: WireKitError | null, response?: Uint8Array): boolean => {
      clock.clearTimeout(timer);
      socket.off('data', onData);
      socket.off('error', onError);
      socket.off('close', onClose);
      signal.removeEventListener('abort', onAbort);
      if (error === null) return true;
      if (response === undefined) socket.destroy();
      else socket.end(response);
      reject(error);
      return false;
    };
    const onData = (chunk: Uint8Array): void => {
      const result = handshake.receive(chunk);
      if (result === null) return;
      if (result.kind === 'invalid') {
        finish(toWireKitError(result.error), result.response);
        return;
      }
      const { request, remainder } = result;
      const answer = options.clientRequestHandler?.(request.protocols, [...request.headers]) ?? defaultResponse(request, options);
      if (answer.status === 'reject') {
        const response = rejectUpgrade(400, answer.additionalHeaders === undefined ? {} : { headers: answer.additionalHeaders });
        finish(new WireKitError('WK_ERR_HANDSHAKE_STATUS', 'The client request handler refused the handshake', { status: 400 }), response);
        return;
      }
      let accepted: ReturnType<typeof acceptUpgrade>;
      try {
        accepted = acceptUpgrade(request, {
          sha1: nodeSha1,
          ...(answer.subprotocol === undefined ? {} : { protocol: answer.subprotocol }),
          ...(answer.additionalHeaders === undefined ? {} : { headers: answer.additionalHeaders }),
        });
      } catch (error) {
        finish(toWireKitError(error), rejectUpgrade(500));
        return;
      }
      finish(null);
      socket.write(accepted.response);
      const connection = acceptServerConnection(socketChannel(socket), {
        url: new URL(request.target, url).href,
        protocol: accepted.protocol,
        extensions: accepted.extensions,
        extensionsHeader: accepted.extensionsHeader,
        remainder,
        autoPong: options.autoReplyPing,
        clock,
        allocate: nodeAllocate,
        ...(options.maximumMessageSize === undefined ? {} : { maxMessageSize: options.maximumMessageSize }),
      });
      resolve({ kind: 'websocket', connection, socket });
    };
    const onError = (error: Error): void => void finish(toWireKitError(error));
    const onClose = (): void => void finish(new WireKitError('WK_ERR_CONNECTION_RESET', 'The client left during the opening handshake', { errno: 'ECONNRESET' }));
    const onAbort = (): void => void finish(toWireKitError(signal.reason));
    const timer = clock.setTimeout(() => finish(new WireKitError('WK_ERR_CONNECT_TIMEOUT', `No upgrade request within ${timeout} ms`, { errno: 'ETIMEDOUT' })), timeout);
    socket.on('data', onData);
    socket.once('error', onError);
    socket.once('close', onClose);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * The opener of a connection an NWListener accepted: the server side of the WebSocket handshake
 * (protocol's ServerHandshake + acceptUpgrade, then core's acceptServerConnection), or a framer
 * (core's framedConnection) on the accepted socket.
 */
export function serverOpener(socket: Socket, parameters: NWParameters, url: string, clock: Clock = systemClock): TransportOpener {
  return async (signal) => {
    const stack = parameters.stackKind;
    switch (stack.kind) {
      case 'websocket':
        if (stack.options.skipHandshake) {
          // Coordinated peers: frames from the first byte, no HTTP upgrade to read.
          const connection = acceptServerConnection(socketChannel(socket), { url, protocol: '', extensions: [], extensionsHeader: '', autoPong: stack.options.autoReplyPing, clock, allocate: nodeAllocate });
          return { kind: 'websocket', connection, socket };
        }
        return acceptWebSocket(socket, stack.options, url, signal, parameters.tcpOptions.connectionTimeout * 1000, clock);
      case 'framer':
        return { kind: 'framed', connection: framedConnection(socketChannel(socket), stack.options.makeFramer(), { url }), socket };
      case 'stream':
        return { kind: 'framed', connection: framedConnection(socketChannel(socket), streamFramer(), { url }), socket };
      default:
        return assertNever(stack);
    }
  };
}
