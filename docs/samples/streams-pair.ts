// Stream.getStreamsToHost: an InputStream/OutputStream pair with a delegate (docs/transports/streams.md).
import { Stream, type StreamDelegate } from '@wirekit/streams';

export function streamPairEcho(host: string, port: number, text: string): Promise<string[]> {
  const transcript: string[] = [];
  const { inputStream, outputStream } = Stream.getStreamsToHost(host, port);
  let pending = new TextEncoder().encode(text); // what is still to be written
  let received = '';
  const decoder = new TextDecoder();

  return new Promise((resolve) => {
    const delegate: StreamDelegate = {
      stream(aStream, eventCode) {
        switch (eventCode) {
          case Stream.Event.openCompleted:
            transcript.push(`openCompleted: ${aStream === inputStream ? 'input' : 'output'}`);
            break;
          case Stream.Event.hasSpaceAvailable: {
            if (pending.length === 0) break;
            const written = outputStream.write(pending, pending.length); // may be fewer: keep the rest
            pending = pending.subarray(written);
            if (pending.length === 0) outputStream.close(); // FIN after the accepted bytes
            break;
          }
          case Stream.Event.hasBytesAvailable: {
            const buffer = new Uint8Array(1024);
            while (inputStream.hasBytesAvailable) {
              const length = inputStream.read(buffer, buffer.length); // never blocks: 0 when empty
              received += decoder.decode(buffer.subarray(0, length), { stream: true });
            }
            break;
          }
          case Stream.Event.endEncountered: // the peer's FIN: everything has been read
            transcript.push(`received: ${received}`, `endEncountered, status atEnd: ${inputStream.streamStatus === Stream.Status.atEnd}`);
            inputStream.close();
            resolve(transcript);
            break;
          case Stream.Event.errorOccurred:
            transcript.push(`errorOccurred: ${aStream.streamError?.code}`);
            inputStream.close();
            outputStream.close();
            resolve(transcript);
            break;
        }
      },
    };
    inputStream.delegate = delegate; // no schedule(in:forMode:): events come on Node's event loop
    outputStream.delegate = delegate;
    inputStream.open();
    outputStream.open();
  });
}
