import { X509Certificate } from 'node:crypto';
import type { Message, WireKitError } from '@wirekit/core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SRReadyState, SRWebSocket, type SRWebSocketDelegate } from '../src/index.js';
import { delay, waitFor, within } from './support/recorder.js';
import { freePort, httpsServer, selfSigned, wsServer, type TlsMaterial, type WsServer } from '@wirekit/test-support';

/** A delegate that records every call as a line, with the values a test checks. */
class Recorder implements SRWebSocketDelegate {
  readonly calls: string[] = [];
  readonly messages: Message[] = [];
  readonly pongs: Uint8Array[] = [];
  error: WireKitError | null = null;
  closed: { code: number; reason: string; wasClean: boolean } | null = null;

  webSocketDidOpen(): void {
    this.calls.push('open');
  }
  didReceiveMessage(_ws: SRWebSocket, message: Message): void {
    this.messages.push(message);
    this.calls.push('message');
  }
  didReceiveMessageWithString(_ws: SRWebSocket, string: string): void {
    this.calls.push(`string:${string}`);
  }
  didReceiveMessageWithData(_ws: SRWebSocket, data: Uint8Array): void {
    this.calls.push(`data:${data.length}`);
  }
  didFailWithError(_ws: SRWebSocket, error: WireKitError): void {
    this.error = error;
    this.calls.push(`fail:${error.code}`);
  }
  didCloseWithCode(_ws: SRWebSocket, code: number, reason: string, wasClean: boolean): void {
    this.closed = { code, reason, wasClean };
    this.calls.push(`close:${code}`);
  }
  didReceivePingWithData(_ws: SRWebSocket, data: Uint8Array): void {
    this.calls.push(`ping:${new TextDecoder().decode(data)}`);
  }
  didReceivePong(_ws: SRWebSocket, data: Uint8Array): void {
    this.pongs.push(data);
    this.calls.push(`pong:${new TextDecoder().decode(data)}`);
  }
  has(call: string): boolean {
    return this.calls.includes(call);
  }
}

let server: WsServer;
const sockets: SRWebSocket[] = [];

beforeAll(async () => {
  server = await wsServer();
});
afterEach(() => {
  for (const socket of sockets.splice(0)) socket.close();
});
afterAll(() => server.close());

async function opened(url = server.url, protocols: string[] = [], headers?: Record<string, string>): Promise<{ socket: SRWebSocket; recorder: Recorder }> {
  const socket = new SRWebSocket(headers === undefined ? url : { url, headers }, protocols);
  sockets.push(socket);
  const recorder = new Recorder();
  socket.delegate = recorder;
  socket.open();
  expect(socket.readyState).toBe(SRReadyState.CONNECTING);
  await waitFor(() => recorder.calls.length > 0, 'webSocketDidOpen');
  expect(recorder.calls).toEqual(['open']);
  expect(socket.readyState).toBe(SRReadyState.OPEN);
  return { socket, recorder };
}

