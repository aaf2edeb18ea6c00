/** Starts chat-node.ts as a child process (killed by PID) and reads its `listening` line. */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export interface NodeProcess {
  readonly url: string;
  readonly pid: number;
  /** Lines it printed (`event outage`, …). */
  readonly lines: string[];
  /** Kills it (SIGKILL: a crash) and waits for the exit. */
  kill(): Promise<void>;
}

const script = fileURLToPath(new URL('./chat-node.ts', import.meta.url));
const started = new Set<ChildProcess>();

export async function startNodeProcess(redisUrl: string, window?: number): Promise<NodeProcess> {
  const args = ['--import', 'tsx', '--conditions', 'source', script, redisUrl, ...(window === undefined ? [] : [String(window)])];
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'], cwd: fileURLToPath(new URL('../..', import.meta.url)) });
  started.add(child);
  const lines: string[] = [];
  let errors = '';
  child.stderr!.on('data', (chunk: Buffer) => (errors += chunk.toString('utf8')));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`node process did not listen within 20 s: ${errors}`)), 20_000);
    let buffered = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      buffered += chunk.toString('utf8');
      let end: number;
      while ((end = buffered.indexOf('\n')) >= 0) {
        const line = buffered.slice(0, end);
        buffered = buffered.slice(end + 1);
        lines.push(line);
        if (line.startsWith('listening ')) {
          clearTimeout(timer);
          resolve(line.slice('listening '.length));
        }
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`node process exited (${String(code)}): ${errors}`));
    });
  });
  return {
    url,
    pid: child.pid!,
    lines,
    kill: () => stop(child),
  };
}

function stop(child: ChildProcess): Promise<void> {
  started.delete(child);
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  process.kill(child.pid!, 'SIGKILL');
  return exited;
}

/** Kills every node process still running (by PID). */
export async function stopAllNodeProcesses(): Promise<void> {
  await Promise.all([...started].map((child) => stop(child)));
}
