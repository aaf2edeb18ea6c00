import { afterAll, beforeAll } from 'vitest';
import { describeBroker } from '@wirekit/conformance';
import { RedisBroker } from '../src/index.js';
import { startRedis, stopAllRedis, type RedisProcess } from '@wirekit/conformance';

let redis: RedisProcess;
beforeAll(async () => {
  redis = await startRedis();
});
afterAll(stopAllRedis);

describeBroker('RedisBroker (nodes on one redis-server)', (nodes, { maxLen }) => {
  const brokers = Array.from({ length: nodes }, () => new RedisBroker({ url: redis.url, maxLen, trim: 'exact', heartbeatInterval: 200 }));
  return Promise.resolve({ brokers, close: async () => void (await Promise.all(brokers.map((broker) => broker.close()))) });
});
