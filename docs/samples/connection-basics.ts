// The shared Connection: connect, send, receive, iterate, ping, close (docs/connection.md).
import { connect } from '@wirekit/framed';

export async function connectionBasics(url: string): Promise<string[]> {
  const transcript: string[] = [];
  const connection = await connect(url);
  transcript.push(`state: ${connection.state}`);

  await connection.send('hello'); // resolves once the bytes are handed to the OS
  transcript.push(`receive(): ${String(await connection.receive())}`); // one-shot pull

  await connection.send(new Uint8Array([1, 2, 3]));
  const bytes = await connection.receive();
  transcript.push(`binary: ${bytes instanceof Uint8Array ? bytes.join(',') : 'text?'}`);

  const rtt = await connection.ping(); // resolves with the round-trip time in ms
  transcript.push(`ping: ${rtt >= 0 ? 'pong received' : 'no pong'}`);

  for (const word of ['one', 'two', 'three']) void connection.send(word);
  let count = 0;
  for await (const message of connection) {
    transcript.push(`for await: ${String(message)}`);
    if (++count === 3) break; // leaving the loop does not close the connection
  }

  // Resolves with the peer's answering Close (as a browser's CloseEvent reports it).
  const info = await connection.close(1000, 'bye');
  transcript.push(`closed: ${info.code} clean=${info.wasClean}`);
  return transcript;
}
