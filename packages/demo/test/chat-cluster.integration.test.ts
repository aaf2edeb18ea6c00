import { connect } from '@wirekit/framed';
import type { Connection } from '@wirekit/core';
import { afterEach, describe, expect, it } from 'vitest';
import { CHAT_PROTOCOL } from '../src/chat/protocol.js';
import { ChildCli } from './support/child-cli.js';

/** The next chat message of `type` on `connection`, bounded. */
async function next(connection: Connection, type: string): Promise<Record<string, unknown>> {
  for (let index = 0; index < 20; index++) {
    const message = JSON.parse(String(await connection.receive())) as Record<string, unknown>;
    if (message['type'] === type) return message;
  }
  throw new Error(`no ${type} message among 20`);
}

describe('pnpm demo --nodes 2 (the chat on two processes through Redis)', () => {
  const children: ChildCli[] = [];
  afterEach(() => {
    for (const child of children.splice(0)) child.kill();
  });

  it('serves one chat from two worker processes on one port; a line reaches users of both', async () => {
    const tour = new ChildCli({ shell: 'pnpm demo --nodes 2' });
    children.push(tour);
    const open = await tour.waitForLine(/^The chat room is open: /, 90_000);
    expect(tour.lines.some((line) => /^chat: 2 worker processes \(\d+, \d+\) share /.test(line))).toBe(true);
    const wsUrl = /\(WebSocket endpoint (\S+)\)/.exec(open)?.[1] ?? '';
    // Round-robin: consecutive connections go to alternate workers.
    const users = await Promise.all(['ada', 'bob', 'cy', 'di'].map(async (name) => {
      const connection = await connect(wsUrl, { protocols: [CHAT_PROTOCOL] });
      await connection.send(JSON.stringify({ type: 'join', room: 'lobby', name }));
      await next(connection, 'welcome');
      return connection;
    }));
    await new Promise((resolve) => setTimeout(resolve, 300));
    await users[0]!.send(JSON.stringify({ type: 'message', text: 'hello, both nodes' }));
    for (const user of users.slice(1)) expect((await next(user, 'message'))['text']).toBe('hello, both nodes');
    await Promise.all(users.map((user) => user.close(1000)));
    tour.interrupt();
    expect(await tour.exitCode(30_000)).toBe(0);
    expect(tour.lines).toContain('chat closed.');
  }, 150_000);
});
