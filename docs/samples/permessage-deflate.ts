// permessage-deflate (RFC 7692) on both ends, limits checked after inflation (docs/permessage-deflate.md).
import { connect } from '@wirekit/framed';
import { perMessageDeflate } from '@wirekit/permessage-deflate';
import { WireKitServer } from '@wirekit/server';

export async function deflateSample(): Promise<string[]> {
  const server = new WireKitServer({ port: 0, extensions: [perMessageDeflate()] });
  server.on('connection', (connection) => {
    connection.on('message', (message) => void connection.send(message));
  });
  const { url } = await server.listen();

  const transcript: string[] = [];
  try {
    // The same option on every engine-based transport (task, framed, streams, socket).
    const connection = await connect(url, { extensions: [perMessageDeflate({ level: 6 })] });
    transcript.push(`extensions: ${connection.extensions}`); // '' when the server declined
    const json = JSON.stringify(Array.from({ length: 500 }, (_, id) => ({ id, kind: 'quote', price: 100 + (id % 7) })));
    await connection.send(json); // over the 1 KiB threshold: compressed
    const echo = await connection.receive();
    transcript.push(`echo intact: ${echo === json} (${json.length} characters)`);
    await connection.close(1000);
  } finally {
    await server.close();
  }
  return transcript;
}
