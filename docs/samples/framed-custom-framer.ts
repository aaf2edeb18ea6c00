// A custom NWProtocolFramer over plain TCP: STOMP-style messages that end with a NUL byte (docs/transports/framed.md).
import { WireKitError, type MessageFramer } from '@wirekit/core';
import { NWConnection, NWEndpoint, NWParameters, NWProtocolFramer } from '@wirekit/framed';

/** Each message is its bytes followed by 0x00; a message over `maxMessageSize` fails the stream. */
export class NulTerminatedFramer implements MessageFramer {
  private pending = new Uint8Array(0);
  private failure: WireKitError | null = null;

  constructor(private readonly maxMessageSize = 64 * 1024) {}

  encode(message: Uint8Array): Uint8Array[] {
    return [message, new Uint8Array([0])];
  }

  push(chunk: Uint8Array): Uint8Array[] | WireKitError {
    if (this.failure !== null) return this.failure;
    const bytes = new Uint8Array(this.pending.length + chunk.length);
    bytes.set(this.pending);
    bytes.set(chunk, this.pending.length);
    const messages: Uint8Array[] = [];
    let start = 0;
    for (let end = bytes.indexOf(0); end !== -1; end = bytes.indexOf(0, start)) {
      messages.push(bytes.slice(start, end));
      start = end + 1;
    }
    this.pending = bytes.slice(start);
    if (this.pending.length > this.maxMessageSize) {
      // Bounded: a peer that never sends the terminator cannot grow the buffer forever.
      this.failure = new WireKitError('WK_ERR_MESSAGE_TOO_LARGE', `a message is longer than ${this.maxMessageSize} bytes`);
      if (messages.length === 0) return this.failure;
    }
    return messages;
  }
}

export function framedStomp(host: string, port: number): Promise<string[]> {
  const transcript: string[] = [];
  const parameters = NWParameters.tcp;
  parameters.defaultProtocolStack.applicationProtocols.unshift(new NWProtocolFramer.Options(() => new NulTerminatedFramer()));
  const connection = new NWConnection(NWEndpoint.hostPort(host, port), parameters);

  return new Promise((resolve) => {
    connection.stateUpdateHandler = (state) => {
      if (state.kind === 'cancelled' || state.kind === 'failed') resolve(transcript);
    };
    let received = 0;
    const receiveNext = (): void => {
      connection.receiveMessage((content, _context, _isComplete, error) => {
        if (error !== null || content === null) return;
        transcript.push(`frame: ${new TextDecoder().decode(content).replaceAll('\n', '|')}`);
        if (++received === 2) connection.cancel();
        else receiveNext();
      });
    };
    connection.start();
    receiveNext();
    // The echo server returns the bytes as they were sent: two NUL-terminated frames.
    connection.send('SEND\ndestination:/queue/a\n\nhello');
    connection.send('SEND\ndestination:/queue/b\n\nworld');
  });
}
