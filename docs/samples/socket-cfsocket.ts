// CFSocket: a data callback, CFSocketConnectToAddress with a timeout, CFSocketSendData (docs/transports/socket.md).
import { AF_INET, CFSocket, CFSocketError, kCFSocketDataCallBack, SOCK_STREAM, SocketTable, sockaddr_in } from '@wirekit/socket';

export function cfSocketEcho(port: number, text: string): Promise<string[]> {
  const transcript: string[] = [];
  let echoed = '';
  return new Promise((resolve) => {
    const socket = CFSocket.create(
      AF_INET,
      SOCK_STREAM,
      kCFSocketDataCallBack, // bytes are read for you; an empty chunk once at EOF
      (_socket, _type, _address, data) => {
        if (!(data instanceof Uint8Array)) return;
        echoed += new TextDecoder().decode(data);
        if (echoed.length < text.length) return;
        transcript.push(`data callback: ${echoed}`);
        socket.invalidate(); // closes the descriptor (kCFSocketCloseOnInvalidate)
        transcript.push(`valid after invalidate: ${socket.isValid}`);
        resolve(transcript);
      },
      { table: new SocketTable() },
    );
    transcript.push(`native descriptor: ${socket.native}`);

    void (async () => {
      const result = await socket.connectToAddress(sockaddr_in('127.0.0.1', port), 5); // seconds, as CFTimeInterval
      if (result !== CFSocketError.success) {
        transcript.push(`connect failed: ${socket.lastError?.errno}`);
        socket.invalidate();
        return resolve(transcript);
      }
      await socket.sendData(null, new TextEncoder().encode(text), 0); // null address: the connected peer
    })();
  });
}
