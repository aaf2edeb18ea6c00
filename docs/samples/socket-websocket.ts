// The socket transport's Connection: WebSocket over a raw descriptor, and the table it uses (docs/transports/socket.md).
import { connect, SocketTable } from '@wirekit/socket';

export async function socketWebSocket(url: string): Promise<string[]> {
  const table = new SocketTable();
  const connection = await connect(url, { table }); // resolves the host, connects a descriptor, runs the engine on it
  const transcript = [`open, descriptors in use: ${table.descriptors.join(',')}`];
  await connection.send('over a descriptor');
  transcript.push(`echo: ${String(await connection.receive())}`);
  const { code } = await connection.close(1000); // with no code, a Close without status: the peer answers 1005
  transcript.push(`closed ${code}, descriptors in use: ${table.descriptors.length}`); // the connection freed its descriptor
  return transcript;
}
