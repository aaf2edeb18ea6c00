/**
 * Runs the contract suite in one runtime: bundles the runners, serves the contract servers
 * from this Node process, starts the runtime (a Chromium page, a Bun, Deno or Node child) and
 * collects one report per target. Everything it starts is bounded and closed.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serveContractEnvironment, type ContractReport, type EnvironmentServer } from '@wirekit/conformance';
import { bundleRunner, type RunnerBundle } from './bundle.js';
import { openInChromium, runBounded, type ChildOutcome } from '../../src/index.js';
import type { RunnerDone, RunnerMessage, TargetRun } from './runner.js';
import type { Flavor, PlatformTarget, Runtime } from './targets.js';
import { runtimeBinary } from './runtimes.js';

/** What became of one target in one runtime. */
export interface TargetOutcome {
  readonly target: PlatformTarget;
  /** `ran`: the suite ran (see the report); `unavailable`: the package does not export or bundle it yet; `no-report`: the runtime ended without reporting it. */
  readonly status: 'ran' | 'unavailable' | 'no-report';
  readonly reason?: string;
  readonly report?: ContractReport;
  /** Rejections nobody handled while its suite ran. */
  readonly unhandled?: readonly string[];
}

/** The outcome of a runtime's run. */
export interface PlatformResult {
  readonly runtime: Runtime;
  /** The runtime's own version string. */
  readonly version: string;
  readonly outcomes: readonly TargetOutcome[];
  /** Child output, console lines and runner errors, for failure messages. */
  readonly diagnostics: string;
}

/** The flavors of runner each runtime runs. */
export const RUNTIME_FLAVORS: Readonly<Record<Runtime, readonly Flavor[]>> = {
  node: ['node'],
  chromium: ['web'],
  bun: ['web', 'node'],
  deno: ['web', 'node'],
};

/** Bound on one runtime's whole run of one flavor. */
const FLAVOR_MS = 150_000;

function page(): string {
  return '<!doctype html><meta charset="utf-8"><title>WireKit platform runner</title><script type="module" src="/runner.js"></script>';
}

/** The command line that runs `file` in `runtime`. */
export async function commandFor(runtime: Exclude<Runtime, 'chromium'>, file: string, work: string): Promise<{ command: string; args: string[]; env: Record<string, string> }> {
  switch (runtime) {
    case 'node':
      // Node 20 has a global WebSocket (for the control channel) only behind this flag; 22+ by default.
      return { command: process.execPath, args: [...(typeof globalThis.WebSocket === 'undefined' ? ['--experimental-websocket'] : []), file], env: {} };
    case 'bun':
      return { command: await runtimeBinary('bun'), args: ['--no-install', file], env: { BUN_RUNTIME_TRANSPILER_CACHE_PATH: '0' } };
    case 'deno':
      return {
        command: await runtimeBinary('deno'),
        args: ['run', '--allow-net', '--allow-env', '--allow-read', '--allow-sys', '--no-config', '--no-prompt', '--quiet', file],
        env: { DENO_DIR: join(work, 'deno-dir'), DENO_NO_UPDATE_CHECK: '1', NO_COLOR: '1' },
      };
  }
}

function tail(text: string, size = 2_000): string {
  return text.length > size ? `…${text.slice(-size)}` : text;
}

/** Waits for the runner's `done` of a flavor; bounded. */
function doneOf(dones: Map<Flavor, RunnerDone>, flavor: Flavor, ms: number): Promise<RunnerDone | undefined> {
  const deadline = Date.now() + ms;
  return new Promise((resolve) => {
    const poll = (): void => {
      const done = dones.get(flavor);
      if (done !== undefined || Date.now() > deadline) resolve(done);
      else setTimeout(poll, 50);
    };
    poll();
  });
}

/**
 * Runs every available target of `runtime` and returns what happened to each.
 *
 * @param only target ids to run (all by default).
 */
export async function runInRuntime(runtime: Runtime, only?: readonly string[]): Promise<PlatformResult> {
  const bundles: RunnerBundle[] = await Promise.all(RUNTIME_FLAVORS[runtime].map((flavor) => bundleRunner(flavor, only)));
  const runs: TargetRun[] = [];
  const dones = new Map<Flavor, RunnerDone>();
  const diagnostics: string[] = [];
  const web = bundles.find((bundle) => bundle.flavor === 'web');
  let server: EnvironmentServer | undefined;
  const work = mkdtempSync(join(tmpdir(), `wirekit-${runtime}-`));
  try {
    server = await serveContractEnvironment({
      files: web === undefined ? {} : { '/': { type: 'text/html', body: page() }, '/runner.js': { type: 'text/javascript', body: web.code }, '/favicon.ico': { type: 'image/x-icon', body: '' } },
      onReport: (payload) => {
        const message = payload as RunnerMessage;
        if (message.kind === 'target') runs.push(message);
        else dones.set(message.flavor, message);
      },
      onLog: (line) => void diagnostics.push(line),
    });
    for (const bundle of bundles) {
      if (bundle.targets.length === 0) continue;
      if (runtime === 'chromium') {
        const browser = await openInChromium(`${server.url}/?runtime=chromium`);
        try {
          const done = await doneOf(dones, 'web', FLAVOR_MS);
          if (done === undefined) diagnostics.push(`chromium: no report within ${FLAVOR_MS} ms`);
        } finally {
          diagnostics.push(...browser.console.map((line) => `chromium console ${line}`));
          await browser.close();
        }
        continue;
      }
      const file = join(work, `runner-${bundle.flavor}.mjs`);
      writeFileSync(file, bundle.code);
      const { command, args, env } = await commandFor(runtime, file, work);
      const outcome: ChildOutcome = await runBounded(command, args, {
        cwd: work,
        env: { ...env, WIREKIT_CONTROL_URL: server.controlUrl, WIREKIT_RUNTIME: runtime },
        timeoutMs: FLAVOR_MS,
      });
      if (outcome.timedOut || outcome.code !== 0) {
        diagnostics.push(`${runtime} ${bundle.flavor} runner (pid ${outcome.pid}) ${outcome.timedOut ? `killed after ${FLAVOR_MS} ms` : `exited with ${String(outcome.code ?? outcome.signal)}`}`);
      }
      if (outcome.stderr.trim() !== '') diagnostics.push(`${runtime} ${bundle.flavor} stderr: ${tail(outcome.stderr)}`);
    }
  } finally {
    await server?.close();
    rmSync(work, { recursive: true, force: true });
  }
  const outcomes: TargetOutcome[] = [];
  for (const bundle of bundles) {
    const done = dones.get(bundle.flavor);
    if (done?.error !== undefined) diagnostics.push(`${runtime} ${bundle.flavor} runner failed: ${done.error}`);
    for (const target of bundle.targets) {
      const run = runs.find((candidate) => candidate.id === target.id && candidate.flavor === bundle.flavor);
      if (run?.report !== undefined) outcomes.push({ target, status: 'ran', report: run.report, unhandled: run.unhandled });
      else outcomes.push({ target, status: 'no-report', reason: run?.error ?? done?.error ?? `the ${runtime} runner ended without reporting it` });
    }
    for (const { target, reason } of bundle.unavailable) outcomes.push({ target, status: 'unavailable', reason });
  }
  const version = [...dones.values()][0]?.version ?? 'unknown';
  return { runtime, version, outcomes, diagnostics: diagnostics.join('\n') };
}
