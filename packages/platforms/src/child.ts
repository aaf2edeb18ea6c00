/**
 * Child processes with a deadline: every runtime the platform tests start (Bun, Deno, a Node
 * child, Chromium through playwright-core) is bounded in time and killed by its PID when it
 * overstays or when the test gives up.
 */
import { spawn } from 'node:child_process';
import { killGroup as kill, trackGroup } from './process-groups.js';

/** How a bounded child ended. */
export interface ChildOutcome {
  readonly pid: number;
  /** Exit code, or null when a signal ended it. */
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly timedOut: boolean;
  readonly stdout: string;
  readonly stderr: string;
}

/** Options of {@link runBounded}. */
export interface RunBoundedOptions {
  readonly cwd?: string;
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Hard deadline: the child's process group is sent SIGKILL by id when it is reached. */
  readonly timeoutMs: number;
  /** Aborting kills the child by PID at once. */
  readonly signal?: AbortSignal;
}

const MAX_OUTPUT = 256 * 1024;


/**
 * Runs `command` with `args` and resolves when it exits, or once it has been killed by PID at
 * the deadline (`timedOut: true`). Never rejects for the child's own failure: the outcome says
 * what happened. Output beyond 256 KiB per stream is cut.
 *
 * @throws {Error} when the command cannot be started at all.
 */
export function runBounded(command: string, args: readonly string[], options: RunBoundedOptions): Promise<ChildOutcome> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, [...args], {
      cwd: options.cwd,
      env: { ...process.env, ...options.env } as NodeJS.ProcessEnv,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true, // its own process group, killed as one
    });
    const pid = child.pid;
    if (pid === undefined) {
      child.once('error', (error) => reject(new Error(`could not start ${command}: ${error.message}`)));
      return;
    }
    // The child leads its own process group: killing the group by its id (the child's PID)
    // also ends whatever it started (the .bin shims run the real binary as a child).
    const release = trackGroup(pid);
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => void (stdout.length < MAX_OUTPUT && (stdout += chunk)));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => void (stderr.length < MAX_OUTPUT && (stderr += chunk)));
    const timer = setTimeout(() => {
      timedOut = true;
      kill(pid);
    }, options.timeoutMs);
    const onAbort = (): void => kill(pid);
    options.signal?.addEventListener('abort', onAbort, { once: true });
    child.once('error', () => kill(pid));
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      release(); // kills anything the child left behind in its group
      options.signal?.removeEventListener('abort', onAbort);
      resolve({ pid, code, signal, timedOut, stdout, stderr });
    });
  });
}
