/**
 * The Apple-style API over real loopback sockets, in Node (the engine, through framed) and
 * through the browser entry on the `ws` package's WHATWG WebSocket, against the `ws` and the
 * WireKit contract servers.
 */
import { createServer, type Server, type Socket } from 'node:net';
import { startWirekitContractServer, startWsContractServer, type ContractServer } from '@wirekit/conformance';
import type { WireKitError } from '@wirekit/core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { URLSession as BrowserURLSession, type WebSocketConstructor } from '../src/index.browser.js';
import { URLRequest, URLSession, URLSessionConfiguration, URLSessionWebSocketTask, type URLSessionBase, type URLSessionWebSocketDelegate } from '../src/index.js';
import { recordingDelegate, until } from './support/memory-session.js';

const { CloseCode } = URLSessionWebSocketTask;
const WAIT_MS = 5_000;
let nextPath = 0;

type SessionMaker = (delegate?: URLSessionWebSocketDelegate, configuration?: URLSessionConfiguration) => URLSessionBase;
const platforms: Array<[string, SessionMaker]> = [
  ['Node (engine)', (delegate, configuration) => new URLSession(configuration, delegate ?? null)],
  ['browser entry (ws WebSocket)', (delegate, configuration) => new BrowserURLSession(configuration, delegate ?? null, { WebSocket: WebSocket as unknown as WebSocketConstructor })],
];
const servers: Array<[string, () => Promise<ContractServer>]> = [
  ['ws', startWsContractServer],
  ['WireKit', startWirekitContractServer],
];

