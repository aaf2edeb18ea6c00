import { createHash } from 'node:crypto';
import { acceptServerConnection, neverThrows, systemClock, toWireKitError, WireKitError, type Clock, type Connection } from '@wirekit/core';
import { acceptUpgrade, ServerHandshake, type UpgradeRequest } from '@wirekit/protocol';
import { descriptorChannel } from './descriptor-channel.js';
import { quiet } from './socket-error.js';
import type { SocketTable } from './socket-table.js';

/** Options of {@link acceptWebSocket}. */
export interface AcceptWebSocketOptions {
  /** Picks the subprotocol from those the client offered, or '' for none; by default none. */
  readonly selectProtocol?: (offered: readonly string[], request: UpgradeRequest) => string;
  /**
   * ms the client has to send its upgrade request. Defaults to 10 000: a client on a slow
   * mobile link sends a few hundred bytes in far less, while a silent peer cannot hold the
   * descriptor for ever.
   */
  readonly handshakeTimeout?: number;
  /** Largest message received; defaults to the engine's 100 MiB. */
  readonly maxMessageSize?: number;
  readonly clock?: Clock;
}

const sha1 = (data: Uint8Array): Uint8Array => createHash('sha1').update(data).digest();

/**
 * The server side of a WebSocket on an accepted descriptor, as a CFSocket server with an
 * accept callback would run it: reads the upgrade request with protocol's ServerHandshake,
 * answers 101 with `acceptUpgrade` (or the ready-made 4xx, then rejects with its
 * WK_ERR_HANDSHAKE_* error and `status`), and resolves with core's server connection, which
 * owns the descriptor from then on. Rejects WK_ERR_CONNECT_TIMEOUT after `handshakeTimeout`,
 * WK_ERR_CONNECTION_RESET when the client goes away first; the descriptor is closed on failure.
 *
 * Rejects (never throws) EBADF for a descriptor that is not open.
 */
export function acceptWebSocket(table: SocketTable, fd: number, options: AcceptWebSocketOptions = {}): Promise<Connection> {
  return neverThrows(() => acceptOn(table, fd, options));
}

function acceptOn(table: SocketTable, fd: number, options: AcceptWebSocketOptions): Promise<Connection> {
  table.poll(fd);
  const channel = descriptorChannel(table, fd);
  const handshake = new ServerHandshake();
  const clock = options.clock ?? systemClock;
  return quiet(
    new Promise<Connection>((resolve, reject) => {
      let settled = false;
      const fail = (error: WireKitError): void => {
        if (settled) return;
        settled = true;
        clock.clearTimeout(timer);
        channel.destroy();
        reject(error);
      };
      const timer = clock.setTimeout(() => fail(new WireKitError('WK_ERR_CONNECT_TIMEOUT', 'the client sent no upgrade request in time')), options.handshakeTimeout ?? 10_000);
      channel.bind({
        data: (chunk) => {
          if (settled) return;
          const result = handshake.receive(chunk);
          if (result === null) return;
          if (result.kind === 'invalid') {
            settled = true;
            clock.clearTimeout(timer);
            channel.write([result.response], () => channel.end());
            return reject(toWireKitError(result.error));
          }
          try {
            const protocol = options.selectProtocol?.(result.request.protocols, result.request) ?? '';
            const accepted = acceptUpgrade(result.request, { sha1, protocol });
            settled = true;
            clock.clearTimeout(timer);
            channel.write([accepted.response], () => undefined);
            resolve(
              acceptServerConnection(channel, {
                url: `ws://${result.request.host}${result.request.target}`,
                protocol: accepted.protocol,
                extensions: accepted.extensions,
                extensionsHeader: accepted.extensionsHeader,
                remainder: result.remainder,
                clock,
                ...(options.maxMessageSize === undefined ? {} : { maxMessageSize: options.maxMessageSize }),
              }),
            );
          } catch (error) {
            fail(toWireKitError(error));
          }
        },
        end: () => fail(new WireKitError('WK_ERR_CONNECTION_RESET', 'the client ended before its upgrade request')),
        error: (error) => fail(toWireKitError(error)),
        close: () => fail(new WireKitError('WK_ERR_CONNECTION_RESET', 'the client closed before its upgrade request')),
        drain: () => undefined,
      });
    }),
  );
}
