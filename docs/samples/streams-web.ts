// WHATWG streams over any Connection, the WebSocketStream idea (docs/transports/streams.md).
import type { Message } from '@wirekit/core';
import { connect, toWebStreams } from '@wirekit/streams';

export async function webStreamsEcho(url: string, lines: readonly string[]): Promise<Message[]> {
  const connection = await connect(url);
  const { readable, writable } = toWebStreams(connection); // like WebSocketStream's `opened`
  const writer = writable.getWriter();
  for (const line of lines) await writer.write(line); // each write awaits connection.send()

  const reader = readable.getReader();
  const echoed: Message[] = [];
  while (echoed.length < lines.length) {
    const { value, done } = await reader.read();
    if (done) break; // the connection closed cleanly
    echoed.push(value);
  }
  await reader.cancel(); // cancelling the readable closes the connection
  await connection.closed;
  return echoed;
}
