// A server sized for many small clients (docs/security.md): the limits a chat service would set.
import { connect } from '@wirekit/framed';
import { WireKitServer } from '@wirekit/server';

const KiB = 1024;
const MiB = 1024 * KiB;

export async function serverLimits(): Promise<string[]> {
  const server = new WireKitServer({
    maxConnections: 10_000, // refused with 503 beyond: capacity is yours to know
    handshakeTimeout: 5_000, // a slowloris client gets 408 after 5 s
    maxMessageSize: 1 * MiB, // chat messages, not files: 1009 beyond
    maxFragments: 1_024, // 1008 beyond
    maxBufferedAmount: 4 * MiB, // a client that does not read costs 4 MiB of sends at most
    receiveHighWaterMark: 256 * KiB, // reading pauses while the app has this much untaken
  });
  server.on('connection', (connection) => {
    connection.on('message', (message) => void connection.send(message));
  });
  const { url } = await server.listen();

  const transcript: string[] = [];
  try {
    const client = await connect(url);
    await client.send('hello');
    transcript.push(`echo: ${String(await client.receive())}`);
    // One byte over the server's maxMessageSize: it fails the connection with 1009.
    void client.send(new Uint8Array(1 * MiB + 1)).catch(() => undefined);
    const closed = await client.closed;
    transcript.push(`too large: ${closed.code}`);
  } finally {
    await server.close();
  }
  return transcript;
}
