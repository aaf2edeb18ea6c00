// URLSessionWebSocketTask with async/await, and Apple's 1 MiB maximumMessageSize (docs/transports/task.md).
import { WireKitError } from '@wirekit/core';
import { URLSession } from '@wirekit/task';

export async function taskAsync(url: string): Promise<string[]> {
  const transcript: string[] = [];
  const task = new URLSession().webSocketTask(url);
  transcript.push(`state: ${task.state}, maximumMessageSize: ${task.maximumMessageSize}`);
  task.resume();
  transcript.push(`state: ${task.state}`);

  await task.send('hello'); // a plain string is .string, a Uint8Array is .data
  const message = await task.receive();
  transcript.push(message.type === 'string' ? `received: ${message.string}` : 'received data');
  await task.sendPing(); // resolves when the pong arrives

  // 1 MiB + 1 byte: the server echoes it, and the task fails as URLSession does on iOS.
  await task.send(new Uint8Array(1024 * 1024 + 1));
  try {
    await task.receive();
  } catch (error) {
    if (error instanceof WireKitError) transcript.push(`receive failed: ${error.code} (close code ${error.closeCode})`);
  }
  transcript.push(`state: ${task.state}, error: ${task.error?.code}, closeCode: ${task.closeCode}`);
  return transcript;
}
