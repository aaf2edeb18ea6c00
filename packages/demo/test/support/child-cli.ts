/**
 * One of the demo's command-line programs as a real child process (node + tsx, on the sources),
 * with every wait bounded and the child killed by its PID if it overstays.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * A command line runs with the environment of a user's terminal: without CI, which pnpm reads to
 * print an ELIFECYCLE line when a child ends by a signal (the tests themselves run under CI).
 */
const AS_A_USER: NodeJS.ProcessEnv = Object.fromEntries(Object.entries(process.env).filter(([name]) => name !== 'CI'));

const DEMO_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
/** The repository root, where the README's `pnpm …` commands run. */
export const REPO_DIR = join(DEMO_DIR, '..', '..');

/**
 * How to start pnpm: the pnpm that runs these tests (npm_execpath, set by `pnpm test` and
 * `pnpm vitest`), else `pnpm` on PATH.
 */
function pnpmCommand(): { command: string; args: string[] } {
  const execPath = process.env.npm_execpath;
  if (execPath !== undefined && /pnpm\.c?js$/.test(execPath)) return { command: process.execPath, args: [execPath] };
  return { command: 'pnpm', args: [] };
}

export class ChildCli {
  readonly lines: string[] = [];
  readonly errors: string[] = [];
  readonly #child: ChildProcessWithoutNullStreams;
  readonly #exited: Promise<number | null>;
  #waiters: Array<() => void> = [];

  readonly #group: boolean;

  /**
   * Starts `src/<script>` with `args`; with `{ pnpm: args }` the command `pnpm <args…>` at the
   * repository root, as a user types it; with `{ bin: name }` the program bin/<name>. The last two
   * run in their own process group, so that {@link interrupt} reaches pnpm and everything under
   * it, as Ctrl-C in a terminal does; so does `{ shell: line }`, a command line run by bash at
   * the repository root, as a reader pastes it from the docs.
   */
  constructor(script: string | { readonly pnpm: readonly string[] } | { readonly bin: string } | { readonly shell: string }, args: readonly string[] = []) {
    if (typeof script === 'object' && 'shell' in script) {
      this.#group = true;
      this.#child = spawn('bash', ['-c', script.shell], { cwd: REPO_DIR, stdio: 'pipe', detached: true, env: AS_A_USER });
    } else if (typeof script === 'string') {
      this.#group = false;
      this.#child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', join(DEMO_DIR, 'src', script), ...args], { cwd: DEMO_DIR, stdio: 'pipe' });
    } else if ('bin' in script) {
      this.#group = true;
      this.#child = spawn(process.execPath, [join(DEMO_DIR, 'bin', script.bin), ...args], { cwd: REPO_DIR, stdio: 'pipe', detached: true });
    } else {
      this.#group = true;
      const pnpm = pnpmCommand();
      this.#child = spawn(pnpm.command, [...pnpm.args, ...script.pnpm], { cwd: REPO_DIR, stdio: 'pipe', detached: true });
    }
    this.#exited = new Promise((resolve) => this.#child.once('exit', (code) => resolve(code)));
    const collect = (into: string[]) => {
      let rest = '';
      return (chunk: Buffer): void => {
        const parts = (rest + chunk.toString('utf8')).split('\n');
        rest = parts.pop() ?? '';
        into.push(...parts);
        for (const wake of this.#waiters) wake();
      };
    };
    this.#child.stdout.on('data', collect(this.lines));
    this.#child.stderr.on('data', collect(this.errors));
  }

  get pid(): number | undefined {
    return this.#child.pid;
  }

  /** Sends one line to the child's stdin. */
  write(line: string): void {
    this.#child.stdin.write(`${line}\n`);
  }

  /** Ends the child's stdin. */
  endInput(): void {
    this.#child.stdin.end();
  }

  /** Waits for a stdout line matching `pattern`; returns it. */
  async waitForLine(pattern: RegExp, ms = 15_000): Promise<string> {
    const deadline = Date.now() + ms;
    for (;;) {
      const found = this.lines.find((line) => pattern.test(line));
      if (found !== undefined) return found;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no line matching ${String(pattern)} within ${String(ms)} ms; stdout: ${JSON.stringify(this.lines)} stderr: ${JSON.stringify(this.errors.slice(-10))}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(left, 250));
        this.#waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
      this.#waiters = [];
    }
  }

  /** Waits for the child to exit; returns its exit code, or throws (and kills it) after `ms`. */
  async exitCode(ms = 15_000): Promise<number | null> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        this.kill();
        reject(new Error(`the child did not exit within ${String(ms)} ms; stdout: ${JSON.stringify(this.lines)}`));
      }, ms);
    });
    try {
      return await Promise.race([this.#exited, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Sends `signal` to the child by its PID (SIGTERM: the graceful stop a service manager asks for). */
  signal(signal: NodeJS.Signals): void {
    if (this.#child.pid !== undefined && this.#child.exitCode === null) process.kill(this.#child.pid, signal);
  }

  /** Ctrl-C in a terminal: SIGINT to the child's whole process group (pnpm and what it runs). */
  interrupt(): void {
    if (!this.#group) throw new Error('interrupt() needs a child in its own process group ({ pnpm: [...] })');
    if (this.#child.pid !== undefined && this.#child.exitCode === null) process.kill(-this.#child.pid, 'SIGINT');
  }

  /** Kills the child (its process group, for a pnpm command) by its PID if it is still running. */
  kill(): void {
    if (this.#child.exitCode === null && this.#child.signalCode === null && this.#child.pid !== undefined) {
      try {
        process.kill(this.#group ? -this.#child.pid : this.#child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  }
}
