/**
 * `pnpm --filter @wirekit/bench run scale-out`: fan-out across 2 server processes through one
 * Redis — one publisher, 1 000 subscribers split over both nodes — for WireKit (RedisBroker) and
 * socket.io 4 (@socket.io/redis-streams-adapter) in the same run: deliveries per second and
 * delivery latency p50/p99. Then the time 1 000 WireKit clients take to resume on the other node
 * after theirs is killed. Every process started here is stopped by PID.
 *
 * Options (env): SUBSCRIBERS (1000), MESSAGES (300), INTERVAL_MS between publishes (4). 100
 * unmeasured messages warm both stacks up first.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { io as ioClient, type Socket } from 'socket.io-client';
import WebSocket from 'ws';
import { connect } from '@wirekit/adapter';
import { startRedis, stopAllRedis } from '@wirekit/conformance';
import { reconnecting, ResumeSession, type ReconnectingConnection } from '@wirekit/core';

const SUBSCRIBERS = Number(process.env['SUBSCRIBERS'] ?? 1_000);
const MESSAGES = Number(process.env['MESSAGES'] ?? 300);
const INTERVAL = Number(process.env['INTERVAL_MS'] ?? 4);
const WARM_UP = 100;
const NODE = fileURLToPath(new URL('./node.ts', import.meta.url));
const children = new Set<ChildProcess>();

async function startNode(kind: 'wirekit' | 'socketio', redisUrl: string): Promise<{ port: number; kill: () => Promise<void> }> {
  const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', NODE, kind, redisUrl], { stdio: ['ignore', 'pipe', 'inherit'] });
  children.add(child);
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('node did not listen within 30 s')), 30_000);
    child.stdout!.on('data', (chunk: Buffer) => {
      const match = /listening (\d+)/.exec(chunk.toString('utf8'));
      if (match !== null) {
        clearTimeout(timer);
        resolve(Number(match[1]));
      }
    });
    child.once('exit', (code) => reject(new Error(`node exited ${String(code)}`)));
  });
  const kill = async (): Promise<void> => {
    children.delete(child);
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    process.kill(child.pid!, 'SIGKILL');
    await exited;
  };
  return { port, kill };
}

/** A subscriber or the publisher: send a text, count what arrives. */
interface Client {
  send(text: string): void;
  close(): void;
}

async function openClient(kind: 'wirekit' | 'socketio', port: number, onMessage: (text: string) => void): Promise<Client> {
  if (kind === 'wirekit') {
    const ws = new WebSocket(`ws://127.0.0.1:${String(port)}`);
    ws.on('message', (data) => onMessage(String(data)));
    await new Promise((resolve, reject) => {
      ws.once('open', resolve);
      ws.once('error', reject);
    });
    return { send: (text) => ws.send(text), close: () => ws.terminate() };
  }
  const socket: Socket = ioClient(`http://127.0.0.1:${String(port)}`, { transports: ['websocket'], forceNew: true, reconnection: false });
  socket.on('m', (data: string) => onMessage(data));
  await new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(undefined));
    socket.once('connect_error', reject);
  });
  return { send: (text) => void socket.emit('m', text), close: () => void socket.disconnect() };
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted.length === 0 ? Number.NaN : sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))]!;
}

