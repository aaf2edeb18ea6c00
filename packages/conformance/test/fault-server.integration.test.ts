/**
 * Each mode of the fault server, seen by a plain `ws` client over loopback.
 */
import { once } from 'node:events';
import type { ClientRequest, IncomingMessage } from 'node:http';
import { encodeFrame, Opcode } from '@wirekit/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket, type ClientOptions } from 'ws';
import { delay, startFaultServer, waitFor, within, type FaultServer, type FaultServerOptions } from '../src/index.js';

const WAIT_MS = 5_000;
const servers: FaultServer[] = [];
const clients: WebSocket[] = [];

afterEach(async () => {
  for (const client of clients.splice(0)) client.terminate();
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

async function start(options: FaultServerOptions): Promise<FaultServer> {
  const server = await startFaultServer(options);
  servers.push(server);
  return server;
}

function client(url: string, options: ConstructorParameters<typeof WebSocket>[2] = {}): WebSocket {
  const ws = new WebSocket(url, options);
  ws.on('error', () => undefined);
  clients.push(ws);
  return ws;
}

async function opened(url: string, options: ConstructorParameters<typeof WebSocket>[2] = {}): Promise<WebSocket> {
  const ws = client(url, options);
  await within(once(ws, 'open'), WAIT_MS, 'the ws client to open');
  return ws;
}

function closeOf(ws: WebSocket): Promise<{ code: number; reason: string }> {
  return within(new Promise((resolve) => ws.once('close', (code: number, reason: Buffer) => resolve({ code, reason: reason.toString() }))), WAIT_MS, 'the ws client to close');
}

const frame = (spec: Parameters<typeof encodeFrame>[0]): Uint8Array => Buffer.concat(encodeFrame(spec));
const bytes = (...values: number[]): Uint8Array => new Uint8Array(values);

describe('startFaultServer()', () => {
  it.each([403, 401, 503])("mode 'refuse' answers the upgrade with %i", async (status) => {
    const server = await start({ mode: 'refuse', status });
    const ws = client(server.url);
    const [, response] = (await within(once(ws, 'unexpected-response'), WAIT_MS, 'the refusal')) as [ClientRequest, IncomingMessage];
    expect(response.statusCode).toBe(status);
  });

  it("mode 'refuse' refuses with 403 when no status is given", async () => {
    const server = await start({ mode: 'refuse' });
    const [, response] = (await within(once(client(server.url), 'unexpected-response'), WAIT_MS, 'the refusal')) as [ClientRequest, IncomingMessage];
    expect(response.statusCode).toBe(403);
  });

  it("mode 'never-answer' accepts the TCP connection and leaves the handshake unanswered", async () => {
    const server = await start({ mode: 'never-answer' });
    const ws = client(server.url, { handshakeTimeout: 300 });
    const [error] = (await within(once(ws, 'error'), WAIT_MS, 'the handshake timeout')) as [Error];
    expect(error.message).toMatch(/handshake has timed out/);
    expect(server.connections).toBe(1);
  });

  it("mode 'delay' answers with 101 after the delay, then echoes", async () => {
    const server = await start({ mode: 'delay', delayMs: 100 });
    const ws = client(server.url);
    let open = false;
    ws.once('open', () => (open = true));
    await delay(20);
    expect(open).toBe(false);
    await within(once(ws, 'open'), WAIT_MS, 'the late 101');
    ws.send('echo me');
    const [data] = (await within(once(ws, 'message'), WAIT_MS, 'the echo')) as [Buffer];
    expect(data.toString()).toBe('echo me');
    expect(server.received).toEqual(['echo me']);
  });

  it.each(['with-101', 'on-first-client-bytes'] as const)("mode 'drop-mid-frame' (%s) cuts the connection inside a frame: 1006, no message", async (when) => {
    const server = await start({ mode: 'drop-mid-frame', when });
    const ws = await opened(server.url);
    const messages: unknown[] = [];
    ws.on('message', (data) => messages.push(data));
    const closed = closeOf(ws);
    if (when === 'on-first-client-bytes') ws.send('go');
    expect((await closed).code).toBe(1006);
    expect(messages).toEqual([]);
  });

  it.each([
    ['invalid UTF-8 in a text frame', frame({ opcode: Opcode.Text, payload: bytes(0xed, 0xa0, 0x80) }), 1007],
    ['a reserved opcode', frame({ opcode: 0x3, payload: bytes() }), 1002],
    ['a masked server frame', frame({ opcode: Opcode.Text, payload: bytes(0x68, 0x69), mask: bytes(1, 2, 3, 4) }), 1002],
    ['an RSV1 bit nothing negotiated', frame({ opcode: Opcode.Text, payload: bytes(0x68), rsv: { rsv1: true, rsv2: false, rsv3: false } }), 1002],
    ['a fragmented ping', frame({ opcode: Opcode.Ping, payload: bytes(), fin: false }), 1002],
  ])("mode 'malformed-frame' writes %s raw, and records the client's Close %i", async (_what, raw, code) => {
    const server = await start({ mode: 'malformed-frame', bytes: raw, when: 'on-first-client-bytes' });
    const ws = await opened(server.url);
    const closed = closeOf(ws);
    ws.send('go');
    expect((await server.clientClose(WAIT_MS)).code).toBe(code);
    expect([code, 1006]).toContain((await closed).code);
  });

  it("mode 'ignore-close' never answers the Close, so the client gives up after its closeTimeout", async () => {
    const server = await start({ mode: 'ignore-close' });
    const withCloseTimeout: ClientOptions & { closeTimeout: number } = { closeTimeout: 300 }; // ws 8.23 option, not yet in @types/ws
    const ws = await opened(server.url, withCloseTimeout);
    const closed = closeOf(ws);
    ws.close(1000, 'bye');
    expect(await closed).toEqual({ code: 1006, reason: '' });
    expect(await server.clientClose(WAIT_MS)).toEqual({ code: 1000, reason: 'bye' });
  });

  it("mode 'ignore-close' answers no ping either", async () => {
    const server = await start({ mode: 'ignore-close' });
    const ws = await opened(server.url);
    let pongs = 0;
    ws.on('pong', () => (pongs += 1));
    ws.ping();
    await waitFor(() => server.pings === 1, WAIT_MS, 'the server to get the ping');
    await delay(50);
    expect(pongs).toBe(0);
  });

  it("mode 'no-pong' echoes messages but leaves pings unanswered", async () => {
    const server = await start({ mode: 'no-pong' });
    const ws = await opened(server.url);
    let pongs = 0;
    ws.on('pong', () => (pongs += 1));
    ws.ping();
    ws.send('still here');
    const [data] = (await within(once(ws, 'message'), WAIT_MS, 'the echo')) as [Buffer];
    expect(data.toString()).toBe('still here');
    expect(server.pings).toBe(1);
    expect(pongs).toBe(0);
  });

  it("mode 'slow-reader' stops reading, so the client's writes back up", async () => {
    const server = await start({ mode: 'slow-reader' });
    const ws = await opened(server.url);
    const chunk = new Uint8Array(4 * 1024 * 1024);
    for (let i = 0; i < 16; i++) ws.send(chunk);
    await waitFor(() => ws.bufferedAmount > chunk.length, WAIT_MS, 'bufferedAmount to grow');
    await delay(100);
    expect(ws.bufferedAmount).toBeGreaterThan(chunk.length);
  });

  it('close() drops every connection and stops listening', async () => {
    const server = await startFaultServer({ mode: 'no-pong' });
    const ws = await opened(server.url);
    const closed = closeOf(ws);
    await server.close();
    expect((await closed).code).toBe(1006);
    const refused = client(server.url);
    const [error] = (await within(once(refused, 'error'), WAIT_MS, 'the refusal')) as [NodeJS.ErrnoException];
    expect(error.code).toBe('ECONNREFUSED');
  });
});
