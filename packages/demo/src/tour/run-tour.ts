/**
 * The tour itself: one function, written once against the shared `Connection`, run over each of
 * the five transports against an embedded WireKitServer on loopback. Nothing in it knows which
 * transport it holds; that is the point WireKit makes.
 */
import { CodecService, jsonCodec, type CloseInfo, type Connection, type ConnectionFactory } from '@wirekit/core';
import { WireKitServer } from '@wirekit/server';
import { bounded, describeError } from '../bounded.js';
import { TRANSPORTS, type Transport, type TransportName } from '../transports.js';

/** How one transport did. `ok` is true only when every step worked and the close was clean 1000. */
export interface TransportResult {
  readonly transport: TransportName;
  readonly iosOriginal: string;
  readonly ok: boolean;
  /** The first failure, as `WK_ERR_…: message`; null when `ok`. */
  readonly error: string | null;
  /** The first connect of this transport in the process: module loading and JIT included. */
  readonly coldConnectMs: number | null;
  /** A connect after that one: what an app pays for each new connection. */
  readonly connectMs: number | null;
  readonly text: boolean;
  readonly binary: boolean;
  readonly json: boolean;
  /** Echo round trips completed in the bounded loop, and their rate. */
  readonly roundTrips: number;
  readonly roundTripsPerSecond: number | null;
  /** Ping RTT in ms, or null with `pingError` (WK_ERR_UNSUPPORTED where a platform cannot ping). */
  readonly pingMs: number | null;
  readonly pingError: string | null;
  readonly close: CloseInfo | null;
}

/** Options of {@link runTour}. */
export interface TourOptions {
  /** Where the per-transport log goes, one line at a time. Defaults to nowhere. */
  readonly log?: (line: string) => void;
  /** Which transports to tour; defaults to all five. */
  readonly transports?: readonly Transport[];
  /** Most echo round trips in the timing loop; 300 by default, enough for a stable rate on loopback. */
  readonly roundTrips?: number;
  /** Longest the timing loop runs, in ms; 1 000 by default, so a slow machine still finishes quickly. */
  readonly loopBudgetMs?: number;
  /**
   * Open and close one untimed connection per transport first, so that `connectMs` is not
   * mostly module loading and JIT (the adapter loads `ws` on its first connect). Default true.
   */
  readonly warmUp?: boolean;
  /** Bound on each single step (connect, one echo, ping, close); 5 000 ms by default. */
  readonly stepTimeoutMs?: number;
}

/** What {@link runTour} returns. */
export interface TourResult {
  /** The embedded echo server's URL (closed again by the time the tour returns). */
  readonly serverUrl: string;
  readonly results: readonly TransportResult[];
  /** Echoes the server could not send back (never dropped silently). */
  readonly serverErrors: readonly string[];
}

/** What {@link exercise} measured so far; filled in step by step, so a failure keeps what came before. */
export interface TourSteps {
  coldConnectMs: number | null;
  connectMs: number | null;
  text: boolean;
  binary: boolean;
  json: boolean;
  roundTrips: number;
  roundTripsPerSecond: number | null;
  pingMs: number | null;
  pingError: string | null;
  close: CloseInfo | null;
}

const BINARY = Uint8Array.from([0xde, 0xad, 0xbe, 0xef, 0x00, 0x01, 0x02, 0x03]);
const JSON_VALUE = { kind: 'tour', transports: 5, nested: { ok: true, list: [1, 2, 3] } };

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((byte, i) => byte === b[i]);
}

/** Runs the tour: starts the echo server, visits each transport, closes the server. */
export async function runTour(options: TourOptions = {}): Promise<TourResult> {
  const log = options.log ?? ((): void => undefined);
  const serverErrors: string[] = [];
  const server = new WireKitServer({ host: '127.0.0.1', port: 0, path: '/echo' });
  server.on('connection', (connection) => {
    connection.on('message', (message) => {
      connection.send(message).catch((error: unknown) => serverErrors.push(`echo to ${connection.url}: ${describeError(error)}`));
    });
  });
  server.on('error', (error) => serverErrors.push(describeError(error)));
  const { url } = await server.listen();
  log(`echo server (WireKitServer, @wirekit/server) on ${url}`);
  const results: TransportResult[] = [];
  try {
    for (const transport of options.transports ?? TRANSPORTS) {
      log('');
      log(`${transport.name} (@wirekit/${transport.name}, as ${transport.iosOriginal})`);
      results.push(await tourOne(transport, url, options, (line) => log(`  ${line}`)));
    }
  } finally {
    await bounded(server.close(), 10_000, 'closing the echo server');
  }
  return { serverUrl: url, results, serverErrors };
}

