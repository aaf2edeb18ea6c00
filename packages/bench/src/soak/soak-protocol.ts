/** The stacks a soak compares: WireKit (WireKitServer + @wirekit/framed's connect) and ws (server + client). */
export type SoakTarget = 'wirekit' | 'ws';

/** What a soak run does. Every field has a default in {@link SOAK_DEFAULTS}. */
export interface SoakOptions {
  /** Concurrent client connections per target. */
  readonly connections: number;
  /** ms the clients exchange messages once all are connected. */
  readonly durationMs: number;
  /** ms between two messages of one client (each message is echoed by the server). */
  readonly intervalMs: number;
  /** Bytes of each message (text). */
  readonly messageSize: number;
  /** Connects in flight at once while ramping up, so the listen backlog never overflows. */
  readonly rampConcurrency: number;
  readonly targets: readonly SoakTarget[];
  /**
   * How WireKit is loaded: `'compiled'` (default) builds it with tsc first, so the run measures
   * the JavaScript users install; `'source'` runs the TypeScript sources through tsx, which is
   * faster to start but adds a keepNames property to every closure (about 3 KiB per connection).
   */
  readonly wirekit: 'compiled' | 'source';
}

/**
 * 2 000 connections for 60 s, one 64-byte message per client per second: enough connections
 * that per-connection memory dominates the process's fixed cost, a duration long enough for
 * timers, GC and buffers to reach a steady state, and a message rate low enough that the run
 * measures holding connections rather than throughput (the compare benchmark does that).
 */
export const SOAK_DEFAULTS: SoakOptions = {
  connections: 2_000,
  durationMs: 60_000,
  intervalMs: 1_000,
  messageSize: 64,
  rampConcurrency: 100,
  targets: ['wirekit', 'ws'],
  wirekit: 'compiled',
};

/** process.memoryUsage(), the fields a soak reports, after a forced GC. */
export interface MemorySample {
  readonly rss: number;
  readonly heapUsed: number;
  readonly external: number;
}

/** Memory of one side: before any connection, and with every connection held after the exchange. */
export interface SideMemory {
  readonly baseline: MemorySample;
  readonly loaded: MemorySample;
  /** (loaded − baseline) / connections held, in bytes. */
  readonly rssPerConnection: number;
  readonly heapPerConnection: number;
}

/** Counters of the server side. */
export interface ServerStats {
  /** Connections open when measured (at the end of the exchange). */
  readonly held: number;
  readonly peak: number;
  readonly accepted: number;
  readonly received: number;
  readonly errors: number;
  readonly errorSamples: readonly string[];
}

/** Counters of the client side. */
export interface ClientStats {
  readonly requested: number;
  /** Connections still open at the end of the exchange. */
  readonly held: number;
  readonly connectFailures: number;
  readonly sent: number;
  readonly echoed: number;
  readonly errors: number;
  readonly errorSamples: readonly string[];
  /** ms from the first connect to the last open. */
  readonly rampMs: number;
}

/** The outcome for one target. */
export interface SoakResult {
  readonly target: SoakTarget;
  readonly durationMs: number;
  readonly server: { readonly stats: ServerStats; readonly memory: SideMemory };
  readonly client: { readonly stats: ClientStats; readonly memory: SideMemory };
  /** Client and server errors together; 0 for a clean run. */
  readonly errors: number;
}

/** A whole run: the options used (after any cap) and one result per target. */
export interface SoakReport {
  readonly options: SoakOptions;
  /** The open-file limit seen, and what was done about it. */
  readonly fileLimit: { readonly soft: number; readonly hard: number; readonly note: string };
  readonly results: readonly SoakResult[];
}

/** Orchestrator → child. */
export type ToChild = { readonly type: 'measure' } | { readonly type: 'stop' };

/** Server child → orchestrator. */
export type FromServer =
  | { readonly type: 'listening'; readonly url: string; readonly baseline: MemorySample }
  | { readonly type: 'measured'; readonly loaded: MemorySample; readonly stats: ServerStats }
  | { readonly type: 'stopped'; readonly stats: ServerStats };

/** Client child → orchestrator. */
export type FromClient =
  | { readonly type: 'connected'; readonly stats: ClientStats }
  | { readonly type: 'measured'; readonly baseline: MemorySample; readonly loaded: MemorySample; readonly stats: ClientStats }
  | { readonly type: 'done'; readonly stats: ClientStats };

/** Forces a full collection when the process runs with --expose-gc, so that samples compare like with like. */
export function sampleMemory(): MemorySample {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc !== undefined) {
    gc();
    gc();
  }
  const { rss, heapUsed, external } = process.memoryUsage();
  return { rss, heapUsed, external };
}

/** Keeps the first few error messages, for the report. */
export class ErrorLog {
  count = 0;
  readonly samples: string[] = [];

  add(error: unknown): void {
    this.count += 1;
    if (this.samples.length < 5) this.samples.push(error instanceof Error ? `${(error as { code?: string }).code ?? error.name}: ${error.message}` : String(error));
  }
}
