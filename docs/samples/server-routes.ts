// The Perfect-WebSockets style: routes, handler producers and session handlers (docs/server.md).
import { WireKitError } from '@wirekit/core';
import type { UpgradeRequest } from '@wirekit/protocol';
import { connect } from '@wirekit/framed';
import { Routes, WebSocketHandler, WireKitServer, type PerfectWebSocket, type WebSocketSessionHandler } from '@wirekit/server';

class EchoHandler implements WebSocketSessionHandler {
  readonly socketProtocol = 'echo';

  handleSession(request: UpgradeRequest, socket: PerfectWebSocket): void {
    // One-shot reads, as Perfect: read one message, answer, then read again.
    socket.readStringMessage((string, opcode) => {
      if (string === null) return socket.close(); // closed (opcode 'invalid'), or readTimeoutSeconds elapsed
      socket.sendStringMessage(`${opcode}: ${string}`, true, () => this.handleSession(request, socket));
    });
  }
}

export async function routesSample(): Promise<string[]> {
  const routes = new Routes();
  // The producer sees the request and the offered subprotocols; null refuses the upgrade.
  routes.add('/echo', new WebSocketHandler((_request, protocols) => (protocols.includes('echo') ? new EchoHandler() : null)));
  const server = new WireKitServer({ port: 0, path: '/none', routes });
  const { port } = await server.listen();

  const transcript: string[] = [];
  try {
    const client = await connect(`ws://127.0.0.1:${port}/echo`, { protocols: ['echo'] });
    await client.send('hello');
    await client.send('again');
    transcript.push(`protocol ${client.protocol}`, String(await client.receive()), String(await client.receive()));
    await client.close(1000);
    try {
      await connect(`ws://127.0.0.1:${port}/echo`); // offers no subprotocol: the producer returns null
    } catch (error) {
      if (error instanceof WireKitError) transcript.push(`no subprotocol: ${error.code} ${error.status}`);
    }
  } finally {
    await server.close();
  }
  return transcript;
}