async function tourOne(transport: Transport, url: string, options: TourOptions, log: (line: string) => void): Promise<TransportResult> {
  const steps: TourSteps = { coldConnectMs: null, connectMs: null, text: false, binary: false, json: false, roundTrips: 0, roundTripsPerSecond: null, pingMs: null, pingError: null, close: null };
  let error: string | null = null;
  try {
    if (options.warmUp ?? true) steps.coldConnectMs = await warmUp(transport.connect, url, options.stepTimeoutMs ?? 5_000, log);
    await exercise(transport.connect, url, options, steps, log);
  } catch (failure) {
    error = describeError(failure);
    log(`FAILED: ${error}`);
  }
  const cleanClose = steps.close !== null && steps.close.code === 1000 && steps.close.wasClean;
  if (error === null && !cleanClose) error = `the close was not clean 1000: ${JSON.stringify(steps.close)}`;
  const ok = error === null && steps.text && steps.binary && steps.json && steps.roundTrips > 0;
  return { transport: transport.name, iosOriginal: transport.iosOriginal, ok, error, ...steps };
}

/** Opens and closes one connection; returns how long the connect took. */
async function warmUp(connect: ConnectionFactory, url: string, step: number, log: (line: string) => void): Promise<number> {
  const started = performance.now();
  const connection = await bounded(connect(url, { connectTimeout: step }), step + 1_000, 'warm-up connect');
  const ms = performance.now() - started;
  try {
    await bounded(connection.close(1000, 'warm-up'), step, 'warm-up close');
  } finally {
    if (connection.state !== 'closed') connection.terminate();
  }
  log(`first connect ${ms.toFixed(1)} ms (module loading and JIT included; not timed below)`);
  return ms;
}

/**
 * THE function the tour is about: it takes a ConnectionFactory and uses only the shared
 * Connection interface. Any transport's `connect` can be passed in.
 */
export async function exercise(connect: ConnectionFactory, url: string, options: TourOptions, steps: TourSteps, log: (line: string) => void): Promise<void> {
  const step = options.stepTimeoutMs ?? 5_000;
  const started = performance.now();
  const connection: Connection = await bounded(connect(url, { connectTimeout: step }), step + 1_000, 'connect');
  steps.connectMs = performance.now() - started;
  log(`connected in ${steps.connectMs.toFixed(1)} ms (state ${connection.state})`);
  try {
    await connection.send('hello, WireKit');
    const text = await bounded(connection.receive(), step, 'text echo');
    steps.text = text === 'hello, WireKit';
    log(`text   → ${JSON.stringify('hello, WireKit')} ← ${JSON.stringify(text)}`);

    await connection.send(BINARY);
    const binary = await bounded(connection.receive(), step, 'binary echo');
    steps.binary = binary instanceof Uint8Array && sameBytes(binary, BINARY);
    log(`binary → ${BINARY.length} bytes ← ${binary instanceof Uint8Array ? `${binary.length} bytes, intact: ${String(steps.binary)}` : 'text?!'}`);

    // Core's typed JSON codec service encodes; the echo comes back through the same codec.
    await new CodecService<typeof JSON_VALUE>(connection).send(JSON_VALUE);
    const value = jsonCodec.decode(await bounded(connection.receive(), step, 'JSON echo'));
    steps.json = JSON.stringify(value) === JSON.stringify(JSON_VALUE);
    log(`JSON   → CodecService.send(${JSON.stringify(JSON_VALUE)}) ← equal: ${String(steps.json)}`);

    await roundTripLoop(connection, options, steps, step);
    log(`echo   ${steps.roundTrips} round trips, ${Math.round(steps.roundTripsPerSecond ?? 0)}/s`);

    try {
      steps.pingMs = await bounded(connection.ping(new TextEncoder().encode('tour')), step, 'ping');
      log(`ping   ${steps.pingMs.toFixed(2)} ms`);
    } catch (failure) {
      // A transport that cannot ping says so (WK_ERR_UNSUPPORTED); that is reported, not a failure.
      steps.pingError = describeError(failure);
      log(`ping   not available: ${steps.pingError}`);
      if ((failure as { code?: unknown }).code !== 'WK_ERR_UNSUPPORTED') throw failure;
    }

    steps.close = await bounded(connection.close(1000, 'tour over'), step, 'close');
    log(`close  ${steps.close.code} ${JSON.stringify(steps.close.reason)} clean: ${String(steps.close.wasClean)}`);
  } finally {
    if (connection.state !== 'closed') connection.terminate();
  }
}

async function roundTripLoop(connection: Connection, options: TourOptions, steps: TourSteps, step: number): Promise<void> {
  const most = options.roundTrips ?? 300;
  const budget = options.loopBudgetMs ?? 1_000;
  const started = performance.now();
  let elapsed = 0;
  while (steps.roundTrips < most && elapsed < budget) {
    const payload = `rt ${String(steps.roundTrips)}`;
    await connection.send(payload);
    const echo = await bounded(connection.receive(), step, `round trip ${String(steps.roundTrips)}`);
    if (echo !== payload) throw new Error(`round trip ${String(steps.roundTrips)} came back as ${JSON.stringify(echo)}`);
    steps.roundTrips += 1;
    elapsed = performance.now() - started;
  }
  steps.roundTripsPerSecond = elapsed > 0 ? (steps.roundTrips * 1000) / elapsed : null;
}
