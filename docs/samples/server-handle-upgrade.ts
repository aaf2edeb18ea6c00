// WireKitServer on your own node:http server, by hand with handleUpgrade (docs/server.md).
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { connect } from '@wirekit/framed';
import { WireKitServer } from '@wirekit/server';

export async function handleUpgradeSample(): Promise<string[]> {
  const wire = new WireKitServer(); // never listens: it only takes the upgrades it is given
  const http = createServer((_request, response) => response.end('plain HTTP is answered by you'));
  http.on('upgrade', (request, socket, head) => {
    if (request.url !== '/ws') return void socket.destroy(); // your routing, your refusal
    void wire.handleUpgrade(request, socket, head).then((connection) => {
      connection?.on('message', (message) => void connection.send(message)); // null when refused
    });
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const { port } = http.address() as AddressInfo;

  const transcript: string[] = [];
  try {
    const page = await fetch(`http://127.0.0.1:${port}/`);
    transcript.push(`GET /: ${await page.text()}`);
    const client = await connect(`ws://127.0.0.1:${port}/ws`);
    await client.send('upgraded');
    transcript.push(`ws echo: ${String(await client.receive())}`);
    await client.close(1000);
  } finally {
    await wire.close(); // detaches; it never closes your HTTP server
    await new Promise<void>((resolve) => http.close(() => resolve()));
  }
  return transcript;
}
