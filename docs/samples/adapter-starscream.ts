// The Starscream-like client: one onEvent closure for every event (docs/transports/adapter.md).
import { WebSocketClient } from '@wirekit/adapter';

export function starscreamChat(url: string): Promise<string[]> {
  const transcript: string[] = [];
  const socket = new WebSocketClient({
    url,
    timeoutInterval: 5, // seconds, as URLRequest
    headers: { 'Sec-WebSocket-Protocol': 'chat.v1' }, // read as the subprotocols offered, as Starscream users set them
  });
  return new Promise((resolve) => {
    socket.onEvent = (event) => {
      switch (event.type) {
        case 'connected':
          transcript.push(`connected: protocol ${event.headers['sec-websocket-protocol']}`);
          socket.write('hello', (error) => transcript.push(`write completed: ${error?.code ?? 'ok'}`));
          break;
        case 'text':
          transcript.push(`text: ${event.string}`);
          socket.write(new Uint8Array([1, 2, 3]));
          break;
        case 'binary':
          transcript.push(`binary: ${event.data.join(',')}`);
          socket.disconnect(); // 1000 unless given, as Starscream
          break;
        case 'disconnected':
          transcript.push(`disconnected: ${event.code}`);
          resolve(transcript);
          break;
        case 'error':
          transcript.push(`error: ${event.error.code}`);
          resolve(transcript);
          break;
        default:
          break; // ping, pong, viabilityChanged, reconnectSuggested, cancelled, peerClosed
      }
    };
    socket.connect();
  });
}