describe('SRWebSocket over the Stream pair, against ws', () => {
  it('opens and echoes a text message through didReceiveMessage and didReceiveMessageWithString', async () => {
    const { socket, recorder } = await opened();
    socket.send('hello');
    await waitFor(() => recorder.messages.length === 1, 'the echo');
    expect(recorder.messages).toEqual(['hello']);
    expect(recorder.calls).toEqual(['open', 'message', 'string:hello']);
  });

  it('echoes binary messages through didReceiveMessageWithData, in order', async () => {
    const { socket, recorder } = await opened();
    socket.sendData(new Uint8Array([1, 2, 3]));
    socket.sendString('between');
    socket.send(new Uint8Array(70_000));
    await waitFor(() => recorder.messages.length === 3, 'three echoes');
    expect(recorder.calls.slice(1)).toEqual(['message', 'data:3', 'message', 'string:between', 'message', 'data:70000']);
    expect(recorder.messages[0]).toEqual(new Uint8Array([1, 2, 3]));
  });

  it('reports the subprotocol the server selected, and sends the request headers', async () => {
    const { socket } = await opened(`${server.url}/chat`, ['chat.v1'], { Authorization: 'Bearer t0ken' });
    expect(socket.protocol).toBe('chat.v1');
    await waitFor(() => server.peers.length > 0, 'the server peer');
    expect(server.peers.at(-1)!.socket.protocol).toBe('chat.v1');
    expect(server.peers.at(-1)!.request.headers.authorization).toBe('Bearer t0ken');
  });

  it('answers sendPing with didReceivePong carrying the payload', async () => {
    const { socket, recorder } = await opened();
    socket.sendPing(new TextEncoder().encode('p1'));
    await waitFor(() => recorder.pongs.length === 1, 'the pong');
    expect(recorder.has('pong:p1')).toBe(true);
  });

  it("reports the server's ping through didReceivePingWithData (the pong goes out by itself)", async () => {
    const before = server.peers.length;
    const { recorder } = await opened();
    await waitFor(() => server.peers.length > before, 'the server peer');
    const peer = server.peers.at(-1)!.socket;
    const pong = new Promise<string>((resolve) => peer.once('pong', (data) => resolve(data.toString())));
    peer.ping('srv');
    expect(await within(pong, 'the automatic pong')).toBe('srv');
    await waitFor(() => recorder.has('ping:srv'), 'didReceivePingWithData');
  });

  it('closes cleanly with code and reason: CLOSING, then didCloseWithCode(…, wasClean true)', async () => {
    const before = server.peers.length;
    const { socket, recorder } = await opened();
    await waitFor(() => server.peers.length > before, 'the server peer');
    const seen = new Promise<{ code: number; reason: string }>((resolve) => server.peers.at(-1)!.socket.once('close', (code, reason) => resolve({ code, reason: reason.toString() })));
    socket.close(4000, 'bye');
    expect(socket.readyState).toBe(SRReadyState.CLOSING);
    await waitFor(() => recorder.closed !== null, 'didCloseWithCode');
    expect(recorder.closed).toEqual({ code: 4000, reason: 'bye', wasClean: true });
    expect(socket.readyState).toBe(SRReadyState.CLOSED);
    expect(await within(seen, 'the server to see the Close')).toEqual({ code: 4000, reason: 'bye' });
  });

  it("delivers every message the server sent before its Close, then the server's code", async () => {
    const before = server.peers.length;
    const { recorder } = await opened();
    await waitFor(() => server.peers.length > before, 'the server peer');
    const peer = server.peers.at(-1)!.socket;
    for (let i = 0; i < 5; i++) peer.send(`m${i}`);
    peer.close(4001, 'server done');
    await waitFor(() => recorder.closed !== null, 'didCloseWithCode');
    expect(recorder.messages).toEqual(['m0', 'm1', 'm2', 'm3', 'm4']);
    expect(recorder.closed).toEqual({ code: 4001, reason: 'server done', wasClean: true });
    expect(recorder.calls.at(-1)).toBe('close:4001');
  });

  it('reports didFailWithError, not didCloseWithCode, when the server drops the connection', async () => {
    const before = server.peers.length;
    const { socket, recorder } = await opened();
    await waitFor(() => server.peers.length > before, 'the server peer');
    server.peers.at(-1)!.socket.terminate();
    await waitFor(() => recorder.error !== null, 'didFailWithError');
    expect(recorder.closed).toBeNull();
    expect(recorder.error?.code).toMatch(/^WK_ERR_/);
    expect(socket.readyState).toBe(SRReadyState.CLOSED);
  });

  it('reports didFailWithError with WK_ERR_CONNECTION_REFUSED when nothing listens', async () => {
    const socket = new SRWebSocket(`ws://127.0.0.1:${await freePort()}`);
    const recorder = new Recorder();
    socket.delegate = recorder;
    socket.open();
    await waitFor(() => recorder.error !== null, 'didFailWithError');
    expect(recorder.calls).toEqual(['fail:WK_ERR_CONNECTION_REFUSED']);
    expect(socket.readyState).toBe(SRReadyState.CLOSED);
  });

  it('aborts with WK_ERR_ABORTED when closed while connecting', async () => {
    const socket = new SRWebSocket(server.url);
    const recorder = new Recorder();
    socket.delegate = recorder;
    socket.open();
    socket.close();
    await waitFor(() => recorder.error !== null, 'didFailWithError');
    expect(recorder.calls).toEqual(['fail:WK_ERR_ABORTED']);
  });

  it('fails with WK_ERR_HANDSHAKE_STATUS when the server refuses the upgrade', async () => {
    const http = await import('node:http');
    const refusing = http.createServer((_req, res) => res.writeHead(403).end());
    await new Promise<void>((resolve) => refusing.listen(0, '127.0.0.1', resolve));
    try {
      const address = refusing.address() as { port: number };
      const socket = new SRWebSocket(`ws://127.0.0.1:${address.port}/`);
      const recorder = new Recorder();
      socket.delegate = recorder;
      socket.open();
      await waitFor(() => recorder.error !== null, 'didFailWithError');
      expect(recorder.error).toMatchObject({ code: 'WK_ERR_HANDSHAKE_STATUS', status: 403 });
    } finally {
      refusing.closeAllConnections();
      await new Promise<void>((resolve) => refusing.close(() => resolve()));
    }
  });
});

