// Rooms and broadcast: the chat use case (docs/server.md).
import { connect } from '@wirekit/framed';
import { WireKitServer } from '@wirekit/server';

export async function roomsSample(): Promise<string[]> {
  const server = new WireKitServer({ port: 0 });
  server.on('connection', (connection, request) => {
    const room = server.rooms.get(request.target); // '/rooms/lobby': made on first use
    room.join(connection); // leaves by itself when the connection closes
    connection.on('message', async (message) => {
      const { sent, failed } = await room.broadcast(message, { except: connection }); // never rejects
      for (const { error } of failed) console.warn('not delivered:', error.code);
      if (sent === 0) void connection.send('nobody else is here');
    });
  });
  const { url } = await server.listen();

  const transcript: string[] = [];
  try {
    const [ada, grace, alan] = await Promise.all([
      connect(`${url}/rooms/lobby`),
      connect(`${url}/rooms/lobby`),
      connect(`${url}/rooms/kitchen`),
    ]);
    // The server joins each client in its 'connection' handler, before the client sees the 101.
    transcript.push(`lobby: ${server.rooms.get('/rooms/lobby').size}, kitchen: ${server.rooms.get('/rooms/kitchen').size}`);
    await ada.send('hello, lobby');
    transcript.push(`grace got: ${String(await grace.receive())}`);
    await alan.send('anyone?'); // alone in the kitchen: nobody to send to
    transcript.push(`alan got: ${String(await alan.receive())}`);
    await Promise.all([ada.close(1000), grace.close(1000), alan.close(1000)]);
  } finally {
    await server.close();
  }
  return transcript;
}
