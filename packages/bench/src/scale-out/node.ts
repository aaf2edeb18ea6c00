/**
 * One server node of the scale-out benchmark, as its own process:
 *   node --conditions=source --import tsx node.ts <wirekit|socketio> <redis-url>
 * Every client joins the room 'bench'; what a client sends goes to the room on every node, but
 * itself. WireKit: WireKitServer + RedisBroker. socket.io 4: Server + @socket.io/redis-streams-adapter
 * on ioredis. Prints `listening <port>`.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createAdapter } from '@socket.io/redis-streams-adapter';
import { Redis } from 'ioredis';
import { Server } from 'socket.io';
import { RedisBroker } from '@wirekit/redis';
import { WireKitServer } from '@wirekit/server';

const [kind, redisUrl] = process.argv.slice(2);
if (redisUrl === undefined || (kind !== 'wirekit' && kind !== 'socketio')) throw new Error('usage: node.ts <wirekit|socketio> <redis-url>');

if (kind === 'wirekit') {
  const broker = new RedisBroker({ url: redisUrl });
  const server = new WireKitServer({ port: 0, broker });
  server.on('connection', (connection) => {
    const room = server.rooms.get('bench');
    room.join(connection);
    connection.on('message', (message) => void room.broadcast(message, { except: connection }));
  });
  const { port } = await server.listen();
  console.log(`listening ${String(port)}`);
} else {
  const http = createServer();
  const io = new Server(http, { adapter: createAdapter(new Redis(redisUrl)), transports: ['websocket'] });
  io.on('connection', (socket) => {
    void socket.join('bench');
    socket.on('m', (data: string) => socket.to('bench').emit('m', data));
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  console.log(`listening ${String((http.address() as AddressInfo).port)}`);
}
