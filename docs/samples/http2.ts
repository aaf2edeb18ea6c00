// WebSockets over HTTP/2 (RFC 8441): many WebSockets on one connection (docs/http2.md).
import { createServer } from 'node:http2';
import type { AddressInfo } from 'node:net';
import { connect, sharedHttp2Pool } from '@wirekit/framed';
import { perMessageDeflate } from '@wirekit/permessage-deflate';
import { attachHttp2, WireKitServer, type Http2UpgradeIncoming } from '@wirekit/server';

export async function http2Sample(): Promise<string[]> {
  const wire = new WireKitServer({ extensions: [perMessageDeflate()] });
  const h2 = createServer(); // h2c; http2.createSecureServer({ key, cert, allowHTTP1: true }) for h2 + HTTP/1.1 over TLS
  attachHttp2(wire, h2); // SETTINGS_ENABLE_CONNECT_PROTOCOL, and every :protocol websocket stream to `wire`
  const sessions = new Set<unknown>();
  wire.on('connection', (connection, _request, incoming) => {
    sessions.add((incoming as unknown as Http2UpgradeIncoming).http2?.stream.session);
    connection.on('message', (message) => void connection.send(message));
  });
  await new Promise<void>((resolve) => h2.listen(0, '127.0.0.1', resolve));
  const { port } = h2.address() as AddressInfo;

  const transcript: string[] = [];
  try {
    const url = `ws://127.0.0.1:${port}/chat`;
    // The same option on task in Node; without a server that offers RFC 8441 it falls back to HTTP/1.1.
    const clients = await Promise.all([1, 2, 3].map(() => connect(url, { http2: true, extensions: [perMessageDeflate()] })));
    for (const [index, client] of clients.entries()) {
      await client.send(`hello ${index}`);
      transcript.push(`${String(await client.receive())} (${client.extensions})`);
    }
    transcript.push(`client sessions: ${sharedHttp2Pool.size}, server sessions: ${sessions.size}`);
    await Promise.all(clients.map((client) => client.close()));
  } finally {
    await wire.close();
    sharedHttp2Pool.close(); // or let it close on its own, 5 s after its last WebSocket
    await new Promise<void>((resolve) => h2.close(() => resolve()));
  }
  return transcript;
}
