/**
 * Long fuzz run: the properties of test/fuzz.test.ts (and, when the package is there,
 * @wirekit/permessage-deflate's) with fresh seeds, batch after batch, until the time is up.
 * Prints iterations per target and every finding with the seed and path that replay it.
 *
 *   node --conditions=source --import tsx packages/protocol/fuzz/long-run.ts [seconds=120] [target…]
 *
 * Exit status 1 when something was found. Loopback-free: nothing here opens a socket.
 */
import fc from 'fast-check';
import type { Extension, RsvBits } from '../src/index.js';
import { actionsArb, checkChunkingInvariance, checkRecording, runActions, settle, tracked } from './engine-fuzz.js';
import { checkClientHandshake, checkHeadReader, checkServerHandshake, headBytesArb, mutatedRequestArb } from './handshake-fuzz.js';

interface Target {
  readonly name: string;
  /** Runs per batch: small enough to check the clock often. */
  readonly batch: number;
  readonly property: () => fc.IProperty<never> | fc.IAsyncProperty<never>;
}

interface Finding {
  readonly target: string;
  readonly seed: number;
  readonly path: string | undefined;
  readonly error: string;
  readonly counterexample: string;
}

const RSV1: RsvBits = { rsv1: true, rsv2: false, rsv3: false };
const reverser = (isAsync: boolean): Extension => ({
  name: 'x-reverse',
  rsv: RSV1,
  decode: (payload) => (isAsync ? Promise.resolve().then(() => payload.slice().reverse()) : payload.slice().reverse()),
  encode: (payload) => (isAsync ? Promise.resolve().then(() => ({ payload: payload.slice().reverse(), rsv: RSV1 })) : { payload: payload.slice().reverse(), rsv: RSV1 }),
});

const targets: Target[] = [];
for (const role of ['client', 'server'] as const) {
  targets.push({ name: `engine-${role}`, batch: 500, property: () => fc.property(actionsArb(role), (actions) => checkRecording(role, runActions(role, actions))) as never });
  targets.push({ name: `engine-${role}-chunking`, batch: 500, property: () => fc.property(actionsArb(role, { rsvBias: true }), (actions) => checkChunkingInvariance(role, actions, () => [reverser(false)])) as never });
  targets.push({
    name: `engine-${role}-async-extension`,
    batch: 100,
    property: () => fc.asyncProperty(actionsArb(role, { rsvBias: true }), async (actions) => {
      const extension = tracked(reverser(true));
      const recording = runActions(role, actions, [extension]);
      await settle([extension]);
      checkRecording(role, recording);
    }) as never,
  });
}
targets.push({ name: 'server-handshake', batch: 1000, property: () => fc.property(mutatedRequestArb, fc.option(fc.integer({ min: 1, max: 600 }), { nil: undefined }), (input, max) => checkServerHandshake(input, max)) as never });
targets.push({ name: 'client-handshake', batch: 1000, property: () => fc.property(mutatedRequestArb, (input) => checkClientHandshake(input)) as never });
targets.push({
  name: 'http-head-reader',
  batch: 1000,
  property: () => fc.property(fc.constantFrom('request' as const, 'response' as const), headBytesArb, fc.array(fc.nat(), { maxLength: 6 }), fc.integer({ min: 1, max: 500 }), (kind, bytes, cuts, max) => checkHeadReader(kind, bytes, cuts, max)) as never,
});

// permessage-deflate's targets, by path: the protocol package does not depend on it.
try {
  const deflate = (await import('../../permessage-deflate/fuzz/deflate-fuzz.js')) as { deflateTargets: () => Target[] };
  targets.push(...deflate.deflateTargets());
} catch (error) {
  console.log(`(permessage-deflate targets skipped: ${error instanceof Error ? error.message : String(error)})`);
}

const args = process.argv.slice(2);
const seconds = Number(args[0] ?? 120);
const only = new Set(args.slice(1));
const chosen = targets.filter((t) => only.size === 0 || only.has(t.name));
const findings: Finding[] = [];
const iterations = new Map<string, number>(chosen.map((t) => [t.name, 0]));
const unhandled: string[] = [];
process.on('unhandledRejection', (reason) => unhandled.push(`unhandled rejection: ${String(reason)}`));
// A throw from inside a stream or timer callback would end the run; it is a finding instead.
process.on('uncaughtException', (error) => {
  unhandled.push(`uncaught exception: ${error.stack ?? String(error)}`.split('\n').slice(0, 4).join(' | '));
  console.log(`FINDING ${unhandled.at(-1)!}`);
});

const deadline = Date.now() + seconds * 1000;
let lastReport = Date.now();
console.log(`fuzzing ${chosen.map((t) => t.name).join(', ')} for ${seconds} s`);
while (Date.now() < deadline && chosen.length > 0) {
  for (const target of chosen) {
    if (Date.now() >= deadline) break;
    const seed = Math.floor(Math.random() * 2 ** 31);
    const details = await fc.check(target.property(), { numRuns: target.batch, seed });
    iterations.set(target.name, iterations.get(target.name)! + details.numRuns);
    if (details.failed) {
      const finding: Finding = {
        target: target.name,
        seed: details.seed,
        path: details.counterexamplePath ?? undefined,
        error: String(details.errorInstance).split('\n').slice(0, 4).join(' | '),
        counterexample: fc.stringify(details.counterexample).slice(0, 600),
      };
      findings.push(finding);
      console.log(`FINDING ${finding.target} seed=${finding.seed} path=${String(finding.path)}\n  ${finding.error}\n  ${finding.counterexample}`);
    }
    if (Date.now() - lastReport > 30_000) {
      lastReport = Date.now();
      console.log(`… ${[...iterations].map(([name, n]) => `${name}=${n}`).join(' ')}`);
    }
  }
}
for (const reason of unhandled) findings.push({ target: 'process', seed: 0, path: undefined, error: reason, counterexample: '' });

const total = [...iterations.values()].reduce((a, b) => a + b, 0);
console.log('\niterations:');
for (const [name, n] of iterations) console.log(`  ${name.padEnd(34)} ${n}`);
console.log(`  ${'total'.padEnd(34)} ${total}`);
console.log(`findings: ${findings.length}`);
for (const f of findings) console.log(`  ${f.target} seed=${f.seed} path=${String(f.path)}: ${f.error}`);
process.exitCode = findings.length > 0 ? 1 : 0;
