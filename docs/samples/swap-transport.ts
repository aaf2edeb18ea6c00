// One function, any transport: only the import of `connect` changes (docs/getting-started.md).
import { connect as adapter } from '@wirekit/adapter';
import type { ConnectionFactory } from '@wirekit/core';
import { connect as framed } from '@wirekit/framed';
import { connect as socket } from '@wirekit/socket';
import { connect as streams } from '@wirekit/streams';
import { connect as task } from '@wirekit/task';

export async function greet(connect: ConnectionFactory, url: string): Promise<string> {
  const connection = await connect(url);
  try {
    await connection.send(JSON.stringify({ hello: 'world' }));
    return String(await connection.receive());
  } finally {
    await connection.close();
  }
}

// The five transports, each a ConnectionFactory: `greet` runs unchanged on every one.
export const transports: Readonly<Record<string, ConnectionFactory>> = { task, framed, streams, socket, adapter };
