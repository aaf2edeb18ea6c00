/**
 * The chat on N processes sharing one port (`pnpm demo --nodes N`): node:cluster's primary
 * accepts the connections and hands them round-robin to N workers, each a chat server whose
 * rooms go through one Redis (a throw-away redis-server, started and stopped by PID, unless a
 * URL is given). Node 20 has no `reusePort`, hence cluster.
 */
import cluster, { type Worker } from 'node:cluster';
import { fileURLToPath } from 'node:url';
import { startRedis, type RedisProcess } from '@wirekit/conformance';
import { bounded } from '../bounded.js';

/** Options of {@link startChatCluster}. */
export interface ChatClusterOptions {
  /** Worker processes, ≥ 2. */
  readonly nodes: number;
  /** The shared port; 0 picks a free one (every worker gets the same). */
  readonly port: number;
  /** A Redis to use; defaults to a throw-away redis-server of this process. */
  readonly redisUrl?: string;
  readonly log?: (line: string) => void;
}

/** A running chat cluster. */
export interface RunningChatCluster {
  readonly url: string;
  readonly wsUrl: string;
  /** The workers' process ids. */
  readonly pids: readonly number[];
  /** Stops the workers (SIGTERM: each closes its clients with 1001), then the redis-server it started. */
  close(): Promise<void>;
}

/** What a worker tells the primary once it listens. */
export interface WorkerListening {
  readonly type: 'listening';
  readonly url: string;
  readonly wsUrl: string;
}

const WORKER = fileURLToPath(new URL('./cluster-worker.ts', import.meta.url));

/**
 * Starts the redis-server (unless given), then the workers, and resolves once every worker listens.
 * @throws {Error} when redis-server cannot start or a worker fails to listen within 30 s.
 */
export async function startChatCluster(options: ChatClusterOptions): Promise<RunningChatCluster> {
  if (!cluster.isPrimary) throw new Error('startChatCluster() runs in the primary process');
  const log = options.log ?? ((): void => undefined);
  let redis: RedisProcess | null = null;
  let redisUrl = options.redisUrl;
  if (redisUrl === undefined) {
    redis = await startRedis();
    redisUrl = redis.url;
    log(`chat: redis-server ${String(redis.pid)} on ${redis.url}`);
  }
  cluster.setupPrimary({ exec: WORKER, args: [redisUrl, String(options.port)], execArgv: ['--conditions=source', '--import', 'tsx'], silent: false });
  const workers: Worker[] = [];
  const close = async (): Promise<void> => {
    await Promise.all(workers.map((worker) => {
      if (worker.isDead()) return Promise.resolve();
      const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
      worker.process.kill('SIGTERM');
      return bounded(exited, 15_000, `worker ${String(worker.process.pid)} to exit`).catch(() => void worker.process.kill('SIGKILL'));
    }));
    await redis?.stop('SIGTERM');
  };
  try {
    const listening = await Promise.all(Array.from({ length: options.nodes }, () => {
      const worker = cluster.fork();
      workers.push(worker);
      return bounded(new Promise<WorkerListening>((resolve, reject) => {
        worker.on('message', (message: WorkerListening) => message.type === 'listening' && resolve(message));
        worker.once('exit', (code) => reject(new Error(`chat worker exited (${String(code)}) before listening`)));
      }), 30_000, 'a chat worker to listen');
    }));
    const first = listening[0]!;
    log(`chat: ${String(options.nodes)} worker processes (${workers.map((worker) => String(worker.process.pid)).join(', ')}) share ${first.url} through Redis`);
    return { url: first.url, wsUrl: first.wsUrl, pids: workers.map((worker) => worker.process.pid!), close };
  } catch (error) {
    await close();
    throw error;
  }
}
