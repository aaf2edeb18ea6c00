// Two server nodes share a room through Redis (docs/scaling.md).
import { connect } from '@wirekit/adapter';
import { RedisBroker } from '@wirekit/redis';
import { WireKitServer } from '@wirekit/server';

/** Starts a chat node: every client joins 'lobby', and what it says goes to the lobby on every node. */
async function chatNode(redisUrl: string): Promise<{ server: WireKitServer; broker: RedisBroker; url: string }> {
  const broker = new RedisBroker({ url: redisUrl });
  const server = new WireKitServer({ port: 0, broker });
  server.on('connection', (connection) => {
    const lobby = server.rooms.get('lobby');
    lobby.join(connection);
    connection.on('message', (message) => void lobby.broadcast(message, { except: connection }));
  });
  const { url } = await server.listen();
  return { server, broker, url };
}

export async function twoNodesSample(redisUrl: string): Promise<string[]> {
  const a = await chatNode(redisUrl);
  const b = await chatNode(redisUrl);
  const transcript: string[] = [];
  try {
    const ada = await connect(a.url); // on node A
    const grace = await connect(b.url); // on node B
    // A join takes effect across nodes once presence lists the member.
    for (let tries = 0; tries < 500 && (await a.server.presence('lobby')).length < 2; tries++) await new Promise((resolve) => setTimeout(resolve, 10));
    const nodes = new Set((await a.server.presence('lobby')).map((member) => member.node));
    transcript.push(`lobby: 2 members on ${String(nodes.size)} nodes`);
    await ada.send('hello from node A');
    transcript.push(`grace (node B) got: ${String(await grace.receive())}`);
    await Promise.all([ada.close(1000), grace.close(1000)]);
  } finally {
    for (const node of [a, b]) {
      await node.server.close();
      await node.broker.close(); // a broker you give is yours to close
    }
  }
  return transcript;
}
