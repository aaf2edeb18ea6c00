/**
 * The contract runner bundled into each platform: in a Chromium page, in Bun, in Deno and in a
 * Node child. It connects to the Node parent's control channel, runs the contract suite on each
 * factory it was bundled with (servers in the parent), and hands every report back.
 */
import type { ConnectionFactory } from '@wirekit/core';
import { connectEnvironment, runContract, watchUnhandledRejections, type ContractReport, type RemoteEnvironment } from '@wirekit/conformance';
import { targetById, type Flavor, type Runtime } from './targets.js';

/** A factory the runner was bundled with. */
export interface RunnerTarget {
  readonly id: string;
  /** Builds the factory; a throw is reported as the target's error. */
  make(): ConnectionFactory;
}

/** What the runner reports for one target. */
export interface TargetRun {
  readonly kind: 'target';
  readonly runtime: Runtime;
  readonly flavor: Flavor;
  readonly id: string;
  readonly report?: ContractReport;
  /** Set when the suite could not run at all (the factory threw while being made). */
  readonly error?: string;
  /** Promise rejections nobody handled while this target's suite ran: each would crash a Node process. */
  readonly unhandled: readonly string[];
}

/** The runner's last report. */
export interface RunnerDone {
  readonly kind: 'done';
  readonly runtime: Runtime;
  readonly flavor: Flavor;
  /** The runtime's own version string, e.g. the user agent or `Bun.version`. */
  readonly version: string;
  readonly targets: number;
  /** Set when the runner itself failed. */
  readonly error?: string;
}

export type RunnerMessage = TargetRun | RunnerDone;

interface RuntimeGlobals {
  location?: { readonly host: string; readonly search: string };
  navigator?: { readonly userAgent?: string };
  process?: { readonly env?: Readonly<Record<string, string | undefined>>; readonly versions?: Readonly<Record<string, string | undefined>> };
  Bun?: { readonly version: string };
  Deno?: { readonly version: { readonly deno: string }; env: { get(name: string): string | undefined } };
}

const runtimeGlobals = globalThis as RuntimeGlobals;

function setting(name: string): string | undefined {
  if (runtimeGlobals.location !== undefined) {
    const key = name === 'WIREKIT_RUNTIME' ? 'runtime' : 'control';
    return new URLSearchParams(runtimeGlobals.location.search).get(key) ?? (key === 'control' ? `ws://${runtimeGlobals.location.host}/control` : undefined);
  }
  return runtimeGlobals.Deno?.env.get(name) ?? runtimeGlobals.process?.env?.[name];
}

function runtimeVersion(): string {
  if (runtimeGlobals.Bun !== undefined) return `Bun ${runtimeGlobals.Bun.version}`;
  if (runtimeGlobals.Deno !== undefined) return `Deno ${runtimeGlobals.Deno.version.deno}`;
  if (runtimeGlobals.location !== undefined) {
    const agent = runtimeGlobals.navigator?.userAgent ?? 'browser';
    const chrome = /(Headless)?Chrome\/([\d.]+)/.exec(agent);
    return chrome === null ? agent : `Chromium ${chrome[2] ?? '?'}${chrome[1] === undefined ? '' : ' (headless)'}`;
  }
  return `Node ${runtimeGlobals.process?.versions?.node ?? '?'}`;
}

function describeError(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

/**
 * Runs the contract on every target, one after the other, reporting each to the parent.
 * Reads the control URL and the runtime's name from the page URL (`?runtime=`) or from
 * WIREKIT_CONTROL_URL and WIREKIT_RUNTIME.
 *
 * @returns after the last report; the parent decides pass or fail.
 */
export async function runPlatform(flavor: Flavor, targets: readonly RunnerTarget[]): Promise<void> {
  const controlUrl = setting('WIREKIT_CONTROL_URL');
  const runtime = setting('WIREKIT_RUNTIME') as Runtime | undefined;
  if (controlUrl === undefined || runtime === undefined) throw new Error('runPlatform needs WIREKIT_CONTROL_URL and WIREKIT_RUNTIME');
  const environment: RemoteEnvironment = await connectEnvironment(controlUrl);
  let runError: string | undefined;
  // Kept for the whole run, so that a stray rejection is recorded against its target instead of ending the runtime.
  const unhandled = watchUnhandledRejections();
  try {
    for (const target of targets) {
      const spec = targetById(target.id);
      const before = unhandled.reasons.length;
      const strays = (): string[] => unhandled.reasons.slice(before).map(describeError);
      let factory: ConnectionFactory;
      try {
        factory = target.make();
      } catch (error) {
        await environment.report({ kind: 'target', runtime, flavor, id: target.id, error: `the factory could not be made: ${describeError(error)}`, unhandled: [] } satisfies TargetRun);
        continue;
      }
      const report = await runContract(`${spec.package} ${spec.label}`, factory, { environment, skip: spec.skip });
      await environment.log(`${runtime} ${target.id}: ${report.passed} passed, ${report.failed} failed, ${report.skipped} skipped`);
      await environment.report({ kind: 'target', runtime, flavor, id: target.id, report, unhandled: strays() } satisfies TargetRun);
    }
  } catch (error) {
    runError = describeError(error);
  } finally {
    unhandled.stop();
    const done: RunnerDone = { kind: 'done', runtime, flavor, version: runtimeVersion(), targets: targets.length, ...(runError === undefined ? {} : { error: runError }) };
    await environment.report(done).catch(() => undefined);
    environment.close();
  }
}
