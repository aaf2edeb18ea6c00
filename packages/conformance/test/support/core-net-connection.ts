/**
 * A throwaway factory on @wirekit/core alone — node:net, socketChannel and openClientConnection —
 * so the contract exercises core's EngineConnection as a client before any transport exists.
 */
import { createHash, randomFillSync } from 'node:crypto';
import { connect as netConnect } from 'node:net';
import { defineConnect, openClientConnection, socketChannel, type ConnectionFactory } from '@wirekit/core';

const random = (length: number): Uint8Array => randomFillSync(new Uint8Array(length));
const sha1 = (data: Uint8Array): Uint8Array => createHash('sha1').update(data).digest();
const DEFAULT_PORTS: Readonly<Record<string, number>> = { 'ws:': 80, 'http:': 80 };

/** ws:// only (no TLS): connects a node:net socket and runs core's client handshake on it. */
export const coreNetFactory: ConnectionFactory = defineConnect((target, options) => {
  const port = target.port === '' ? DEFAULT_PORTS[target.protocol] ?? 80 : Number(target.port);
  const host = target.hostname.replace(/^\[|\]$/g, '');
  const socket = netConnect({ host, port });
  return openClientConnection(socketChannel(socket), { ...options, url: target.href, random, sha1 });
});
