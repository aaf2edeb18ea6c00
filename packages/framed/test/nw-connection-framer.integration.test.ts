import { LengthPrefixFramer, LineFramer, type MessageFramer } from '@wirekit/core';
import { afterEach, describe, expect, it } from 'vitest';
import { ContentContext, NWConnection, NWEndpoint, NWParameters, NWProtocolFramer } from '../src/index.js';
import { bytes, receive, receiveMessage, recordStates, send, startReady, text, until } from './support/harness.js';
import { tcpServer, type TcpServer } from '@wirekit/test-support';

function framerParameters(framer: MessageFramer | (() => MessageFramer)): NWParameters {
  const parameters = NWParameters.tcp;
  parameters.defaultProtocolStack.applicationProtocols.unshift(new NWProtocolFramer.Options(framer));
  return parameters;
}

describe('NWConnection over framed TCP (node:net echo server)', () => {
  let server: TcpServer;
  let connection: NWConnection;

  afterEach(async () => {
    connection?.forceCancel();
    await server?.close();
  });

  it.each([
    ['length-prefixed', () => new LengthPrefixFramer(), [0, 0, 0, 5]],
    ['line', () => new LineFramer(), []],
  ] as const)('round-trips %s messages through an echo server', async (_name, makeFramer, prefix) => {
    server = await tcpServer(undefined, { record: true });
    connection = new NWConnection(NWEndpoint.hostPort('127.0.0.1', server.port), framerParameters(makeFramer));
    await startReady(connection);
    expect(await send(connection, 'hello')).toBeNull();
    expect(await send(connection, bytes('world'))).toBeNull();
    const [first, second] = [await receiveMessage(connection), await receiveMessage(connection)];
    expect([text(first.content), text(second.content)]).toEqual(['hello', 'world']);
    expect(first.isComplete).toBe(true);
    expect(first.context).toBe(ContentContext.defaultMessage);
    expect([...server.received[0]!.subarray(0, prefix.length)]).toEqual(prefix);
  });

  it('sends isComplete:false parts as one framed message', async () => {
    server = await tcpServer(undefined, { record: true });
    connection = new NWConnection(NWEndpoint.hostPort('127.0.0.1', server.port), framerParameters(new LengthPrefixFramer()));
    await startReady(connection);
    connection.send('ab', { isComplete: false });
    expect(await send(connection, 'cd')).toBeNull();
    expect(text((await receiveMessage(connection)).content)).toBe('abcd');
    expect([...Buffer.concat(server.received)]).toEqual([0, 0, 0, 4, ...bytes('abcd')]);
  });

  it('ends with a final context and cancelled when the peer ends the stream', async () => {
    server = await tcpServer((socket) => socket.end('one\n'));
    connection = new NWConnection(NWEndpoint.hostPort('127.0.0.1', server.port), framerParameters(new LineFramer()));
    const states = recordStates(connection);
    connection.start();
    expect(text((await receiveMessage(connection)).content)).toBe('one');
    const end = await receiveMessage(connection);
    expect([end.content, end.context, end.isComplete, end.error]).toEqual([null, ContentContext.finalMessage, true, null]);
    await states.reach('cancelled');
  });

  it('fails with WK_ERR_MESSAGE_TOO_LARGE (1009) when a prefix announces too much', async () => {
    server = await tcpServer((socket) => socket.write(Uint8Array.of(0, 1, 0, 0)));
    connection = new NWConnection(NWEndpoint.hostPort('127.0.0.1', server.port), framerParameters(new LengthPrefixFramer({ maxMessageSize: 16 })));
    const states = recordStates(connection);
    connection.start();
    await states.reach('failed');
    const state = connection.state;
    expect(state.kind === 'failed' && [state.error.code, state.error.closeCode]).toEqual(['WK_ERR_MESSAGE_TOO_LARGE', 1009]);
  });

  it('completes a ping context with WK_ERR_UNSUPPORTED in its pong handler', async () => {
    server = await tcpServer();
    connection = new NWConnection(NWEndpoint.hostPort('127.0.0.1', server.port), framerParameters(new LineFramer()));
    await startReady(connection);
    const { NWProtocolWebSocket } = await import('../src/index.js');
    const ping = new NWProtocolWebSocket.Metadata('ping');
    const errors: string[] = [];
    ping.setPongHandler((error) => errors.push(error?.code ?? 'none'));
    connection.send(null, { contentContext: new ContentContext({ metadata: [ping] }) });
    await until(() => errors.length === 1);
    expect(errors).toEqual(['WK_ERR_UNSUPPORTED']);
  });
});

describe('NWConnection over a raw TCP stream (NWParameters.tcp, no application protocol)', () => {
  let server: TcpServer;
  let connection: NWConnection;

  afterEach(async () => {
    connection?.forceCancel();
    await server?.close();
  });

  it('gathers at least minimumIncompleteLength bytes across chunks, at most maximumLength', async () => {
    server = await tcpServer((socket) => {
      socket.write('abc');
      setTimeout(() => socket.write('defgh'), 20);
    });
    connection = new NWConnection(NWEndpoint.hostPort('127.0.0.1', server.port), NWParameters.tcp);
    await startReady(connection);
    const first = await receive(connection, 6, 7);
    expect([text(first.content), first.isComplete, first.context]).toEqual(['abcdefg', false, ContentContext.defaultStream]);
    const rest = await receive(connection, 1, 100);
    expect(text(rest.content)).toBe('h');
  });

  it('sends bytes as they are and reports the end of the stream as complete', async () => {
    server = await tcpServer((socket) => socket.once('data', (chunk) => socket.end(chunk)));
    connection = new NWConnection(NWEndpoint.hostPort('127.0.0.1', server.port), NWParameters.tcp);
    await startReady(connection);
    expect(await send(connection, bytes('raw bytes'))).toBeNull();
    expect(text((await receive(connection, 9, 9)).content)).toBe('raw bytes');
    const end = await receive(connection, 1, 10);
    expect([end.content, end.isComplete, end.error]).toEqual([null, true, null]);
  });
});
