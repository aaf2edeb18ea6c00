// NWConnection with NWProtocolWebSocket: states, send, receiveMessage, ping, cancel (docs/transports/framed.md).
import { ContentContext, NWConnection, NWEndpoint, NWParameters, NWProtocolWebSocket } from '@wirekit/framed';

export function framedWebSocket(url: string): Promise<string[]> {
  const transcript: string[] = [];
  const parameters = NWParameters.tcp; // NWParameters.tls for wss:
  const options = new NWProtocolWebSocket.Options();
  options.setSubprotocols(['chat.v1']);
  parameters.defaultProtocolStack.applicationProtocols.unshift(options); // Swift: insert(options, at: 0)

  const connection = new NWConnection(NWEndpoint.url(url), parameters);
  return new Promise((resolve) => {
    connection.stateUpdateHandler = (state) => {
      transcript.push(`state: ${state.kind}${state.kind === 'failed' ? ` ${state.error.code}` : ''}`);
      if (state.kind === 'ready') receiveNext();
      if (state.kind === 'cancelled' || state.kind === 'failed') resolve(transcript);
    };

    const receiveNext = (): void => {
      connection.receiveMessage((content, context, isComplete, error) => {
        if (error !== null) return; // the connection ended: stop re-arming
        const opcode = context?.webSocketMetadata?.opcode;
        transcript.push(`received ${opcode}: ${new TextDecoder().decode(content ?? new Uint8Array())} (complete: ${isComplete})`);
        if (opcode === 'text') ping();
        else receiveNext();
      });
    };

    const ping = (): void => {
      const metadata = new NWProtocolWebSocket.Metadata('ping');
      metadata.setPongHandler((error) => {
        transcript.push(`pong: ${error?.code ?? 'ok'}`);
        connection.cancel(); // a Close with 1000, then `cancelled`
      });
      connection.send(null, { contentContext: new ContentContext({ identifier: 'ping', metadata: [metadata] }) });
    };

    connection.start(); // no queue: handlers run on Node's event loop
    // Sends before `ready` wait for it, as Apple's do.
    const text = new ContentContext({ identifier: 'text', metadata: [new NWProtocolWebSocket.Metadata('text')] });
    connection.send('hello', {
      contentContext: text,
      completion: (error) => transcript.push(`send completed: ${error?.code ?? 'ok'}`),
    });
  });
}
