/**
 * Starts the server host (test/support/server-host.ts) in a runtime: bundled with esbuild for
 * the Node API, run as a child in its own process group (Node, Bun or Deno, the same command
 * lines as the client runners), bounded in time, and stopped by closing its stdin, or killed
 * by its group id when it does not stop.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { killGroup, trackGroup } from '../../src/process-groups.js';
import { bundleEntry, PLATFORMS_DIR } from './bundle.js';
import { commandFor } from './platform-run.js';
import type { HostReady } from './server-host.js';

/** The runtimes that host the server in the server columns. */
export type ServerRuntime = 'node' | 'bun' | 'deno';

/** Bound on the host's start (bundle excluded): a cold Deno start with a fresh DENO_DIR takes a few seconds. */
const READY_MS = 30_000;
/** Bound on a graceful stop once stdin is closed; then the group is killed. */
const STOP_MS = 10_000;
/** Bound on the host's whole life: every case of a runtime's run fits in it. */
export const HOST_LIFE_MS = 240_000;

/** A running host. */
export interface ServerHost {
  readonly pid: number;
  readonly ready: HostReady;
  /** Stops the host; resolves with how it ended and what it wrote on stderr. */
  stop(): Promise<{ readonly graceful: boolean; readonly code: number | null; readonly stderr: string }>;
}

/**
 * Bundles and starts the host in `runtime`.
 *
 * @throws {Error} with the child's stderr when it exits or says nothing within 30 s.
 */
export async function startServerHost(runtime: ServerRuntime): Promise<ServerHost> {
  const code = await bundleEntry('node', `import { hostServers } from ${JSON.stringify(join(PLATFORMS_DIR, 'test/support/server-host.ts'))};\nawait hostServers();`);
  const work = mkdtempSync(join(tmpdir(), `wirekit-server-${runtime}-`));
  const file = join(work, 'server-host.mjs');
  writeFileSync(file, code);
  const { command, args, env } = await commandFor(runtime, file, work);
  const child = spawn(command, args, { cwd: work, env: { ...process.env, ...env }, stdio: ['pipe', 'pipe', 'pipe'], detached: true });
  const pid = child.pid;
  if (pid === undefined) {
    rmSync(work, { recursive: true, force: true });
    throw new Error(`could not start ${command}`);
  }
  const release = trackGroup(pid);
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => void (stdout.length < 65_536 && (stdout += chunk)));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => void (stderr.length < 65_536 && (stderr += chunk)));
  child.stdin.on('error', () => undefined);
  const exited = new Promise<number | null>((resolve) => child.once('close', (exitCode) => resolve(exitCode)));
  const life = setTimeout(() => killGroup(pid), HOST_LIFE_MS);
  const finish = (): void => {
    clearTimeout(life);
    release();
    rmSync(work, { recursive: true, force: true });
  };
  const ready = await new Promise<HostReady | Error>((resolve) => {
    const timer = setTimeout(() => resolve(new Error(`the ${runtime} server host said nothing within ${READY_MS} ms`)), READY_MS);
    const onData = (): void => {
      const line = stdout.split('\n').find((candidate) => candidate.startsWith('{"kind":"ready"'));
      if (line === undefined) return;
      clearTimeout(timer);
      child.stdout.off('data', onData);
      resolve(JSON.parse(line) as HostReady);
    };
    child.stdout.on('data', onData);
    void exited.then((exitCode) => {
      clearTimeout(timer);
      resolve(new Error(`the ${runtime} server host exited with ${String(exitCode)} before it listened`));
    });
  });
  if (ready instanceof Error) {
    killGroup(pid);
    await exited;
    finish();
    throw new Error(`${ready.message}\nstdout: ${stdout.slice(-2_000)}\nstderr: ${stderr.slice(-2_000)}`);
  }
  return {
    pid,
    ready,
    async stop() {
      child.stdin.end();
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<'late'>((resolve) => {
        timer = setTimeout(() => resolve('late'), STOP_MS);
      });
      const outcome = await Promise.race([exited, late]);
      clearTimeout(timer);
      if (outcome === 'late') killGroup(pid);
      const exitCode = outcome === 'late' ? await exited : outcome;
      finish();
      return { graceful: outcome !== 'late', code: exitCode, stderr };
    },
  };
}
