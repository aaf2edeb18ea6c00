import { LengthPrefixFramer } from '@wirekit/core';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { NWConnection, NWEndpoint, NWListener, NWParameters, NWProtocolFramer, NWProtocolTLS, NWProtocolWebSocket } from '../src/index.js';
import { receiveMessage, recordStates, send, startReady, text, until, within } from './support/harness.js';
import { selfSigned } from '@wirekit/test-support';

const loopback = (parameters: NWParameters): NWParameters => {
  parameters.requiredLocalEndpoint = NWEndpoint.hostPort('127.0.0.1', 0);
  return parameters;
};

function webSocketParameters(configure: (options: NWProtocolWebSocket.Options) => void = () => undefined, base = NWParameters.tcp): NWParameters {
  const options = new NWProtocolWebSocket.Options();
  configure(options);
  base.defaultProtocolStack.applicationProtocols.unshift(options);
  return loopback(base);
}

/** A listener whose accepted connections echo every message back; resolves once ready. */
async function echoListener(parameters: NWParameters): Promise<{ listener: NWListener; accepted: NWConnection[] }> {
  const listener = new NWListener(parameters);
  const accepted: NWConnection[] = [];
  listener.newConnectionHandler = (connection) => {
    accepted.push(connection);
    const loop = (): void =>
      connection.receiveMessage((content, context, _isComplete, error) => {
        if (error !== null || context?.webSocketMetadata?.opcode === 'close') return;
        connection.send(content, context === null ? {} : { contentContext: context });
        loop();
      });
    loop();
    connection.start();
  };
  const states = recordStates(listener);
  listener.start();
  await states.reach('ready');
  return { listener, accepted };
}

describe('NWListener', () => {
  const cleanup: Array<() => void> = [];
  afterEach(() => {
    for (const fn of cleanup.splice(0)) fn();
  });

  it('accepts an NWConnection over WebSocket and echoes through it', async () => {
    const { listener, accepted } = await echoListener(webSocketParameters());
    cleanup.push(() => listener.cancel());
    expect(listener.port).toBeGreaterThan(0);
    const client = new NWConnection(NWEndpoint.hostPort('127.0.0.1', listener.port!), webSocketParameters());
    cleanup.push(() => client.forceCancel());
    await startReady(client);
    expect(await send(client, 'over the listener')).toBeNull();
    const echo = await receiveMessage(client);
    expect([text(echo.content), echo.context?.webSocketMetadata?.opcode]).toEqual(['over the listener', 'text']);
    await until(() => accepted[0]?.state.kind === 'ready');
    expect(accepted[0]?.endpoint).toEqual({ kind: 'hostPort', host: '127.0.0.1', port: client.currentPath?.localEndpoint?.kind === 'hostPort' ? client.currentPath.localEndpoint.port : -1 });
  });

  it('selects the client’s first subprotocol it supports and serves a ws client', async () => {
    const { listener } = await echoListener(webSocketParameters((options) => options.setSubprotocols(['b', 'c'])));
    cleanup.push(() => listener.cancel());
    const client = new WebSocket(`ws://127.0.0.1:${listener.port}/`, ['a', 'c', 'b']);
    cleanup.push(() => client.terminate());
    await within(new Promise((resolve, reject) => client.once('open', resolve).once('error', reject)), 5_000, 'ws open');
    expect(client.protocol).toBe('c');
    const echoed = new Promise<string>((resolve) => client.once('message', (data) => resolve(String(data))));
    client.send('from ws');
    expect(await within(echoed)).toBe('from ws');
  });

  it('refuses a handshake with 400 when the client request handler rejects it', async () => {
    const { listener } = await echoListener(webSocketParameters((options) => options.setClientRequestHandler(() => ({ status: 'reject' }))));
    cleanup.push(() => listener.cancel());
    const client = new WebSocket(`ws://127.0.0.1:${listener.port}/`);
    cleanup.push(() => client.terminate());
    const status = await within(new Promise<number>((resolve) => client.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0)).once('error', () => resolve(-1))));
    expect(status).toBe(400);
  });

  it('speaks frames from the first byte when both sides skip the handshake', async () => {
    const skipping = (): NWParameters => webSocketParameters((options) => {
      options.skipHandshake = true;
    });
    const { listener } = await echoListener(skipping());
    cleanup.push(() => listener.cancel());
    const client = new NWConnection(NWEndpoint.hostPort('127.0.0.1', listener.port!), skipping());
    cleanup.push(() => client.forceCancel());
    await startReady(client);
    expect(await send(client, 'no upgrade')).toBeNull();
    expect(text((await receiveMessage(client)).content)).toBe('no upgrade');
  });

  it('accepts a framed (length-prefixed) NWConnection', async () => {
    const framed = (): NWParameters => {
      const parameters = NWParameters.tcp;
      parameters.defaultProtocolStack.applicationProtocols.unshift(new NWProtocolFramer.Options(() => new LengthPrefixFramer()));
      return loopback(parameters);
    };
    const { listener } = await echoListener(framed());
    cleanup.push(() => listener.cancel());
    const client = new NWConnection(NWEndpoint.hostPort('127.0.0.1', listener.port!), framed());
    cleanup.push(() => client.forceCancel());
    await startReady(client);
    expect(await send(client, 'framed hello')).toBeNull();
    expect(text((await receiveMessage(client)).content)).toBe('framed hello');
  });

  it('accepts a TLS WebSocket connection with its local identity', async () => {
    const material = selfSigned();
    const tls = new NWProtocolTLS.Options();
    tls.localIdentity = material;
    const { listener } = await echoListener(webSocketParameters(undefined, new NWParameters({ tls })));
    cleanup.push(() => listener.cancel());
    const clientParameters = webSocketParameters(undefined, NWParameters.tls);
    clientParameters.tlsOptions!.ca = material.cert;
    const client = new NWConnection(NWEndpoint.url(`wss://localhost:${listener.port}/`), clientParameters);
    cleanup.push(() => client.forceCancel());
    await startReady(client);
    expect(await send(client, 'tls both ways')).toBeNull();
    expect(text((await receiveMessage(client)).content)).toBe('tls both ways');
  });

  it('fails with EADDRINUSE on a port in use, and cancels', async () => {
    const { listener } = await echoListener(webSocketParameters());
    cleanup.push(() => listener.cancel());
    const second = new NWListener(webSocketParameters(), listener.port!);
    second.newConnectionHandler = () => undefined;
    const states = recordStates(second);
    second.start();
    await states.reach('failed');
    const state = second.state;
    expect(state.kind === 'failed' && [state.error.errno, state.error.domain]).toEqual(['EADDRINUSE', 'posix']);
    const firstStates = recordStates(listener);
    listener.cancel();
    expect(firstStates.kinds).toEqual(['ready', 'cancelled']);
  });

  it.each([
    ['a framer instance', () => {
      const parameters = NWParameters.tcp;
      parameters.defaultProtocolStack.applicationProtocols.push(new NWProtocolFramer.Options(new LengthPrefixFramer()));
      return new NWListener(parameters);
    }],
    ['TLS without a local identity', () => new NWListener(NWParameters.tls)],
    ['a port out of range', () => new NWListener(NWParameters.tcp, 70_000)],
  ])('throws WK_ERR_INVALID_ARGUMENT for %s', (_name, make) => {
    expect(make).toThrow(expect.objectContaining({ code: 'WK_ERR_INVALID_ARGUMENT' }));
  });
});
