// @wirekit/redis — WireKit rooms, broadcast, presence and session resume across nodes on Redis Streams. Every export is listed by name.

export { RedisBroker } from './redis-broker.js';
export type { RedisBrokerOptions } from './redis-broker-options.js';
