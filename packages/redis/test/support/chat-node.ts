/**
 * One chat server node as its own process, for the multi-process tests:
 *   node --import tsx --conditions source chat-node.ts <redis-url> [window-ms]
 * Every client joins 'lobby'; a client's message goes to the lobby on every node (but itself).
 * Prints `listening <url>` once ready, and broker events as `event <name>` lines.
 */
import { WireKitServer } from '@wirekit/server';
import { RedisBroker } from '../../src/index.js';

const [redisUrl, windowArgument] = process.argv.slice(2);
if (redisUrl === undefined) throw new Error('usage: chat-node.ts <redis-url> [window-ms]');
const broker = new RedisBroker({ url: redisUrl, heartbeatInterval: 200 });
broker.on('outage', () => console.log('event outage'));
broker.on('restored', () => console.log('event restored'));
const server = new WireKitServer({ port: 0, broker, ...(windowArgument === undefined ? {} : { resume: { window: Number(windowArgument) } }) });
server.on('connection', (connection) => {
  const lobby = server.rooms.get('lobby');
  lobby.join(connection);
  connection.on('message', (message) => void lobby.broadcast(message, { except: connection }));
});
const { url } = await server.listen();
console.log(`listening ${url}`);
process.on('SIGTERM', () => void server.close().then(() => broker.close()).then(() => process.exit(0)));
