import { describe, expect, it } from 'vitest';
import type { WireKitError } from '@wirekit/core';
import type { UpgradeRequest } from '@wirekit/protocol';
import { Routes, WebSocketHandler, type OpcodeType, type PerfectWebSocket, type WebSocketSessionHandler } from '../src/index.js';
import { closeOf, collect, openClient, refusalOf, within } from './support/harness.js';
import { startServer } from './support/servers.js';

/** The EchoHandler of Perfect's documentation, line for line. */
class EchoHandler implements WebSocketSessionHandler {
  readonly socketProtocol = 'echo';
  readonly log: Array<[string | null, OpcodeType, boolean]> = [];

  handleSession(request: UpgradeRequest, socket: PerfectWebSocket): void {
    socket.readStringMessage((string, op, fin) => {
      this.log.push([string, op, fin]);
      if (string === null) {
        socket.close();
        return;
      }
      socket.sendStringMessage(string, true, () => this.handleSession(request, socket));
    });
  }
}

/** A server with one route; `session` gets each PerfectWebSocket. */
async function startRoute(uri: string, session: WebSocketSessionHandler): Promise<string> {
  const routes = new Routes();
  routes.add(uri, new WebSocketHandler((_request, protocols) => (protocols.includes('echo') ? session : null)));
  const { url } = await startServer({ routes });
  return `${url}${uri}`;
}

/** A session handler from a function, capturing its socket. */
function sessionOf(handle: (socket: PerfectWebSocket) => void): WebSocketSessionHandler {
  return { socketProtocol: 'echo', handleSession: (_request, socket) => handle(socket) };
}