async function fanOut(kind: 'wirekit' | 'socketio', redisUrl: string): Promise<string> {
  const nodes = [await startNode(kind, redisUrl), await startNode(kind, redisUrl)];
  const latencies: number[] = [];
  let lastArrival = 0;
  let warmed = 0;
  const subscribers: Client[] = [];
  for (let index = 0; index < SUBSCRIBERS; index++) {
    subscribers.push(await openClient(kind, nodes[index % 2]!.port, (text) => {
      const now = performance.now();
      const message = JSON.parse(text) as { t: number; warm?: true };
      if (message.warm === true) return void warmed++;
      latencies.push(now - message.t);
      lastArrival = now;
    }));
  }
  const publisher = await openClient(kind, nodes[0]!.port, () => undefined);
  await new Promise((resolve) => setTimeout(resolve, 1_000));
  // Warm-up (unmeasured): the JIT of both nodes and of the clients.
  for (let index = 0; index < WARM_UP; index++) {
    publisher.send(JSON.stringify({ i: index, t: performance.now(), warm: true }));
    await new Promise((resolve) => setTimeout(resolve, INTERVAL));
  }
  const warmDeadline = performance.now() + 30_000;
  while (warmed < WARM_UP * SUBSCRIBERS && performance.now() < warmDeadline) await new Promise((resolve) => setTimeout(resolve, 20));
  const expected = MESSAGES * SUBSCRIBERS;
  const start = performance.now();
  for (let index = 0; index < MESSAGES; index++) {
    publisher.send(JSON.stringify({ i: index, t: performance.now() }));
    await new Promise((resolve) => setTimeout(resolve, INTERVAL));
  }
  const deadline = performance.now() + 60_000;
  while (latencies.length < expected && performance.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
  const seconds = (lastArrival - start) / 1_000;
  const sorted = [...latencies].sort((a, b) => a - b);
  for (const client of [...subscribers, publisher]) client.close();
  for (const node of nodes) await node.kill();
  const lost = expected - latencies.length;
  return `| ${kind === 'wirekit' ? 'WireKit + @wirekit/redis' : 'socket.io 4 + redis-streams-adapter'} | ${String(SUBSCRIBERS)} | ${String(MESSAGES)} | ${Math.round(latencies.length / seconds).toLocaleString('en-US')} | ${percentile(sorted, 50).toFixed(1)} | ${percentile(sorted, 99).toFixed(1)} | ${String(lost)} |`;
}

async function resumeAfterNodeDeath(redisUrl: string): Promise<string> {
  const doomed = await startNode('wirekit', redisUrl);
  const survivor = await startNode('wirekit', redisUrl);
  let target = `ws://127.0.0.1:${String(doomed.port)}`;
  const clients: ReconnectingConnection[] = [];
  const resumedAt: number[] = [];
  let notResumed = 0;
  for (let index = 0; index < SUBSCRIBERS; index++) {
    const session = new ResumeSession();
    session.on('resumed', () => resumedAt.push(performance.now()));
    session.on('not-resumed', () => notResumed++);
    const client = reconnecting(session.wrap((_url, options) => connect(target, options)), target, { initialDelay: 100, maxRetries: 50 });
    clients.push(client);
    void (async () => {
      for await (const message of client) void message;
    })().catch(() => undefined);
    await new Promise((resolve) => client.on('open', () => resolve(undefined)));
  }
  const publisher = await openClient('wirekit', survivor.port, () => undefined);
  for (let index = 0; index < 20; index++) publisher.send(JSON.stringify({ i: index, t: performance.now() }));
  await new Promise((resolve) => setTimeout(resolve, 1_000));
  target = `ws://127.0.0.1:${String(survivor.port)}`;
  const killed = performance.now();
  await doomed.kill();
  for (let index = 0; index < 20; index++) publisher.send(JSON.stringify({ i: index, t: performance.now() }));
  const deadline = performance.now() + 60_000;
  while (resumedAt.length + notResumed < SUBSCRIBERS && performance.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
  const times = resumedAt.map((at) => at - killed).sort((a, b) => a - b);
  publisher.close();
  await Promise.all(clients.map((client) => client.close().catch(() => undefined)));
  await survivor.kill();
  return `| ${String(SUBSCRIBERS)} | ${String(times.length)} | ${String(notResumed)} | ${percentile(times, 50).toFixed(0)} | ${percentile(times, 99).toFixed(0)} | ${(times.at(-1) ?? Number.NaN).toFixed(0)} |`;
}

const redis = await startRedis();
try {
  console.log(`Fan-out across 2 server processes through one Redis (${String(MESSAGES)} messages, one every ${String(INTERVAL)} ms)\n`);
  console.log('| stack | subscribers | messages | deliveries/s | p50 ms | p99 ms | lost |');
  console.log('| --- | --- | --- | --- | --- | --- | --- |');
  console.log(await fanOut('wirekit', redis.url));
  console.log(await fanOut('socketio', redis.url));
  console.log('\nResume after a node dies (SIGKILL): all clients on it reconnect to the other node at once\n');
  console.log('| clients | resumed | not resumed | p50 ms | p99 ms | all by ms |');
  console.log('| --- | --- | --- | --- | --- | --- |');
  console.log(await resumeAfterNodeDeath(redis.url));
} finally {
  for (const child of children) if (child.exitCode === null) process.kill(child.pid!, 'SIGKILL');
  await stopAllRedis();
}
process.exit(0);
