import { createHash, X509Certificate } from 'node:crypto';
import { WireKitError } from '@wirekit/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, NWConnection, NWEndpoint, NWParameters, NWProtocolWebSocket, type NWProtocolTLS } from '../src/index.js';
import { receiveMessage, recordStates, send, startReady, text, within } from './support/harness.js';
import { httpsServer, selfSigned, wsServer, type TlsMaterial, type WsServer } from '@wirekit/test-support';

let material: TlsMaterial;
let server: WsServer;
let fingerprint: string;

beforeAll(async () => {
  material = selfSigned();
  fingerprint = new X509Certificate(material.cert).fingerprint256;
  server = await wsServer({ https: httpsServer(material) });
});

afterAll(async () => {
  await server?.close();
});

async function failure(promise: Promise<unknown>): Promise<WireKitError> {
  const error: unknown = await within(promise.then(() => null, (reason: unknown) => reason), 10_000, 'connect to fail');
  if (!(error instanceof WireKitError)) throw new Error(`expected a WireKitError, got ${String(error)}`);
  return error;
}

describe('wss:// with a self-signed certificate (https + ws)', () => {
  it('echoes through connect() when the certificate is trusted through ca', async () => {
    const connection = await within(connect(server.url, { tls: { ca: material.cert } }));
    await connection.send('secure');
    expect(await within(connection.receive())).toBe('secure');
    await within(connection.close());
  });

  it('echoes through an NWConnection with NWParameters.tls and the ca', async () => {
    const parameters = NWParameters.tls;
    parameters.tlsOptions!.ca = material.cert;
    parameters.defaultProtocolStack.applicationProtocols.unshift(new NWProtocolWebSocket.Options());
    const connection = new NWConnection(NWEndpoint.hostPort('localhost', server.port), parameters);
    await startReady(connection);
    expect(connection.currentPath?.remoteEndpoint?.kind).toBe('hostPort');
    expect(await send(connection, 'nw secure')).toBeNull();
    expect(text((await receiveMessage(connection)).content)).toBe('nw secure');
    connection.cancel();
  });

  it('rejects with WK_ERR_TLS (tls domain) without the ca', async () => {
    const error = await failure(connect(server.url));
    expect([error.code, error.domain]).toEqual(['WK_ERR_TLS', 'tls']);
  });

  it('fails an NWConnection in the tls domain without the ca', async () => {
    const parameters = NWParameters.tls;
    parameters.defaultProtocolStack.applicationProtocols.unshift(new NWProtocolWebSocket.Options());
    const connection = new NWConnection(NWEndpoint.url(server.url), parameters);
    const states = recordStates(connection);
    connection.start();
    await states.reach('failed');
    const state = connection.state;
    expect(state.kind === 'failed' && state.error.domain).toBe('tls');
  });

  it('rejects with WK_ERR_TLS when the pinning hook refuses the certificate', async () => {
    const seen: string[] = [];
    const error = await failure(connect(server.url, { tls: { ca: material.cert, verifyPeer: (peer) => (seen.push(peer.fingerprint256), false) } }));
    expect([error.code, error.domain]).toEqual(['WK_ERR_TLS', 'tls']);
    expect(seen).toEqual([fingerprint]);
  });

  it('connects when the pinning hook accepts the pinned SHA-256 of the raw certificate', async () => {
    const parameters = NWParameters.tls;
    const tls: NWProtocolTLS.Options = parameters.tlsOptions!;
    tls.ca = material.cert;
    tls.setVerifyBlock((peer) => peer.fingerprint256 === fingerprint && createHash('sha256').update(peer.raw).digest('hex').length === 64);
    parameters.defaultProtocolStack.applicationProtocols.unshift(new NWProtocolWebSocket.Options());
    const connection = new NWConnection(NWEndpoint.url(server.url), parameters);
    await startReady(connection);
    connection.cancel();
  });

  it('connects without the ca when rejectUnauthorized is false', async () => {
    const connection = await within(connect(server.url, { tls: { rejectUnauthorized: false } }));
    expect(connection.state).toBe('open');
    connection.terminate();
  });
});