describe('Perfect-style routes and sessions', () => {
  it('echoes through the documented EchoHandler and selects its subprotocol', async () => {
    const handler = new EchoHandler();
    const url = await startRoute('/echo', handler);
    const ws = await openClient(url, ['chat', 'echo']);
    expect(ws.protocol).toBe('echo');
    const inbox = collect(ws);
    for (const text of ['one', 'two', 'three']) ws.send(text);
    expect(await inbox.next(3)).toEqual(['one', 'two', 'three']);
    const closed = closeOf(ws);
    ws.close(1000);
    await closed;
    await within(5_000, (async () => {
      while (handler.log.at(-1)?.[0] !== null) await new Promise((resolve) => setTimeout(resolve, 10));
    })(), 'the session to read null at the end');
    expect(handler.log).toEqual([['one', 'text', true], ['two', 'text', true], ['three', 'text', true], [null, 'invalid', true]]);
  });

  it('refuses with 400 when the producer returns null', async () => {
    const url = await startRoute('/echo', new EchoHandler());
    const refusal = await refusalOf(url, ['chat']);
    expect(refusal.status).toBe(400);
    expect(refusal.body).toBe('WebSocket protocols not supported.');
  });

  it('reports null to a read that times out, and gives the next message to the next read', async () => {
    const reads: Array<[string | null, OpcodeType]> = [];
    let wake: () => void = () => undefined;
    const url = await startRoute('/slow', sessionOf((socket) => {
      socket.readTimeoutSeconds = 0.1;
      socket.readStringMessage((first, firstOp) => {
        reads.push([first, firstOp]);
        socket.readTimeoutSeconds = -1;
        wake();
        socket.readStringMessage((second, secondOp) => {
          reads.push([second, secondOp]);
          socket.sendStringMessage(`got ${String(second)}`, true);
        });
      });
    }));
    const timedOut = within(5_000, new Promise<void>((resolve) => (wake = resolve)), 'the read to time out');
    const ws = await openClient(url, 'echo');
    const inbox = collect(ws);
    await timedOut;
    ws.send('late');
    expect(await inbox.next(1)).toEqual(['got late']);
    expect(reads).toEqual([[null, 'invalid'], ['late', 'text']]);
    ws.close();
  });

  it('sends fragments with final: false that the client receives as one message', async () => {
    const completions: Array<string | undefined> = [];
    const url = await startRoute('/parts', sessionOf((socket) => {
      socket.sendStringMessage('frag', false, (error) => completions.push(error?.code));
      socket.sendStringMessage('ment', false, (error) => completions.push(error?.code));
      socket.sendStringMessage('ed', true, (error) => completions.push(error?.code));
      socket.sendBinaryMessage(new Uint8Array([1, 2]), false);
      socket.sendBinaryMessage(new Uint8Array([3]), true);
      socket.sendStringMessage('whole', true);
    }));
    const ws = await openClient(url, 'echo');
    const inbox = collect(ws);
    expect(await inbox.next(3)).toEqual(['fragmented', new Uint8Array([1, 2, 3]), 'whole']);
    expect(completions).toEqual([undefined, undefined, undefined]);
    ws.close();
  });

  it.each([
    { sent: 'text', expected: [new Uint8Array([116, 101, 120, 116]), 'text'] },
    { sent: new Uint8Array([0, 255]), expected: [new Uint8Array([0, 255]), 'binary'] },
  ])('reads $sent as bytes with its opcode', async ({ sent, expected }) => {
    let resolveRead: (value: [Uint8Array | null, OpcodeType]) => void = () => undefined;
    const read = within(5_000, new Promise<[Uint8Array | null, OpcodeType]>((resolve) => (resolveRead = resolve)), 'a bytes read');
    const url = await startRoute('/bytes', sessionOf((socket) => socket.readBytesMessage((bytes, op) => resolveRead([bytes, op]))));
    const ws = await openClient(url, 'echo');
    ws.send(sent);
    const [bytes, op] = await read;
    expect([bytes === null ? null : new Uint8Array(bytes), op]).toEqual(expected);
    ws.close();
  });

  it('reports a session handler that throws, and a ping completion that carries no error', async () => {
    let resolvePing: (error: WireKitError | undefined) => void = () => undefined;
    const pinged = within(5_000, new Promise<WireKitError | undefined>((resolve) => (resolvePing = resolve)), 'the ping completion');
    const routes = new Routes().add('/buggy', () => sessionOf((socket) => {
      socket.sendPing(resolvePing);
      throw new Error('session bug');
    }));
    const { server, url } = await startServer({ routes });
    const errors: string[] = [];
    server.on('error', (error) => errors.push(error.message));
    const ws = await openClient(`${url}/buggy`);
    expect(await pinged).toBeUndefined();
    expect(errors).toEqual(['session bug']);
    ws.close();
  });

  it('reports a send after close to its completion with WK_ERR_NOT_OPEN', async () => {
    let resolveCode: (code: string | undefined) => void = () => undefined;
    let connectedAfterClose: boolean | undefined;
    const completed = within(5_000, new Promise<string | undefined>((resolve) => (resolveCode = resolve)), 'the completion');
    const url = await startRoute('/closing', sessionOf((socket) => {
      socket.close();
      connectedAfterClose = socket.isConnected;
      socket.sendStringMessage('too late', true, (error) => resolveCode(error?.code));
    }));
    const ws = await openClient(url, 'echo');
    expect(await completed).toBe('WK_ERR_NOT_OPEN');
    expect(connectedAfterClose).toBe(false);
    await closeOf(ws).catch(() => undefined);
  });

  it('leaves unread messages in the connection, whose receiveHighWaterMark holds the client back', async () => {
    let socket: PerfectWebSocket | undefined;
    const routes = new Routes();
    routes.add('/lazy', new WebSocketHandler(() => sessionOf((s) => (socket = s))));
    const { url } = await startServer({ routes, receiveHighWaterMark: 256 * 1024 });
    const ws = await openClient(`${url}/lazy`, ['echo']);
    const size = 64 * 1024;
    const count = 64; // 4 MiB offered while the session reads nothing
    for (let index = 0; index < count; index++) ws.send(new Uint8Array(size).fill(index));
    await within(5_000, (async () => {
      while (socket === undefined || socket.connection.queuedAmount <= 256 * 1024) await new Promise((resolve) => setTimeout(resolve, 10));
    })(), 'the connection to hold back');
    expect(socket!.connection.queuedAmount).toBeLessThanOrEqual(256 * 1024 + 3 * size);
    for (let index = 0; index < count; index++) {
      const bytes = await within(5_000, new Promise<Uint8Array | null>((resolve) => socket!.readBytesMessage((data) => resolve(data))), 'a read');
      expect(bytes?.length === size && bytes[0] === index && bytes[size - 1] === index).toBe(true);
    }
    ws.close();
  });
});
