import { isUtf8 } from 'node:buffer';
import { randomFillSync, createHash } from 'node:crypto';
import type { Socket } from 'node:net';
import {
  framedConnection,
  toWireKitError,
  type ByteChannel,
  openClientConnection,
  randomPool,
  socketChannel,
  systemClock,
  type Clock,
  type Connection,
  type ConnectOptions,
  type EngineConnectOptions,
  type EngineConnection,
  type MessageFramer,
} from '@wirekit/core';
import { dialSocket, startDial, type DialOptions } from './dial-socket.js';
import { sharedHttp2Pool } from './http2-session-pool.js';

import type { DialTarget } from './nw-endpoint.js';

/** A connection that is up, with the socket under it (for paths and endpoints). */
export type OpenedTransport =
  | { readonly kind: 'websocket'; readonly connection: EngineConnection; readonly socket: Socket }
  | { readonly kind: 'framed'; readonly connection: Connection; readonly socket: Socket };

/** The default connect + handshake budget, core's `connectTimeout` default (30 s). */
export const DEFAULT_CONNECT_TIMEOUT = 30_000;

/** Node's CSPRNG, for Sec-WebSocket-Key and masking keys: drawn from a pooled block (core's randomPool), one `randomFillSync` per 8 KiB. */
export const nodeRandom: (size: number) => Uint8Array = randomPool((bytes) => randomFillSync(bytes));
/** Node's pooled, uninitialised allocation for the engine's frame buffers (every byte is written before use). */
export const nodeAllocate = (size: number): Uint8Array => Buffer.allocUnsafe(size);
/** Node's SHA-1, for Sec-WebSocket-Accept. */
export const nodeSha1 = (data: Uint8Array): Uint8Array => new Uint8Array(createHash('sha1').update(data).digest());

/** Socket-level settings beyond core's ConnectOptions. */
export interface SocketSettings {
  readonly noDelay?: boolean;
  readonly keepAliveDelay?: number | undefined;
  readonly localAddress?: string | undefined;
  readonly localPort?: number | undefined;
  readonly clock?: Clock;
}

function dialOptions(target: DialTarget, options: ConnectOptions, settings: SocketSettings, secure: boolean, timeout: number): DialOptions {
  return {
    host: target.host,
    port: target.port,
    tls: secure ? (options.tls ?? {}) : null,
    timeout,
    signal: options.signal,
    ...settings,
  };
}

/**
 * Dials TCP/TLS and runs the client handshake (core's `openClientConnection`). The one
 * `connectTimeout` budget covers both: the handshake gets what the dial left.
 */
export async function openWebSocket(
  target: DialTarget,
  secure: boolean,
  options: EngineConnectOptions & { readonly skipHandshake?: boolean },
  settings: SocketSettings = {},
): Promise<OpenedTransport & { kind: 'websocket' }> {
  const clock = settings.clock ?? systemClock;
  const budget = options.connectTimeout ?? DEFAULT_CONNECT_TIMEOUT;
  const started = clock.now();
  const dial = dialOptions(target, options, settings, secure, budget);
  const handshake = (channel: ByteChannel, connectTimeout: number): Promise<EngineConnection> =>
    // Object.assign, not `{ ...options, url, … }`: V8 (Node 20) takes a slow path for a spread of
    // the caller's options followed by more fields, ~4 µs per connect given any option.
    openClientConnection(channel, Object.assign({}, options, { url: target.url, random: nodeRandom, sha1: nodeSha1, isUtf8, allocate: nodeAllocate, clock, connectTimeout }));
  if (!secure && options.http2 !== true && options.skipHandshake !== true && options.signal?.aborted !== true) return openEarly(dial, handshake, budget);
  const route = options.http2 === true && options.skipHandshake !== true ? await sharedHttp2Pool.route(dial) : null;
  // After a probe that fell back, the HTTP/1.1 dial gets what the probe left of the budget.
  const socket = route?.socket ?? (await dialSocket(route === null ? dial : { ...dial, timeout: Math.max(1, budget - (clock.now() - started)) }));
  const connection = await handshake(route?.kind === 'h2' ? route.channel : socketChannel(socket), Math.max(1, budget - (clock.now() - started)));
  return { kind: 'websocket', connection, socket };
}

/**
 * Plain TCP: the upgrade request is written as soon as the socket exists (Node sends it the
 * moment TCP is up), so the handshake's setup runs while the connection opens instead of after
 * it. Only without TLS: over TLS the request waits for the server's certificate (and the
 * `verifyPeer` pin). A dial that fails rejects with the dial's error, as before; the
 * handshake's own rejection is then only the echo of the destroyed socket.
 */
async function openEarly(dial: DialOptions, handshake: (channel: ByteChannel, connectTimeout: number) => Promise<EngineConnection>, budget: number): Promise<OpenedTransport & { kind: 'websocket' }> {
  const dialing = startDial(dial);
  let opening: Promise<EngineConnection>;
  try {
    opening = handshake(socketChannel(dialing.socket), budget);
  } catch (error) {
    // A bad option: the dial is given up (its timer cleared), its rejection already answered.
    dialing.connected.catch(() => undefined);
    dialing.cancel(toWireKitError(error));
    throw error;
  }
  opening.catch(() => undefined);
  const socket = await dialing.connected;
  return { kind: 'websocket', connection: await opening, socket };
}

/** Dials TCP/TLS and frames messages over it with `framer` (core's `framedConnection`). */
export async function openFramed(
  target: DialTarget,
  secure: boolean,
  framer: MessageFramer,
  options: ConnectOptions,
  settings: SocketSettings = {},
): Promise<OpenedTransport & { kind: 'framed' }> {
  const socket = await dialSocket(dialOptions(target, options, settings, secure, options.connectTimeout ?? DEFAULT_CONNECT_TIMEOUT));
  return { kind: 'framed', connection: framedConnection(socketChannel(socket), framer, { url: target.url }), socket };
}

/**
 * A framer for a raw TCP byte stream: every chunk read is one "message", every send goes out
 * as is. It gives `NWParameters.tcp` with no application protocol a Connection to run on.
 */
export function streamFramer(): MessageFramer {
  return {
    encode: (message) => [message],
    // An empty push asks for pending messages (MessageFramer's contract): a stream has none.
    push: (chunk) => (chunk.length === 0 ? [] : [chunk]),
  };
}
