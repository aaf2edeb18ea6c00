// SRWebSocket, the SocketRocket-style client built on the stream pair (docs/transports/streams.md).
import { SRReadyState, SRWebSocket } from '@wirekit/streams';

export function socketRocketChat(url: string): Promise<string[]> {
  const transcript: string[] = [];
  const socket = new SRWebSocket({ url, timeoutInterval: 5 }, ['chat.v1']); // one use only, as SocketRocket
  return new Promise((resolve) => {
    socket.delegate = {
      webSocketDidOpen: (webSocket) => {
        transcript.push(`open, protocol: ${webSocket.protocol}`);
        webSocket.sendString('hello');
        webSocket.sendData(new Uint8Array([1, 2, 3]));
      },
      didReceiveMessageWithString: (_webSocket, string) => {
        transcript.push(`string: ${string}`);
      },
      didReceiveMessageWithData: (webSocket, data) => {
        transcript.push(`data: ${data.join(',')}`);
        webSocket.sendPing(new TextEncoder().encode('are you there?'));
      },
      didReceivePong: (webSocket, payload) => {
        transcript.push(`pong: ${new TextDecoder().decode(payload)}`);
        webSocket.close(1000, 'bye');
      },
      didCloseWithCode: (webSocket, code, _reason, wasClean) => {
        transcript.push(`closed: ${code} clean=${wasClean} readyState=${webSocket.readyState === SRReadyState.CLOSED ? 'CLOSED' : webSocket.readyState}`);
        resolve(transcript);
      },
      didFailWithError: (_webSocket, error) => {
        transcript.push(`failed: ${error.code}`);
        resolve(transcript);
      },
    };
    socket.open();
  });
}