describe('SRWebSocket misuse', () => {
  it('throws WK_ERR_NOT_OPEN for send and sendPing before the socket is open, and after it closed', async () => {
    const socket = new SRWebSocket(server.url);
    expect(() => socket.send('early')).toThrow(expect.objectContaining({ code: 'WK_ERR_NOT_OPEN' }));
    expect(() => socket.sendPing()).toThrow(expect.objectContaining({ code: 'WK_ERR_NOT_OPEN' }));
    const { socket: open, recorder } = await opened();
    open.close();
    await waitFor(() => recorder.closed !== null, 'the close');
    expect(() => open.send('late')).toThrow(expect.objectContaining({ code: 'WK_ERR_NOT_OPEN' }));
  });

  it('throws WK_ERR_INVALID_ARGUMENT when opened twice, and for a message that is neither text nor bytes', async () => {
    const { socket } = await opened();
    expect(() => socket.open()).toThrow(expect.objectContaining({ code: 'WK_ERR_INVALID_ARGUMENT' }));
    expect(() => socket.send(42 as unknown as string)).toThrow(expect.objectContaining({ code: 'WK_ERR_INVALID_ARGUMENT' }));
  });

  it('throws WK_ERR_INVALID_PROTOCOL from open() for a subprotocol that is not a token, and is CLOSED after it', () => {
    const socket = new SRWebSocket(server.url, ['not a token']);
    expect(() => socket.open()).toThrow(expect.objectContaining({ code: 'WK_ERR_INVALID_PROTOCOL' }));
    expect(socket.readyState).toBe(SRReadyState.CLOSED);
  });

  it.each([
    ['an ftp: URL', 'ftp://127.0.0.1/'],
    ['something that is not a URL', 'not a url'],
  ])('throws WK_ERR_INVALID_URL for %s', (_name, url) => {
    expect(() => new SRWebSocket(url)).toThrow(expect.objectContaining({ code: 'WK_ERR_INVALID_URL' }));
  });

  it('throws WK_ERR_INVALID_CLOSE_CODE for close(1005), whatever the state', () => {
    expect(() => new SRWebSocket(server.url).close(1005)).toThrow(expect.objectContaining({ code: 'WK_ERR_INVALID_CLOSE_CODE' }));
  });
});

describe('SRWebSocket over wss:', () => {
  let material: TlsMaterial;
  let secure: WsServer;

  beforeAll(async () => {
    material = selfSigned();
    secure = await wsServer({ https: httpsServer(material) });
  });
  afterAll(() => secure.close());

  it('echoes over TLS with the certificate trusted, and checks a pin through verifyPeer', async () => {
    const fingerprint = new X509Certificate(material.cert).fingerprint256;
    const socket = new SRWebSocket(secure.url.replace('127.0.0.1', 'localhost'), [], { tls: { ca: material.cert, verifyPeer: (peer) => peer.fingerprint256 === fingerprint } });
    sockets.push(socket);
    const recorder = new Recorder();
    socket.delegate = recorder;
    socket.open();
    await waitFor(() => recorder.has('open'), 'webSocketDidOpen');
    socket.send('secure');
    await waitFor(() => recorder.messages.length === 1, 'the echo');
    expect(recorder.messages).toEqual(['secure']);
  });

  it('fails with WK_ERR_TLS (domain tls) when the certificate is not trusted', async () => {
    const socket = new SRWebSocket(secure.url);
    const recorder = new Recorder();
    socket.delegate = recorder;
    socket.open();
    await waitFor(() => recorder.error !== null, 'didFailWithError');
    expect(recorder.error).toMatchObject({ code: 'WK_ERR_TLS', domain: 'tls' });
    await delay(10);
    expect(recorder.calls).toEqual(['fail:WK_ERR_TLS']);
  });
});
