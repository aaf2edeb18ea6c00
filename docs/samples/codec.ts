// CodecService: typed JSON messages over any Connection (docs/codec.md).
import { CodecService } from '@wirekit/core';
import { connect } from '@wirekit/framed';

interface ChatMessage {
  readonly user: string;
  readonly text: string;
}

export async function codecSample(url: string): Promise<string[]> {
  const transcript: string[] = [];
  const connection = await connect(url);
  const chat = new CodecService<ChatMessage>(connection); // JSON by default (jsonCodec)
  chat.on('error', (error) => transcript.push(`skipped: ${error.code}`)); // a message that does not decode

  await chat.send({ user: 'ada', text: 'hi' });
  await connection.send('not json'); // the echo server returns it; the service reports and skips it
  await chat.send({ user: 'grace', text: 'hello' });

  for await (const message of chat) {
    transcript.push(`${message.user}: ${message.text}`);
    if (message.user === 'grace') break;
  }
  await connection.close(1000);
  return transcript;
}
