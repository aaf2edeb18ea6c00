/**
 * One worker of {@link startChatCluster}: a chat server on the shared port whose rooms go
 * through Redis. Arguments: <redis-url> <port>. Tells the primary `{ type: 'listening' }`.
 */
import { RedisBroker } from '@wirekit/redis';
import { describeError } from '../bounded.js';
import type { WorkerListening } from './cluster.js';
import { startChatServer } from './server.js';

const [redisUrl, port] = process.argv.slice(2);
const broker = new RedisBroker({ url: redisUrl! });
broker.on('outage', (error) => console.log(`chat worker ${String(process.pid)}: ${describeError(error)}`));
const chat = await startChatServer({ port: Number(port), broker, log: (line) => console.log(`[${String(process.pid)}] ${line}`) });
process.send?.({ type: 'listening', url: chat.url, wsUrl: chat.wsUrl } satisfies WorkerListening);
process.once('SIGTERM', () => {
  void chat.close().then(() => broker.close()).finally(() => process.exit(0));
});
