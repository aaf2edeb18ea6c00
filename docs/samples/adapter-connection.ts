// Third-party WebSockets behind the shared Connection: ws, and a WHATWG WebSocket class (docs/transports/adapter.md).
import { connectWebSocket, connectWs } from '@wirekit/adapter';
import { WireKitError, type Connection } from '@wirekit/core';
import { WebSocket as WsWebSocket } from 'ws';

async function roundTrip(connection: Connection, text: string): Promise<string> {
  await connection.send(text);
  const echo = String(await connection.receive());
  await connection.close(1000);
  return echo;
}

export async function adapterPaths(url: string): Promise<string[]> {
  // The ws client (Node): headers, TLS options, ping with a round-trip time.
  const viaWs = await connectWs(url, { protocols: ['chat.v1'] });
  const rtt = await viaWs.ping();
  const transcript = [`ws: protocol ${viaWs.protocol}, ping ${rtt >= 0 ? 'answered' : 'lost'}, echo ${await roundTrip(viaWs, 'hello')}`];

  // A WHATWG WebSocket constructor: the browser's, undici's, Deno's or Bun's (ws's class here, as Node 20 has none).
  const whatwg = connectWebSocket(WsWebSocket);
  const viaWhatwg = await whatwg(url);
  try {
    await viaWhatwg.ping(); // WHATWG has no ping API: refused, never faked
  } catch (error) {
    if (error instanceof WireKitError) transcript.push(`whatwg: ping refused with ${error.code}`);
  }
  transcript.push(`whatwg: echo ${await roundTrip(viaWhatwg, 'hello')}`);
  return transcript;
}
