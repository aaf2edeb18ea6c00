// A relay that never decodes text: textAsBytes (docs/connection.md).
import { connect } from '@wirekit/framed';
import { TextBytes } from '@wirekit/core';
import { WireKitServer } from '@wirekit/server';

export async function relaySample(): Promise<string[]> {
  const server = new WireKitServer({ port: 0, textAsBytes: true });
  const kinds: string[] = [];
  server.on('connection', (connection) => {
    connection.on('message', (message) => {
      kinds.push(message instanceof TextBytes ? 'text as bytes' : typeof message === 'string' ? 'string' : 'binary');
      // Text stays Text and binary stays binary; neither is decoded nor encoded on the way.
      void server.broadcast(message, { except: connection });
    });
  });
  const { url } = await server.listen();
  const transcript: string[] = [];
  try {
    const [ada, grace] = await Promise.all([connect(url), connect(url)]);
    await ada.send('héllo ✓');
    transcript.push(`grace got: ${String(await grace.receive())}`);
    await ada.send(new Uint8Array([1, 2, 3]));
    transcript.push(`grace got bytes: ${String(await grace.receive())}`);
    transcript.push(`the server saw: ${kinds.join(', ')}`);
    await Promise.all([ada.close(1000), grace.close(1000)]);
  } finally {
    await server.close();
  }
  return transcript;
}