describe.each(platforms)('URLSession on %s', (_platform, makeSession) => {
  describe.each(servers)('against the %s server', (_kind, start) => {
    let server: ContractServer;
    const sessions: URLSessionBase[] = [];
    const session = (delegate?: URLSessionWebSocketDelegate): URLSessionBase => {
      const made = makeSession(delegate);
      sessions.push(made);
      return made;
    };
    beforeAll(async () => {
      server = await start();
    });
    afterEach(() => {
      for (const made of sessions.splice(0)) made.invalidateAndCancel();
    });
    afterAll(() => server.close());

    it('opens with the subprotocol, echoes text and data, pings, and closes with the code and reason', async () => {
      const delegate = recordingDelegate();
      const path = `/echo/${++nextPath}`;
      const task = session(delegate).webSocketTask(`${server.url}${path}`, ['wirekit.v1']);
      task.resume();
      await task.send({ type: 'string', string: 'hello' });
      await task.send({ type: 'data', data: new Uint8Array([1, 2, 3]) });
      expect(await task.receive()).toEqual({ type: 'string', string: 'hello' });
      expect(await task.receive()).toEqual({ type: 'data', data: new Uint8Array([1, 2, 3]) });
      const peer = await server.peer(path, WAIT_MS);
      expect(peer.protocol).toBe('wirekit.v1');
      const pong = await new Promise<WireKitError | null>((resolve) => task.sendPing(resolve));
      expect(pong === null || pong.code === 'WK_ERR_UNSUPPORTED').toBe(true);
      task.cancel(4000, 'done');
      expect(await peer.closed).toEqual({ code: 4000, reason: 'done' });
      await until(() => task.state === 'completed', WAIT_MS);
      expect(task.closeCode).toBe(4000);
      // The reason is what the server's Close carried back: ws echoes it, the WireKit server does not.
      expect(delegate.calls.map((call) => call.slice(0, 2))).toEqual([['open', 'wirekit.v1'], ['close', 4000], ['complete', null]]);
    });

    it("reports the server's close code and reason", async () => {
      const path = `/idle/${++nextPath}`;
      const task = session().webSocketTask(`${server.url}${path}`);
      task.resume();
      const pending = task.receive();
      (await server.peer(path, WAIT_MS)).close(4001, 'server bye');
      await expect(pending).rejects.toMatchObject({ code: 'WK_ERR_CLOSED' });
      await until(() => task.state === 'completed', WAIT_MS);
      expect([task.closeCode, new TextDecoder().decode(task.closeReason ?? new Uint8Array())]).toEqual([4001, 'server bye']);
    });

    it('fails receive() with WK_ERR_MESSAGE_TOO_LARGE above maximumMessageSize, and the server sees the connection fail', async () => {
      const path = `/idle/${++nextPath}`;
      const task = session().webSocketTask(`${server.url}${path}`);
      task.maximumMessageSize = 1024;
      task.resume();
      const peer = await server.peer(path, WAIT_MS);
      await peer.send(new Uint8Array(1025));
      await expect(task.receive()).rejects.toMatchObject({ code: 'WK_ERR_MESSAGE_TOO_LARGE' });
      expect((await peer.closed).code).toBe(CloseCode.messageTooBig);
    });

    it('completes with an error when the server refuses the upgrade', async () => {
      const delegate = recordingDelegate();
      const task = session(delegate).webSocketTask(`${server.url}/forbidden/${++nextPath}`);
      const sent = task.send('never');
      task.resume();
      await expect(sent).rejects.toBeInstanceOf(Error);
      await until(() => task.state === 'completed', WAIT_MS);
      expect(delegate.calls).toHaveLength(1);
      expect(['WK_ERR_HANDSHAKE_STATUS', 'WK_ERR_TRANSPORT']).toContain(task.error?.code);
    });
  });

  describe('against a server that never answers the upgrade', () => {
    let tcp: Server;
    const sockets = new Set<Socket>();
    beforeAll(async () => {
      tcp = createServer((socket) => {
        sockets.add(socket);
        socket.on('close', () => sockets.delete(socket));
      });
      await new Promise<void>((resolve) => tcp.listen(0, '127.0.0.1', resolve));
    });
    afterAll(async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => tcp.close(() => resolve()));
    });
    const url = (): string => {
      const address = tcp.address();
      return `ws://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}/`;
    };

    it("completes with WK_ERR_CONNECT_TIMEOUT after the request's timeoutInterval", async () => {
      const delegate = recordingDelegate();
      const task = makeSession(delegate).webSocketTask(new URLRequest(url(), { timeoutInterval: 0.2 }));
      const received = task.receive();
      task.resume();
      await expect(received).rejects.toMatchObject({ code: 'WK_ERR_CONNECT_TIMEOUT' });
      expect(delegate.calls).toEqual([['complete', 'WK_ERR_CONNECT_TIMEOUT']]);
    });

    it('completes with WK_ERR_ABORTED when cancelled while connecting', async () => {
      const task = makeSession().webSocketTask(url());
      task.resume();
      const sent = task.send('never');
      task.cancel();
      await expect(sent).rejects.toMatchObject({ code: 'WK_ERR_ABORTED' });
      expect(task.state).toBe('completed');
    });
  });
});

describe('URLSession (Node) header fields', () => {
  let server: ContractServer;
  beforeAll(async () => {
    server = await startWsContractServer();
  });
  afterAll(() => server.close());

  it("sends the configuration's httpAdditionalHeaders and the request's fields in the handshake", async () => {
    const configuration = URLSessionConfiguration.default;
    configuration.httpAdditionalHeaders = { 'X-App': 'wirekit', 'X-Token': 'old' };
    const session = new URLSession(configuration);
    const path = `/idle/${++nextPath}`;
    const request = new URLRequest(`${server.url}${path}`);
    request.setValue('new', 'x-token');
    const task = session.webSocketTask(request);
    task.resume();
    const peer = await server.peer(path, WAIT_MS);
    expect([peer.headers['x-app'], peer.headers['x-token']]).toEqual(['wirekit', 'new']);
    session.invalidateAndCancel();
    await until(() => task.state === 'completed', WAIT_MS);
  });
});
