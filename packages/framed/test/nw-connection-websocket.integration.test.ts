import { once } from 'node:events';
import type { Socket } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ContentContext, NWConnection, NWEndpoint, NWError, NWParameters, NWProtocolWebSocket } from '../src/index.js';
import { bytes, receive, receiveMessage, recordStates, send, startReady, text, until, within } from './support/harness.js';
import { freePort, wsServer, type WsServer } from '@wirekit/test-support';

function webSocketParameters(configure: (options: NWProtocolWebSocket.Options) => void = () => undefined): NWParameters {
  const parameters = NWParameters.tcp;
  const options = new NWProtocolWebSocket.Options();
  configure(options);
  parameters.defaultProtocolStack.applicationProtocols.unshift(options);
  return parameters;
}

const metadata = (opcode: NWProtocolWebSocket.Opcode): ContentContext => new ContentContext({ identifier: opcode, metadata: [new NWProtocolWebSocket.Metadata(opcode)] });

describe('NWConnection over WebSocket (against ws)', () => {
  let server: WsServer;
  let connection: NWConnection;

  beforeEach(async () => {
    server = await wsServer();
  });

  afterEach(async () => {
    connection?.forceCancel();
    await server.close();
  });

  const open = async (configure?: (options: NWProtocolWebSocket.Options) => void, path = '/'): Promise<NWConnection> => {
    connection = new NWConnection(NWEndpoint.url(`${server.url}${path}`), webSocketParameters(configure));
    await startReady(connection);
    return connection;
  };

  it('goes setup → preparing → ready → cancelled, closing with 1000', async () => {
    connection = new NWConnection(NWEndpoint.hostPort('127.0.0.1', server.port), webSocketParameters());
    const states = recordStates(connection);
    connection.start();
    await states.reach('ready');
    connection.cancel();
    await states.reach('cancelled');
    expect(states.kinds).toEqual(['setup', 'preparing', 'ready', 'cancelled']);
    await until(() => server.closes.length === 1);
    expect(server.closes[0]?.code).toBe(1000);
  });

  it.each([
    ['text', 'hello', 'text'],
    ['binary', bytes('hello'), 'binary'],
  ] as const)('sends %s with a completion and receives the echo with its opcode', async (_name, content, opcode) => {
    await open();
    expect(await send(connection, content, { contentContext: metadata(opcode) })).toBeNull();
    const echo = await receiveMessage(connection);
    expect(echo.error).toBeNull();
    expect(echo.isComplete).toBe(true);
    expect(text(echo.content)).toBe('hello');
    expect(echo.context?.webSocketMetadata?.opcode).toBe(opcode);
  });

  it('picks Text for a string and Binary for bytes in the default context', async () => {
    await open();
    connection.send('a');
    connection.send(bytes('b'));
    const [first, second] = [await receiveMessage(connection), await receiveMessage(connection)];
    expect([first.context?.webSocketMetadata?.opcode, second.context?.webSocketMetadata?.opcode]).toEqual(['text', 'binary']);
  });

  it('queues sends made before ready and sends them once ready', async () => {
    connection = new NWConnection(NWEndpoint.url(server.url), webSocketParameters());
    const sent = send(connection, 'early');
    connection.start();
    expect(await sent).toBeNull();
    expect(text((await receiveMessage(connection)).content)).toBe('early');
  });

  it('reassembles isComplete:false parts into one message', async () => {
    await open();
    const context = metadata('text');
    connection.send('par', { contentContext: context, isComplete: false });
    connection.send('ts ', { contentContext: context, isComplete: false });
    expect(await send(connection, 'joined', { contentContext: context })).toBeNull();
    const echo = await receiveMessage(connection);
    expect(text(echo.content)).toBe('parts joined');
    expect(echo.context?.webSocketMetadata?.opcode).toBe('text');
  });

  it('runs a ping’s pong handler when the pong arrives', async () => {
    await open();
    const ping = new NWProtocolWebSocket.Metadata('ping');
    const ponged = new Promise<NWError | null>((resolve) => ping.setPongHandler(resolve));
    expect(await send(connection, bytes('hi'), { contentContext: new ContentContext({ metadata: [ping] }) })).toBeNull();
    expect(await within(ponged, 5_000, 'pong handler')).toBeNull();
  });

  it('delivers pings as messages when autoReplyPing is false, and sends the pong given', async () => {
    await open((options) => {
      options.autoReplyPing = false;
    });
    const peer = server.peers[0]!.socket;
    const pong = once(peer, 'pong');
    peer.ping(Buffer.from('p1'));
    const ping = await receiveMessage(connection);
    expect(ping.context?.webSocketMetadata?.opcode).toBe('ping');
    expect(text(ping.content)).toBe('p1');
    expect(await send(connection, ping.content, { contentContext: metadata('pong') })).toBeNull();
    const [payload] = (await within(pong, 5_000, 'pong at the server')) as [Buffer];
    expect(payload.toString()).toBe('p1');
  });

  it('answers pings by itself by default (autoReplyPing true) without delivering them', async () => {
    await open();
    const peer = server.peers[0]!.socket;
    const pong = once(peer, 'pong');
    peer.ping(Buffer.from('auto'));
    await within(pong, 5_000, 'pong at the server');
    peer.send('after');
    expect(text((await receiveMessage(connection)).content)).toBe('after');
  });

  it('delivers the peer’s close as a close message with its code, then cancelled', async () => {
    await open();
    const states = recordStates(connection);
    server.peers[0]!.socket.close(4001, 'bye now');
    const closing = await receiveMessage(connection);
    expect(closing.context?.webSocketMetadata?.opcode).toBe('close');
    expect(closing.context?.webSocketMetadata?.closeCode).toBe(4001);
    expect(text(closing.content)).toBe('bye now');
    await states.reach('cancelled');
    const after = await receiveMessage(connection);
    expect(after.error?.code).toBe('WK_ERR_CLOSED');
  });

  it('sends a close context with its code and reason', async () => {
    await open();
    const close = new NWProtocolWebSocket.Metadata('close');
    close.closeCode = 4002;
    expect(await send(connection, 'done', { contentContext: new ContentContext({ metadata: [close] }) })).toBeNull();
    await until(() => server.closes.length === 1);
    expect(server.closes[0]).toEqual({ code: 4002, reason: 'done' });
  });

  it('sends the content of finalMessage, then closes with 1000', async () => {
    await open();
    const echoed = new Promise<string>((resolve) => server.peers[0]!.socket.once('message', (data) => resolve(String(data))));
    expect(await send(connection, 'last', { contentContext: ContentContext.finalMessage })).toBeNull();
    expect(await within(echoed)).toBe('last');
    await until(() => server.closes.length === 1);
    expect(server.closes[0]?.code).toBe(1000);
  });

  it('fails with ECONNREFUSED in the posix domain when nothing listens', async () => {
    connection = new NWConnection(NWEndpoint.hostPort('127.0.0.1', await freePort()), webSocketParameters());
    const states = recordStates(connection);
    connection.start();
    await states.reach('failed');
    const state = connection.state;
    if (state.kind !== 'failed') throw new Error('not failed');
    expect(state.error.code).toBe('WK_ERR_CONNECTION_REFUSED');
    expect(NWError.describe(state.error)).toEqual({ kind: 'posix', code: 'ECONNREFUSED' });
    expect(states.kinds).toEqual(['setup', 'preparing', 'failed']);
  });

  it('completes sends and receives after cancel with an error', async () => {
    await open();
    const pending = receiveMessage(connection);
    connection.cancel();
    expect((await pending).error?.errno).toBe('ECANCELED');
    await until(() => connection.state.kind === 'cancelled');
    expect((await send(connection, 'late'))?.code).toBe('WK_ERR_NOT_OPEN');
  });

  it('ends with 1006 at the server on forceCancel', async () => {
    await open();
    const states = recordStates(connection);
    connection.forceCancel();
    await states.reach('cancelled');
    await until(() => server.closes.length === 1);
    expect(server.closes[0]?.code).toBe(1006);
  });

  it('sends the URL path, subprotocols and additional headers in the handshake', async () => {
    await server.close();
    server = await wsServer({ handleProtocols: (offered) => (offered.has('chat.v2') ? 'chat.v2' : false) });
    await open((options) => {
      options.setSubprotocols(['chat.v2', 'chat.v1']);
      options.setAdditionalHeaders([['X-Token', 'abc']]);
    }, '/room?id=7');
    const { request, socket } = server.peers[0]!;
    expect(request.url).toBe('/room?id=7');
    expect(request.headers['x-token']).toBe('abc');
    expect(socket.protocol).toBe('chat.v2');
  });

  it('fails with a 1009 error over maximumMessageSize', async () => {
    await open((options) => {
      options.maximumMessageSize = 8;
    });
    const states = recordStates(connection);
    server.peers[0]!.socket.send('more than eight bytes');
    await states.reach('failed');
    const state = connection.state;
    if (state.kind !== 'failed') throw new Error('not failed');
    // A single-frame message trips the frame limit first (maxFrameSize = maxMessageSize).
    expect(['WK_ERR_MESSAGE_TOO_LARGE', 'WK_ERR_FRAME_TOO_LARGE']).toContain(state.error.code);
    expect([state.error.closeCode, state.error.domain]).toEqual([1009, 'websocket']);
    await until(() => server.closes.length === 1);
    expect(server.closes[0]?.code).toBe(1009);
  });

  it('hands out a message as byte ranges with receive(min, max)', async () => {
    await open();
    server.peers[0]!.socket.send(Buffer.from('abcdefg'));
    const first = await receive(connection, 1, 4);
    const second = await receive(connection, 1, 4);
    expect([text(first.content), first.isComplete]).toEqual(['abcd', false]);
    expect([text(second.content), second.isComplete]).toEqual(['efg', true]);
  });

  it('reports the path in use once ready', async () => {
    await open();
    const path = connection.currentPath;
    expect(path?.status).toBe('satisfied');
    expect(path?.remoteEndpoint).toEqual({ kind: 'hostPort', host: '127.0.0.1', port: server.port });
    expect(path?.availableInterfaces[0]?.type).toBe('loopback');
  });

  it('reports viability false while the peer stalls and true when its pong arrives', async () => {
    connection = new NWConnection(NWEndpoint.url(server.url), webSocketParameters());
    connection.parameters.tcpOptions.enableKeepalive = true;
    connection.parameters.tcpOptions.keepaliveIdle = 0.05;
    connection.parameters.tcpOptions.keepaliveInterval = 10;
    const viability: boolean[] = [];
    connection.viabilityUpdateHandler = (viable) => viability.push(viable);
    await startReady(connection);
    const raw = (server.peers[0]!.socket as unknown as { _socket: Socket })._socket;
    raw.pause();
    await until(() => viability.includes(false), 5_000, 'viability false');
    raw.resume();
    await until(() => viability.at(-1) === true, 5_000, 'viability true');
    expect(viability.slice(0, 2)).toEqual([false, true]);
  });

  it('reads from the network only as receive calls ask, so a peer that outruns the app is held back by TCP', async () => {
    await open();
    await until(() => server.peers.length === 1, 5_000, 'the server side');
    const peer = server.peers[0]!.socket;
    const size = 512 * 1024;
    const count = 64; // 32 MiB, far beyond the loopback socket buffers and core's 1 MiB receiveHighWaterMark
    for (let index = 0; index < count; index++) peer.send(new Uint8Array(size).fill(index));
    // Wait, bounded, until the pipe stalls: the ws server's unsent bytes stop changing.
    let last = -1;
    let steady = 0;
    for (let poll = 0; poll < 100 && steady < 3; poll++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      steady = peer.bufferedAmount === last ? steady + 1 : 0;
      last = peer.bufferedAmount;
    }
    expect(peer.bufferedAmount).toBeGreaterThan(8 * 1024 * 1024);
    for (let index = 0; index < count; index++) {
      const message = await receiveMessage(connection);
      expect(message.content?.length === size && message.content[0] === index && message.content[size - 1] === index).toBe(true);
    }
    expect(peer.bufferedAmount).toBe(0);
  });
});
