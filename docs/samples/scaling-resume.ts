// A client survives the death of its node: it resumes on another one without loss (docs/scaling.md).
import { connect } from '@wirekit/adapter';
import { reconnecting, ResumeSession } from '@wirekit/core';
import { RedisBroker } from '@wirekit/redis';
import { WireKitServer } from '@wirekit/server';

export async function resumeSample(redisUrl: string): Promise<string[]> {
  const nodes = await Promise.all([0, 1].map(async () => {
    const broker = new RedisBroker({ url: redisUrl });
    const server = new WireKitServer({ port: 0, broker }); // resume is on by default
    server.on('connection', (connection) => void server.rooms.get('news').join(connection));
    return { broker, server, url: (await server.listen()).url };
  }));
  const [first, second] = nodes as [(typeof nodes)[0], (typeof nodes)[0]];
  const transcript: string[] = [];

  // The client: any ConnectionFactory, wrapped by a ResumeSession, given to reconnecting().
  const session = new ResumeSession();
  session.on('resumed', ({ replayed }) => transcript.push(`resumed, ${String(replayed)} missed messages replayed`));
  session.on('not-resumed', ({ reason }) => transcript.push(`not resumed: ${reason}`));
  let target = first.url; // a load balancer would pick; here the test does
  const client = reconnecting(session.wrap((_url, options) => connect(target, options)), first.url, { initialDelay: 200, jitter: 0 });
  try {
    await new Promise((resolve) => client.on('open', () => resolve(undefined)));
    await first.server.rooms.get('news').broadcast('one');
    const received = [String(await client.receive())];

    target = second.url;
    await first.server.close(); // node 1 goes away (1001); the client reconnects to node 2…
    await second.server.rooms.get('news').broadcast('two'); // …while this is said
    await second.server.rooms.get('news').broadcast('three');
    for (let index = 0; index < 2; index++) received.push(String(await client.receive()));
    transcript.push(`received in order, once: ${received.join(', ')}`);
  } finally {
    await client.close();
    for (const node of nodes) {
      await node.server.close();
      await node.broker.close();
    }
  }
  return transcript;
}
