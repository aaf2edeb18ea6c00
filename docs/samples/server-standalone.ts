// A standalone WireKitServer: subprotocol choice, an origin check, shutdown with 1001 (docs/server.md).
import { WireKitError } from '@wirekit/core';
import { connect } from '@wirekit/framed';
import { WireKitServer } from '@wirekit/server';

export async function standaloneServer(): Promise<string[]> {
  const server = new WireKitServer({
    host: '127.0.0.1', // the default: not reachable from the network unless asked
    port: 0, // an ephemeral port, reported by listen()
    handleProtocols: (offered) => offered.find((protocol) => protocol === 'chat.v1'),
    verifyClient: ({ origin }) => (origin === 'https://app.example' ? true : { status: 403 }),
  });
  server.on('connection', (connection) => {
    connection.on('message', (message) => void connection.send(`echo: ${String(message)}`));
  });
  const { url } = await server.listen();

  const transcript: string[] = [];
  try {
    const client = await connect(url, { protocols: ['chat.v1'], origin: 'https://app.example' });
    await client.send('hi');
    transcript.push(`protocol: ${client.protocol}, ${String(await client.receive())}`);
    try {
      await connect(url, { origin: 'https://elsewhere.example' });
    } catch (error) {
      if (error instanceof WireKitError) transcript.push(`refused: ${error.code} ${error.status}`);
    }
    await server.close(); // every client gets 1001 Going Away
    transcript.push(`client closed: ${(await client.closed).code}`);
  } finally {
    await server.close(); // a second close is harmless
  }
  return transcript;
}
