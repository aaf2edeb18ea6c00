/**
 * core's EngineConnection as a client over node:net, with no transport package: the glue every
 * Node transport has, run in each runtime that offers the Node API (Node, Bun, Deno).
 */
import { createHash, randomFillSync } from 'node:crypto';
import { connect as netConnect } from 'node:net';
import { defineConnect, openClientConnection, socketChannel, type ConnectionFactory } from '@wirekit/core';

const random = (length: number): Uint8Array => randomFillSync(new Uint8Array(length));
const sha1 = (data: Uint8Array): Uint8Array => new Uint8Array(createHash('sha1').update(data).digest());

/** ws:// only: connects a node:net socket and runs core's client handshake on it. */
export const coreNetFactory: ConnectionFactory = defineConnect((target, options) => {
  const port = target.port === '' ? 80 : Number(target.port);
  const socket = netConnect({ host: target.hostname.replace(/^\[|\]$/g, ''), port });
  return openClientConnection(socketChannel(socket), { ...options, url: target.href, random, sha1 });
});
