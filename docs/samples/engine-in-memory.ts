// Two engines wired back to back: the whole protocol with no sockets (docs/engine.md).
import { Engine, type EngineEvent } from '@wirekit/protocol';

export function engineInMemory(): string[] {
  const transcript: string[] = [];
  const random = (n: number): Uint8Array => crypto.getRandomValues(new Uint8Array(n));
  const toServer: Uint8Array[] = [];
  const toClient: Uint8Array[] = [];
  const log = (side: string) => (event: EngineEvent): void => {
    if (event.type === 'text') transcript.push(`${side} got text: ${event.data}`);
    if (event.type === 'close') transcript.push(`${side} closed: ${event.code} ${event.reason}`);
  };

  const client = new Engine({ role: 'client', random, onEvent: log('client'), onWrite: (chunks) => toServer.push(...chunks) });
  const server = new Engine({ role: 'server', onEvent: log('server'), onWrite: (chunks) => toClient.push(...chunks) });

  client.send('hello');
  client.close(1000, 'done');
  // Deliver until both sides are quiet.
  while (toServer.length > 0 || toClient.length > 0) {
    for (const bytes of toServer.splice(0)) server.receive(bytes);
    for (const bytes of toClient.splice(0)) client.receive(bytes);
  }
  return transcript;
}
