// The limits every engine-based connection takes, client or server: one shape, one copier.
import { WireKitUsageError } from '@wirekit/protocol';
import type { ConnectionLimits } from './base-connection.js';
import type { ConnectOptions } from './connection.js';

/**
 * The bounds on what a peer can make an engine-based connection hold or do, each with its
 * default: the same shape for the server (ServerConnectionOptions, WireKitServerOptions) and for
 * every engine-based client (framed, task, streams, socket: {@link EngineConnectOptions}), so a
 * limit is defined, documented and defaulted once. See docs/security.md for the attack each stops.
 */
export interface EngineLimits extends ConnectionLimits {
  /** Largest message received; defaults to the engine's 100 MiB (ws's maxPayload). Past it: 1009, WK_ERR_MESSAGE_TOO_LARGE. */
  readonly maxMessageSize?: number;
  /** Most frames one received message may have; defaults to the engine's 65,536 (Autobahn 9.3.1/9.4.1 send that many; ws's 16,384 fails them). Past it: 1008, WK_ERR_TOO_MANY_FRAGMENTS. */
  readonly maxFragments?: number;
  /**
   * Bytes of frames the engine wrote on its own (pongs, Close) not yet handed to the OS past
   * which the connection fails with 1008 (WK_ERR_OUTPUT_BACKLOG). Defaults to 1 MiB: reading
   * pauses at 16 KiB of them already, so only a channel that keeps delivering while paused (or
   * one read of ~170,000 empty pings) gets here, and pausing alone would not bound it.
   */
  readonly maxControlBacklog?: number;
  /**
   * ms reading may stay paused because the frames the engine wrote on its own (pongs, Close) do
   * not drain, before the connection fails with 1008 (WK_ERR_OUTPUT_BACKLOG) and its transport is
   * ended after `closeTimeout` (our Close cannot reach a peer that does not read). Defaults to
   * 30 000 (DEFAULT_OUTPUT_STALL_TIMEOUT). ws has no such rule (it drops a peer past 60 unsent
   * pongs). Why 30 s: the wait starts only once over 16 KiB of pongs sit behind full kernel
   * buffers, which a peer that reads never causes; memory is flat meanwhile (reading is paused),
   * so nothing is gained by a shorter wait, while a peer that pings often behind a large
   * download on a slow link must not be cut; 30 s is also the connect timeout, the scale at
   * which WireKit calls a silent peer gone.
   */
  readonly outputStallTimeout?: number;
}

/** The options of an engine-based client's `connect` (framed, task, streams, socket): the common ones plus {@link EngineLimits}. */
export interface EngineConnectOptions extends ConnectOptions, EngineLimits {}

const LIMITS = ['maxMessageSize', 'maxFragments', 'maxControlBacklog', 'outputStallTimeout', 'receiveHighWaterMark', 'maxBufferedAmount'] as const satisfies ReadonlyArray<keyof EngineLimits>;

/**
 * The limits set in `options`, and only those (an unset one keeps its default), checked at once,
 * so that a bad one fails the connect or accept call, not the handshake's end.
 * @throws {WireKitUsageError} WK_ERR_INVALID_ARGUMENT for a limit that is not a number > 0.
 */
export function engineLimits(options: EngineLimits): EngineLimits {
  const limits: { -readonly [K in keyof EngineLimits]: EngineLimits[K] } = {};
  for (const name of LIMITS) {
    const value = options[name];
    if (value === undefined) continue;
    if (!(typeof value === 'number' && value > 0)) throw new WireKitUsageError('WK_ERR_INVALID_ARGUMENT', `${name} must be a number > 0`);
    limits[name] = value;
  }
  return limits;
}
