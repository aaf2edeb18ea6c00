// The parent's side of a victim child process: starts it with a small heap, asks for its
// memory and CPU, waits for its reports, and kills it (by its own PID) when done.
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { VictimClose, VictimConfig, VictimReport, VictimRequest } from './victim.js';

/** Heap limit of a victim: small, so that growth without bound kills it within the attack's time. */
export const VICTIM_HEAP_MIB = 96;

/** The source entry of a workspace package, for a victim to import (conformance does not depend on the transports, which depend on it). */
export function packageEntry(name: 'framed' | 'task' | 'streams' | 'socket' | 'permessage-deflate'): string {
  return fileURLToPath(new URL(`../../../${name}/src/index.ts`, import.meta.url));
}

/** Memory of a victim after a forced GC. */
export interface VictimMemory {
  readonly heapUsed: number;
  readonly external: number;
  readonly rss: number;
  /** Peak RSS of the process so far. */
  readonly maxRss: number;
}

/** A running victim. */
export class VictimProcess {
  private readonly reports: VictimReport[] = [];
  private readonly waiters: Array<() => void> = [];
  private exit: { code: number | null; signal: string | null } | null = null;
  private stderr = '';

  private constructor(private readonly child: ChildProcess) {
    child.on('message', (report: VictimReport) => {
      this.reports.push(report);
      for (const wake of this.waiters.splice(0)) wake();
    });
    child.stderr?.on('data', (chunk: Buffer) => (this.stderr = (this.stderr + chunk.toString()).slice(-4000)));
    child.on('exit', (code, signal) => {
      this.exit = { code, signal };
      for (const wake of this.waiters.splice(0)) wake();
    });
  }

  /** Starts a victim and waits until it is ready (a server listening, a client about to connect). */
  static async start(config: VictimConfig, heapMiB = VICTIM_HEAP_MIB): Promise<VictimProcess & { port: number }> {
    const entry = fileURLToPath(new URL('./victim.ts', import.meta.url));
    const child = fork(entry, [JSON.stringify(config)], {
      execArgv: ['--conditions=source', '--import', 'tsx', '--expose-gc', `--max-old-space-size=${heapMiB}`],
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    });
    const victim = new VictimProcess(child);
    const ready = await victim.next((r): r is Extract<VictimReport, { type: 'ready' }> => r.type === 'ready', 20_000, 'the victim to start');
    return Object.assign(victim, { port: ready.port });
  }

  /** Whether the process is still running (a heap out of memory kills it). */
  get alive(): boolean {
    return this.exit === null;
  }

  /** What the victim printed on stderr last (a heap out of memory message, say). */
  get lastError(): string {
    return this.stderr;
  }

  /** Memory after two forced GCs. */
  async memory(): Promise<VictimMemory> {
    this.ask({ type: 'memory' });
    return this.next((r): r is Extract<VictimReport, { type: 'memory' }> => r.type === 'memory', 10_000, 'the victim to measure its memory');
  }

  /** CPU time (ms) the victim uses during the next `windowMs`. */
  async cpu(windowMs: number): Promise<number> {
    this.ask({ type: 'cpu', windowMs });
    return (await this.next((r): r is Extract<VictimReport, { type: 'cpu' }> => r.type === 'cpu', windowMs + 10_000, 'the victim to measure its CPU')).ms;
  }

  /** A relaying server's broadcast failures so far, by error code, and how many connections they were for. */
  async failures(): Promise<{ readonly codes: Readonly<Record<string, number>>; readonly connections: number }> {
    this.ask({ type: 'failures' });
    const { codes, connections } = await this.next((r): r is Extract<VictimReport, { type: 'failures' }> => r.type === 'failures', 10_000, 'the victim to report its broadcast failures');
    return { codes, connections };
  }

  /** The next connection the victim reports closed. */
  async closed(ms: number): Promise<VictimClose> {
    return (await this.next((r): r is Extract<VictimReport, { type: 'closed' }> => r.type === 'closed', ms, 'the victim to report a close')).close;
  }

  /** Resolves once a client victim's connect resolved and its listeners are attached. */
  async connected(ms: number): Promise<void> {
    await this.next((r): r is Extract<VictimReport, { type: 'connected' }> => r.type === 'connected', ms, 'the client victim to connect');
  }

  /** The error code of a client victim's failed connect. */
  async connectFailed(ms: number): Promise<string> {
    return (await this.next((r): r is Extract<VictimReport, { type: 'connect-failed' }> => r.type === 'connect-failed', ms, 'the victim to report a failed connect')).code;
  }

  /** How a client victim's connect settled: null once it resolved, or the error code it rejected with. */
  async connectSettled(ms: number): Promise<string | null> {
    const report = await this.next((r): r is Extract<VictimReport, { type: 'connected' | 'connect-failed' }> => r.type === 'connected' || r.type === 'connect-failed', ms, 'the client victim to connect or fail');
    return report.type === 'connect-failed' ? report.code : null;
  }

  private ask(request: VictimRequest): void {
    if (this.exit !== null || !this.child.connected) throw new Error(`the victim died (${String(this.exit?.code ?? this.exit?.signal)}): ${this.stderr.slice(-600)}`);
    this.child.send(request);
  }

  /** Ends the victim (its own PID only). */
  stop(): void {
    if (this.exit === null) this.child.kill('SIGKILL');
  }

  /** Takes the first report (oldest first) that matches, waiting up to `ms`. */
  private async next<R extends VictimReport>(match: (report: VictimReport) => report is R, ms: number, what: string): Promise<R> {
    const deadline = Date.now() + ms;
    for (;;) {
      const index = this.reports.findIndex(match);
      if (index !== -1) return this.reports.splice(index, 1)[0] as R;
      if (this.exit !== null) throw new Error(`the victim exited (${String(this.exit.code ?? this.exit.signal)}) while waiting for ${what}: ${this.stderr.slice(-600)}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }
}
