// NWListener: a WebSocket server in the Network.framework style, echoing with receiveMessage (docs/transports/framed.md).
import { connect, NWEndpoint, NWListener, NWParameters, NWProtocolWebSocket } from '@wirekit/framed';

export async function listenerEcho(): Promise<string[]> {
  const parameters = NWParameters.tcp;
  parameters.defaultProtocolStack.applicationProtocols.unshift(new NWProtocolWebSocket.Options());
  parameters.requiredLocalEndpoint = NWEndpoint.hostPort('127.0.0.1', 0); // loopback only
  const listener = new NWListener(parameters); // port 0: an ephemeral port, read once ready

  listener.newConnectionHandler = (connection) => {
    connection.receiveMessage(function echo(content, context, _isComplete, error) {
      if (error !== null || context?.webSocketMetadata?.opcode === 'close') return;
      connection.send(content, context === null ? {} : { contentContext: context }); // same opcode back
      connection.receiveMessage(echo);
    });
    connection.start(); // runs the server handshake, then `ready`
  };
  const port = await new Promise<number>((resolve, reject) => {
    listener.stateUpdateHandler = (state) => {
      if (state.kind === 'ready') resolve(listener.port ?? 0);
      if (state.kind === 'failed') reject(state.error);
    };
    listener.start();
  });

  const transcript: string[] = [];
  try {
    const client = await connect(`ws://127.0.0.1:${port}/`); // any transport's client would do
    await client.send('hello, listener');
    transcript.push(`echo: ${String(await client.receive())}`);
    transcript.push(`closed: ${(await client.close(1000)).code}`);
  } finally {
    listener.cancel();
  }
  return transcript;
}
