// One function, any transport: only the import of `connect` changes (docs/getting-started.md).
import type { ConnectionFactory } from '@wirekit/core';
import { connect as framed } from '@wirekit/framed';

export async function greet(connect: ConnectionFactory, url: string): Promise<string> {
  const connection = await connect(url);
  try {
    await connection.send(JSON.stringify({ hello: 'world' }));
    return String(await connection.receive());
  } finally {
    await connection.close();
  }
}

export const transports: Readonly<Record<string, ConnectionFactory>> = { framed };
