// Child process: the client side of a soak. Started by runSoak() with a JSON argument
// (target, url and the soak options); opens every connection, exchanges messages for the
// duration, reports memory with every connection held, then closes them all when told.
import { isAbsolute } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { ConnectionFactory } from '@wirekit/core';
import type * as FramedModule from '@wirekit/framed';
import { WebSocket } from 'ws';
import { ErrorLog, sampleMemory, type ClientStats, type FromClient, type SoakOptions, type SoakTarget, type ToChild } from './soak-protocol.js';

interface ClientArgs extends SoakOptions {
  readonly target: SoakTarget;
  readonly url: string;
  /** '@wirekit/framed' (sources) or the path of a compiled build (see soak-build.ts). */
  readonly framedModule: string;
}

/** One client connection of either stack, reduced to what the soak needs. */
interface SoakConnection {
  send(payload: string): void;
  isOpen(): boolean;
  close(): Promise<void>;
}

const args = JSON.parse(process.argv[2] ?? '{}') as ClientArgs;
const errors = new ErrorLog();
let connectFailures = 0;
let sent = 0;
let echoed = 0;
let stopping = false;
let rampMs = 0;
const connections: SoakConnection[] = [];
let connect: ConnectionFactory;

function report(message: FromClient): void {
  process.send?.(message);
}

async function openWireKit(url: string): Promise<SoakConnection> {
  const connection = await connect(url, { connectTimeout: 30_000 });
  connection.on('message', () => void (echoed += 1));
  connection.on('error', (error) => {
    if (!stopping) errors.add(error);
  });
  connection.on('close', (info) => {
    if (!stopping) errors.add(new Error(`closed early with ${info.code}`));
  });
  return {
    send: (payload) => {
      sent += 1;
      connection.send(payload).catch((error: unknown) => {
        if (!stopping) errors.add(error);
      });
    },
    isOpen: () => connection.state === 'open',
    close: async () => {
      await connection.close(1000);
    },
  };
}

function openWs(url: string): Promise<SoakConnection> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url);
    socket.once('open', () => {
      socket.off('error', reject);
      socket.on('error', (error) => {
        if (!stopping) errors.add(error);
      });
      socket.on('close', (code) => {
        if (!stopping) errors.add(new Error(`closed early with ${code}`));
      });
      resolve({
        send: (payload) => {
          sent += 1;
          socket.send(payload, (error) => {
            if (error !== undefined && error !== null && !stopping) errors.add(error);
          });
        },
        isOpen: () => socket.readyState === WebSocket.OPEN,
        close: () =>
          new Promise<void>((done) => {
            if (socket.readyState === WebSocket.CLOSED) return done();
            socket.once('close', () => done());
            socket.close(1000);
          }),
      });
    });
    socket.once('error', reject);
    socket.on('message', () => void (echoed += 1));
  });
}

const stats = (): ClientStats => ({
  requested: args.connections,
  held: connections.filter((connection) => connection.isOpen()).length,
  connectFailures,
  sent,
  echoed,
  errors: errors.count,
  errorSamples: errors.samples,
  rampMs,
});

/** Opens `connections` connections, at most `rampConcurrency` connects in flight. */
async function ramp(): Promise<void> {
  const open = args.target === 'ws' ? openWs : openWireKit;
  const started = performance.now();
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < args.connections) {
      next += 1;
      try {
        connections.push(await open(args.url));
      } catch (error) {
        connectFailures += 1;
        errors.add(error);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(args.rampConcurrency, args.connections) }, worker));
  rampMs = Math.round(performance.now() - started);
}

/** Each connection sends one message per interval, the first at a random offset so that sends are spread evenly. */
function exchange(): Promise<void> {
  const payload = 'x'.repeat(args.messageSize);
  const timers: NodeJS.Timeout[] = [];
  for (const connection of connections) {
    const start = setTimeout(() => {
      const tick = (): void => {
        if (connection.isOpen()) connection.send(payload);
      };
      tick();
      timers.push(setInterval(tick, args.intervalMs));
    }, Math.random() * args.intervalMs);
    timers.push(start);
  }
  return new Promise((resolve) =>
    setTimeout(() => {
      for (const timer of timers) clearTimeout(timer);
      resolve();
    }, args.durationMs),
  );
}

async function main(): Promise<void> {
  if (args.target === 'wirekit') {
    const specifier = isAbsolute(args.framedModule) ? pathToFileURL(args.framedModule).href : args.framedModule;
    ({ connect } = (await import(specifier)) as typeof FramedModule);
  }
  const baseline = sampleMemory();
  await ramp();
  report({ type: 'connected', stats: stats() });
  await exchange();
  // Echoes of the last messages still in flight are let in before counting (at most 5 s).
  for (let waited = 0; echoed < sent && waited < 5_000; waited += 50) await new Promise((resolve) => setTimeout(resolve, 50));
  report({ type: 'measured', baseline, loaded: sampleMemory(), stats: stats() });
  process.on('message', (message: ToChild) => {
    if (message.type !== 'stop') return;
    stopping = true;
    const bounded = new Promise((resolve) => setTimeout(resolve, 10_000).unref());
    void Promise.race([Promise.allSettled(connections.map((connection) => connection.close())), bounded]).then(() => {
      report({ type: 'done', stats: stats() });
      process.disconnect?.();
    });
  });
}

void main();
