/** task in Node takes framed's `http2` option (RFC 8441): its WebSockets share framed's session pool. */
import { afterAll, describe, expect, it } from 'vitest';
import { startWirekitContractServer, within } from '@wirekit/conformance';
import { sharedHttp2Pool } from '@wirekit/framed';
import { connect } from '../src/index.js';

afterAll(() => sharedHttp2Pool.close());

describe('connect() with http2: true (Node)', () => {
  it('opens WebSockets as extended CONNECT streams of one HTTP/2 session', async () => {
    const server = await startWirekitContractServer({ http2: true });
    try {
      const connections = await Promise.all([1, 2].map((index) => connect(`${server.url}/echo/${String(index)}`, { http2: true })));
      for (const connection of connections) {
        await connection.send('over h2');
        expect(await within(connection.receive(), 5_000, 'the echo')).toBe('over h2');
      }
      expect(server.http2Streams()).toBe(2);
      expect(sharedHttp2Pool.size).toBe(1);
      await Promise.all(connections.map((connection) => connection.close()));
    } finally {
      sharedHttp2Pool.close();
      await server.close();
    }
  });
});
