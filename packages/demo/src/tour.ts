/**
 * The WireKit tour. Today it shows the engine, @wirekit/protocol: a client and a server engine
 * talking in memory, then the engine on real loopback sockets against `ws` in both directions.
 * Later issues add the five transports, the comparison table and the chat room.
 */
import { createHash, randomFillSync } from 'node:crypto';
import { once } from 'node:events';
import { connect, createServer, type AddressInfo, type Socket } from 'node:net';
import { acceptUpgrade, ClientHandshake, Engine, ServerHandshake, type EngineEvent } from '@wirekit/protocol';
import WebSocket, { WebSocketServer } from 'ws';

const random = (n: number): Uint8Array => randomFillSync(new Uint8Array(n));
const sha1 = (data: Uint8Array): Uint8Array => createHash('sha1').update(data).digest();

function describe(event: EngineEvent): string {
  switch (event.type) {
    case 'text':
      return `text ${JSON.stringify(event.data)}`;
    case 'binary':
      return `binary ${event.data.length} bytes`;
    case 'ping':
    case 'pong':
      return `${event.type} ${event.data.length} bytes`;
    case 'protocol-error':
      return `protocol-error ${event.error.code} (close ${event.error.closeCode})`;
    case 'close':
      return `close ${event.code} ${JSON.stringify(event.reason)} clean=${event.wasClean} by ${event.initiator}`;
  }
}

function inMemory(): void {
  console.log('1. Two engines in memory: bytes in, events out, no sockets\n');
  const queue: Array<{ to: 'client' | 'server'; bytes: Uint8Array }> = [];
  const client = new Engine({ role: 'client', random, onEvent: (e) => console.log(`   client ← ${describe(e)}`), onWrite: (c) => c.forEach((bytes) => queue.push({ to: 'server', bytes: bytes.slice() })) });
  const server: Engine = new Engine({
    role: 'server',
    onEvent: (e) => {
      console.log(`   server ← ${describe(e)}`);
      if (e.type === 'text' || e.type === 'binary') server.send(e.data);
    },
    onWrite: (c) => c.forEach((bytes) => queue.push({ to: 'client', bytes: bytes.slice() })),
  });
  const pump = (): void => {
    for (let item = queue.shift(); item !== undefined; item = queue.shift()) (item.to === 'server' ? server : client).receive(item.bytes);
  };
  client.send('hello, engine');
  client.send(new Uint8Array([1, 2, 3, 4]));
  client.send(JSON.stringify({ kind: 'chat', text: 'JSON is just text' }));
  client.ping(new TextEncoder().encode('rtt?'));
  pump();
  client.close(1000, 'tour over');
  pump();
  console.log(`   states: client ${client.state}, server ${server.state}\n`);
}

/** Runs a WireKit engine on a connected socket; returns a promise of its close event. */
function attach(socket: Socket, engine: (hooks: { onEvent: (e: EngineEvent) => void; onWrite: (c: Uint8Array[]) => void }) => Engine, log: string[]): { engine: Engine; closed: Promise<EngineEvent> } {
  let resolveClosed!: (e: EngineEvent) => void;
  const closed = new Promise<EngineEvent>((resolve) => (resolveClosed = resolve));
  const instance = engine({
    onEvent: (e) => {
      log.push(describe(e));
      if (e.type === 'close') {
        socket.end();
        resolveClosed(e);
      }
    },
    onWrite: (chunks) => chunks.forEach((c) => socket.write(c)),
  });
  socket.on('data', (chunk) => instance.receive(chunk));
  socket.on('close', () => instance.transportClosed());
  return { engine: instance, closed };
}

async function engineServerWsClient(): Promise<string[]> {
  const log: string[] = [];
  const server = createServer((socket) => {
    const handshake = new ServerHandshake();
    socket.once('data', (chunk) => {
      const result = handshake.receive(chunk);
      if (result === null || result.kind === 'invalid') return void socket.destroy();
      const accepted = acceptUpgrade(result.request, { sha1, protocol: result.request.protocols[0] ?? '' });
      socket.write(accepted.response);
      const { engine } = attach(socket, (hooks) => new Engine({ role: 'server', ...hooks, onEvent: (e) => {
        hooks.onEvent(e);
        if (e.type === 'text' || e.type === 'binary') engine.send(e.data);
      } }), log);
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const ws = new WebSocket(`ws://127.0.0.1:${(server.address() as AddressInfo).port}/tour`, ['tour.v1']);
  await once(ws, 'open');
  const started = performance.now();
  ws.send('hello from ws');
  const [reply] = (await once(ws, 'message')) as [Buffer];
  log.push(`ws client got the echo ${JSON.stringify(reply.toString())} in ${(performance.now() - started).toFixed(2)} ms, protocol ${ws.protocol}`);
  ws.close(1000, 'done');
  await once(ws, 'close');
  server.close();
  return log;
}

async function engineClientWsServer(): Promise<string[]> {
  const log: string[] = [];
  const wss = new WebSocketServer({ port: 0, host: '127.0.0.1' });
  await once(wss, 'listening');
  wss.on('connection', (socket) => socket.on('message', (data, isBinary) => socket.send(data, { binary: isBinary })));
  const handshake = new ClientHandshake({ url: `ws://127.0.0.1:${(wss.address() as AddressInfo).port}/`, random, sha1 });
  const socket = connect(handshake.port, handshake.hostname);
  socket.write(handshake.request());
  const [chunk] = (await once(socket, 'data')) as [Buffer];
  const result = handshake.receive(chunk);
  if (result === null || result.kind === 'rejected') throw new Error('handshake with ws failed');
  const big = random(1024 * 1024);
  let started = 0;
  const { engine, closed } = attach(socket, (hooks) => new Engine({ role: 'client', random, ...hooks, onEvent: (e) => {
    hooks.onEvent(e);
    if (e.type === 'binary') log.push(`1 MiB echoed intact: ${Buffer.from(e.data).equals(big)} in ${(performance.now() - started).toFixed(1)} ms`);
    if (e.type === 'binary') engine.close(1000, 'bye ws');
  } }), log);
  started = performance.now();
  engine.send(big);
  await closed;
  await new Promise<void>((resolve) => wss.close(() => resolve()));
  return log;
}

async function main(): Promise<void> {
  console.log('WireKit tour — the RFC 6455 engine (@wirekit/protocol)\n');
  inMemory();
  console.log('2. WireKit engine server ↔ ws client, over loopback TCP\n');
  for (const line of await engineServerWsClient()) console.log(`   ${line}`);
  console.log('\n3. WireKit engine client ↔ ws server, over loopback TCP\n');
  for (const line of await engineClientWsServer()) console.log(`   ${line}`);
  console.log('\nThe transports (task, framed, streams, socket, adapter) and the chat room join this tour as they land.');
}

await main();
