import { connect as netConnect } from 'node:net';
import { describeConnection } from '../../conformance/src/index.js';
import { defineConnect, openClientConnection, reconnecting, socketChannel, WireKitError, type Connection, type ConnectionFactory } from '../src/index.js';
import { random, sha1 } from './support/pair.js';

const netFactory: ConnectionFactory = defineConnect((target, options) => {
  const socket = netConnect({ host: target.hostname.replace(/^\[|\]$/g, ''), port: Number(target.port || 80) });
  return openClientConnection(socketChannel(socket), { ...options, url: target.href, random, sha1 });
});

const factory: ConnectionFactory = (url, options = {}) => {
  const { signal, connectTimeout, ...connectOptions } = options;
  const connection = reconnecting(netFactory, url, { maxRetries: 0, connectOptions, outbox: { policy: 'reject' }, ...(connectTimeout === undefined ? {} : { connectTimeout }) });
  return new Promise<Connection>((resolve, reject) => {
    if (signal?.aborted === true) {
      connection.terminate();
      return reject(new WireKitError('WK_ERR_ABORTED', 'aborted'));
    }
    signal?.addEventListener('abort', () => {
      connection.terminate();
      reject(new WireKitError('WK_ERR_ABORTED', 'aborted'));
    });
    connection.on('open', () => resolve(connection));
    connection.on('give-up', (event) => reject(event.error ?? new WireKitError('WK_ERR_CONNECTION_RESET', 'closed')));
  });
};

describeConnection('reconnecting(core over node:net)', factory);
