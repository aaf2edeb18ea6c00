import type { Connection, ConnectionFactory, ConnectOptions } from '@wirekit/core';
import { expect } from './assert.js';
import type { ContractServer, ServerPeer } from './contract-server.js';

/**
 * The features the contract checks, one name per group of cases. A transport that cannot offer
 * one (a browser cannot set request headers) lists it in `skip` with its reason.
 */
export const CONFORMANCE_FEATURES = [
  'connect',
  'echo',
  'text-as-bytes',
  'large-message',
  'fragmented',
  'ping',
  'subprotocol',
  'subprotocol-declined',
  'headers',
  'max-message-size',
  'ordering',
  'concurrency',
  'client-close',
  'server-close',
  'abrupt-drop',
  'terminate',
  'send-after-close',
  'usage-errors',
  'refused',
  'dns',
  'connect-timeout',
  'abort',
  'delayed-handshake',
  'handshake-status',
  'close-timeout',
  'invalid-utf8',
  'drop-mid-frame',
  'slow-reader',
  'keep-alive',
  'deliver-before-fail',
  'deliver-before-fail-async',
  'fault-error-code',
  'utf8-fail-fast',
  'early-messages',
] as const;

/** One feature of {@link CONFORMANCE_FEATURES}. */
export type ConformanceFeature = (typeof CONFORMANCE_FEATURES)[number];

/** What every case gets: the factory under test, wrapped so that each connection is cleaned up. */
export interface CaseContext {
  readonly factory: ConnectionFactory;
  /** Calls the factory; a connection it resolves with is terminated after the case. */
  connect(url: string, options?: ConnectOptions): Promise<Connection>;
}

/** Where a contract server sends a connection: echo every message, only record, or refuse with 403. */
export type Route = 'echo' | 'idle' | 'forbidden';

/** A connection opened on a contract server, with the server's side of it. */
export interface Opened {
  readonly connection: Connection;
  readonly url: string;
  /** The server's side of this connection. */
  peer(): Promise<ServerPeer>;
}

/** What the cases run against a contract server get. */
export interface TargetContext extends CaseContext {
  readonly server: ContractServer;
  /** A fresh URL on the server, under `route`, unique to this call. */
  url(route: Route): string;
  /** Connects to a fresh URL under `route`. */
  open(route: Route, options?: ConnectOptions): Promise<Opened>;
}

/** One contract case: a behaviour sentence, the feature it belongs to, and its body. */
export interface ContractCase<Context extends CaseContext> {
  readonly feature: ConformanceFeature;
  readonly title: string;
  /** Bound on the whole case; 15 s unless given (loopback cases take milliseconds). */
  readonly timeoutMs?: number;
  run(context: Context): Promise<void>;
}

/** The bound on a single wait inside a case: long enough for a loaded CI machine. */
export const WAIT_MS = 5_000;

/**
 * Checks how a connection the client failed (RFC 6455 §7.1.7) was reported: not clean, with
 * the failure's close code — or 1006, since §7.1.5 makes the code 1006 when no Close came back
 * and browsers (WHATWG "fail the WebSocket connection") and ws report that. The reason is
 * always on the `error` event, and the peer sees the failure's code on the wire.
 */
export function expectFailedWith(info: { readonly code: number; readonly wasClean: boolean }, code: number): void {
  expect([code, ABNORMAL_CLOSURE]).toContain(info.code);
  expect(info.wasClean).toBe(false);
}

/** 1006: reported locally when the connection ended without a Close frame (RFC 6455 §7.1.5). */
export const ABNORMAL_CLOSURE = 1006;

/** Deterministic bytes 0, 1, …, 255, 0, … of length `size`. */
export function pattern(size: number): Uint8Array {
  const bytes = new Uint8Array(size);
  for (let i = 0; i < size; i++) bytes[i] = i & 0xff;
  return bytes;
}

/** A plain Uint8Array view of binary message bytes (Buffers compare unequal to Uint8Arrays in deep equality). */
export function plain(bytes: Uint8Array): Uint8Array {
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

export { sameBytes } from './runtime.js';
