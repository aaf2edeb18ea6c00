import { describe, expect, it } from 'vitest';
import { keepAlive, type WireKitError } from '../src/index.js';
import { FakeClock } from '@wirekit/test-support';
import { connectPair, next, tick } from './support/pair.js';

describe('keepAlive()', () => {
  it('pings every interval and keeps a responsive connection open', async () => {
    const clock = new FakeClock();
    const { client, server } = await connectPair({ clock });
    let pings = 0;
    server.on('ping', () => pings++);
    const stop = keepAlive(client, { interval: 1_000, timeout: 500, clock });
    for (let i = 0; i < 3; i++) {
      clock.advance(1_000);
      await tick();
    }
    expect(pings).toBe(3);
    expect(client.state).toBe('open');
    stop();
    expect(clock.pending).toBe(0);
  });

  it('reports WK_ERR_PING_TIMEOUT and terminates (1006) when a pong is late', async () => {
    const clock = new FakeClock();
    const { client } = await connectPair({ clock }, { connection: { autoPong: false } });
    const viability: boolean[] = [];
    keepAlive(client, { interval: 1_000, timeout: 300, clock, viability: (viable) => viability.push(viable) });
    const error = next<WireKitError>((l) => client.on('error', l));
    clock.advance(1_000);
    await tick();
    clock.advance(300);
    expect(await error).toMatchObject({ code: 'WK_ERR_PING_TIMEOUT', closeCode: 1006 });
    expect(await client.closed).toEqual({ code: 1006, reason: '', wasClean: false });
    expect(viability).toEqual([false]);
  });

  it('reports the connection not viable while a pong is overdue, and viable again when it arrives', async () => {
    const clock = new FakeClock();
    const { client, server } = await connectPair({ clock }, { connection: { autoPong: false } });
    const viability: boolean[] = [];
    keepAlive(client, { interval: 1_000, timeout: 5_000, clock, viability: (viable) => viability.push(viable) });
    clock.advance(1_000);
    await tick();
    clock.advance(1_000);
    expect(viability).toEqual([false]);
    server.pong();
    await tick();
    expect(viability).toEqual([false, true]);
    expect(client.state).toBe('open');
  });

  it('stops by itself when the connection closes', async () => {
    const clock = new FakeClock();
    const { client } = await connectPair({ clock });
    keepAlive(client, { interval: 1_000, clock });
    await client.close();
    expect(clock.pending).toBe(0);
  });

  it.each([[{ interval: 0 }], [{ timeout: -1 }]])('refuses %o with WK_ERR_INVALID_ARGUMENT', async (options) => {
    const { client } = await connectPair();
    expect(() => keepAlive(client, options)).toThrow(expect.objectContaining({ code: 'WK_ERR_INVALID_ARGUMENT' }));
  });
});
