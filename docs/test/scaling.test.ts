import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRedis, stopAllRedis, type RedisProcess } from '@wirekit/conformance';
import { resumeSample } from '../samples/scaling-resume.js';
import { twoNodesSample } from '../samples/scaling-two-nodes.js';

// A throw-away redis-server on a free loopback port, stopped by PID; missing redis-server fails.
let redis: RedisProcess;
beforeAll(async () => {
  redis = await startRedis();
});
afterAll(stopAllRedis);

describe('scaling samples (docs/scaling.md)', () => {
  it('scaling-two-nodes.ts shares a room between two nodes through Redis', async () => {
    expect(await twoNodesSample(redis.url)).toEqual(['lobby: 2 members on 2 nodes', 'grace (node B) got: hello from node A']);
  });

  it('scaling-resume.ts resumes a client on another node with what it missed', async () => {
    expect(await resumeSample(redis.url)).toEqual(['resumed, 2 missed messages replayed', 'received in order, once: one, two, three']);
  });
});
