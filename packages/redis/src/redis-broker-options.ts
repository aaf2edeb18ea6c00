import type { RedisOptions } from 'ioredis';
import { WireKitUsageError } from '@wirekit/core';

/** Options of a {@link RedisBroker}. Every bound has a default, and each default says why. */
export interface RedisBrokerOptions {
  /** `redis://host:port/db`. Defaults to ioredis's (127.0.0.1:6379). */
  readonly url?: string;
  /** ioredis options (TLS, password, sentinels…), merged over the broker's own. */
  readonly redis?: RedisOptions;
  /** This node's id, unique in the cluster. Defaults to a random UUID. */
  readonly nodeId?: string;
  /** Prefix of every key, so that several apps can share one Redis. Defaults to `wk`. */
  readonly prefix?: string;
  /**
   * Entries kept per room stream (XADD MAXLEN). Defaults to 10 000: at 100 messages/s a room
   * keeps 100 s of history, enough for a node to ride out a Redis failover and for most
   * resumes within the default 2-minute window at 80 messages/s; memory is about
   * `maxLen × (payload + ~80 bytes)` per active room. See docs/scaling.md, "Sizing the stream".
   */
  readonly maxLen?: number;
  /**
   * `'approximate'` (MAXLEN ~, the default) lets Redis trim whole internal nodes, which is much
   * cheaper, and keeps at least `maxLen` entries; `'exact'` (MAXLEN =) keeps exactly `maxLen`.
   */
  readonly trim?: 'approximate' | 'exact';
  /**
   * Entries one XREAD takes per room. Defaults to 500: large enough that a node catching up
   * after an outage drains a backlog in few round trips, small enough that one reply stays
   * well under a megabyte for chat-sized messages.
   */
  readonly readCount?: number;
  /**
   * ms one blocking XREAD waits before it is issued again. Defaults to 5 000: an idle node
   * costs one command per 5 s; new rooms do not wait for it (a wake stream interrupts it).
   */
  readonly blockTime?: number;
  /**
   * ms between heartbeats of this node. Defaults to 2 000, so that a dead node's members leave
   * presence within `nodeTtl`.
   */
  readonly heartbeatInterval?: number;
  /** ms a node counts as alive after its last heartbeat. Defaults to 3 heartbeats, so that one late beat is not a death. */
  readonly nodeTtl?: number;
  /**
   * Publishes that may wait for Redis during an outage before more are refused with
   * WK_ERR_BUFFER_FULL. Defaults to 10 000: a few seconds of a busy node's traffic, bounded
   * so that a long outage cannot grow memory without end.
   */
  readonly maxPendingPublishes?: number;
  /**
   * Publisher tokens remembered per room to drop a publish that ioredis resent after a dropped
   * connection. Defaults to 1 000, far more than can be in flight at once.
   */
  readonly dedupeWindow?: number;
  /** Longest wait between reconnect attempts to Redis, in ms. Defaults to 1 000, so a restarted Redis is found within a second. */
  readonly maxReconnectDelay?: number;
}

export type ResolvedRedisBrokerOptions = Required<Omit<RedisBrokerOptions, 'url' | 'redis' | 'nodeId'>>;

const POSITIVE = ['maxLen', 'readCount', 'blockTime', 'heartbeatInterval', 'nodeTtl', 'maxPendingPublishes', 'dedupeWindow', 'maxReconnectDelay'] as const;

/** The options with their defaults, checked. */
export function resolveRedisBrokerOptions(options: RedisBrokerOptions): ResolvedRedisBrokerOptions {
  for (const name of POSITIVE) {
    const value = options[name];
    if (value !== undefined && !(Number.isInteger(value) && value > 0)) throw new WireKitUsageError('WK_ERR_INVALID_ARGUMENT', `${name} must be an integer > 0`);
  }
  if (options.trim !== undefined && options.trim !== 'approximate' && options.trim !== 'exact') {
    throw new WireKitUsageError('WK_ERR_INVALID_ARGUMENT', "trim must be 'approximate' or 'exact'");
  }
  const heartbeatInterval = options.heartbeatInterval ?? 2_000;
  return {
    prefix: options.prefix ?? 'wk',
    maxLen: options.maxLen ?? 10_000,
    trim: options.trim ?? 'approximate',
    readCount: options.readCount ?? 500,
    blockTime: options.blockTime ?? 5_000,
    heartbeatInterval,
    nodeTtl: options.nodeTtl ?? heartbeatInterval * 3,
    maxPendingPublishes: options.maxPendingPublishes ?? 10_000,
    dedupeWindow: options.dedupeWindow ?? 1_000,
    maxReconnectDelay: options.maxReconnectDelay ?? 1_000,
  };
}
