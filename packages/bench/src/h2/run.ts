/**
 * WebSockets over HTTP/2 (RFC 8441) against HTTP/1.1, on one WireKitServer in a child process:
 * opening handshakes per second (framed's connect, with and without `http2: true`, CONCURRENCY at
 * a time), then the server's and the client's memory per open WebSocket (heap + external after a
 * GC, and the server's RSS) with CONNECTIONS open. Run:
 *   node --expose-gc --conditions=source --import tsx packages/bench/src/h2/run.ts
 * Options (env): HANDSHAKES (2000), CONNECTIONS (1000), CONCURRENCY (50). Every child is stopped by PID.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Connection } from '@wirekit/core';
import { connect, sharedHttp2Pool } from '@wirekit/framed';

const HANDSHAKES = Number(process.env['HANDSHAKES'] ?? 2_000);
const CONNECTIONS = Number(process.env['CONNECTIONS'] ?? 1_000);
const CONCURRENCY = Number(process.env['CONCURRENCY'] ?? 50);
const SERVER = fileURLToPath(new URL('./h2-server.ts', import.meta.url));

interface Memory {
  readonly heapUsed: number;
  readonly rss: number;
  readonly external: number;
}

interface ServerProcess {
  readonly port: number;
  memory(): Promise<Memory>;
  stop(): Promise<void>;
}

async function startServer(kind: 'h2' | 'http/1.1'): Promise<ServerProcess> {
  const child: ChildProcess = spawn(process.execPath, ['--expose-gc', '--conditions=source', '--import', 'tsx', SERVER, kind], { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines: string[] = [];
  const waiters: Array<() => void> = [];
  child.stdout!.setEncoding('utf8');
  child.stdout!.on('data', (chunk: string) => {
    lines.push(...chunk.split('\n').filter((line) => line !== ''));
    for (const wake of waiters.splice(0)) wake();
  });
  const next = async (prefix: string): Promise<string> => {
    const deadline = Date.now() + 30_000;
    for (;;) {
      const index = lines.findIndex((line) => line.startsWith(prefix));
      if (index >= 0) return lines.splice(index, 1)[0]!.slice(prefix.length + 1);
      if (Date.now() > deadline) throw new Error(`the server did not answer "${prefix}" within 30 s`);
      await new Promise<void>((resolve) => {
        waiters.push(resolve);
        setTimeout(resolve, 1_000);
      });
    }
  };
  const port = Number(await next('listening'));
  return {
    port,
    async memory() {
      child.stdin!.write('mem\n');
      return JSON.parse(await next('mem')) as Memory;
    },
    async stop() {
      child.stdin!.end();
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      const timer = setTimeout(() => child.kill(), 5_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

function clientMemory(): Memory {
  (globalThis as { gc?: () => void }).gc?.();
  const usage = process.memoryUsage();
  return { heapUsed: usage.heapUsed, rss: usage.rss, external: usage.external };
}

async function openMany(url: string, count: number, http2: boolean): Promise<Connection[]> {
  const opened: Connection[] = [];
  for (let start = 0; start < count; start += CONCURRENCY) {
    const batch = Math.min(CONCURRENCY, count - start);
    opened.push(...(await Promise.all(Array.from({ length: batch }, () => connect(url, { http2 })))));
  }
  return opened;
}

/**
 * Closes with the closing handshake. terminate() would reset each h2 stream (RST_STREAM), and
 * Node's HTTP/2 server answers a client that resets many streams at once (its rapid-reset guard,
 * CVE-2023-44487) with GOAWAY, ending the whole session.
 */
async function closeAll(connections: readonly Connection[]): Promise<void> {
  await Promise.all(connections.map((connection) => connection.close()));
}

async function measure(kind: 'h2' | 'http/1.1'): Promise<string> {
  const server = await startServer(kind);
  const url = `ws://127.0.0.1:${String(server.port)}/`;
  const http2 = kind === 'h2';
  try {
    // Warm-up: JIT, and for h2 the session the handshakes then share.
    await closeAll(await openMany(url, 100, http2));
    const started = performance.now();
    let done = 0;
    while (done < HANDSHAKES) {
      const batch = await openMany(url, Math.min(CONCURRENCY, HANDSHAKES - done), http2);
      await closeAll(batch);
      done += batch.length;
    }
    const perSecond = HANDSHAKES / ((performance.now() - started) / 1_000);
    await new Promise((resolve) => setTimeout(resolve, 500));
    const serverBefore = await server.memory();
    const clientBefore = clientMemory();
    const open = await openMany(url, CONNECTIONS, http2);
    const serverAfter = await server.memory();
    const clientAfter = clientMemory();
    const per = (after: Memory, before: Memory, field: 'heapUsed' | 'rss'): number =>
      Math.round((after[field] + (field === 'heapUsed' ? after.external - before.external : 0) - before[field]) / CONNECTIONS);
    await closeAll(open);
    return `| ${kind} | ${Math.round(perSecond)} | ${per(serverAfter, serverBefore, 'heapUsed')} | ${per(serverAfter, serverBefore, 'rss')} | ${per(clientAfter, clientBefore, 'heapUsed')} |`;
  } finally {
    sharedHttp2Pool.close();
    await server.stop();
  }
}

const rows: string[] = [];
for (const kind of ['http/1.1', 'h2'] as const) rows.push(await measure(kind));
console.log(`handshakes: ${String(HANDSHAKES)} (${String(CONCURRENCY)} at a time); memory with ${String(CONNECTIONS)} open WebSockets (bytes per WebSocket)`);
console.log('| transport | handshakes/s | server heap+external | server RSS | client heap+external |');
console.log('| --- | --- | --- | --- | --- |');
for (const row of rows) console.log(row);
