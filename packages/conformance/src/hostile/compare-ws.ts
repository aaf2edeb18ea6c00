// Side by side: every attack of issue 11 against WireKit and against ws 8.23, both with default
// options, each victim in its own child process with the suite's 96 MiB heap. Prints a Markdown
// table of outcomes and peak RSS. A measurement script, not a test (timings vary by machine):
//   node --conditions=source --import tsx packages/conformance/src/hostile/compare-ws.ts [server|client]
import { ATTACKS, type Attack } from './attacks.js';
import { runAttack, runBadFrameWith101, runHandshakeAttack, type AttackOutcome, type BadFrameOutcome, type HandshakeAttack, type HandshakeOutcome, type VictimKind } from './run-attack.js';

const MiB = 1024 * 1024;

function describeAttack(outcome: AttackOutcome): string {
  const close = outcome.close === null ? 'no close reported' : `closed ${outcome.close.code}${outcome.close.errors.length > 0 ? ` (${outcome.close.errors[0]})` : ''}`;
  const wire = outcome.seen.closeCode === null ? '' : `, Close ${outcome.seen.closeCode} on the wire`;
  const late = outcome.close !== null && outcome.close.lateMessages > 0 ? `, ${outcome.close.lateMessages} messages after close` : '';
  const by = outcome.seen.endedByVictim === true ? ', ended by the victim' : '';
  return `${close}${wire}${late}${by} after ${(outcome.ms / 1000).toFixed(1)} s; attacker wrote ${(outcome.seen.sent / MiB).toFixed(1)} MiB; heap+ext after GC ${((outcome.memory.heapUsed + outcome.memory.external) / MiB).toFixed(1)} MiB; CPU ${outcome.cpuAfter.toFixed(0)} ms in the 0.5 s after`;
}

function describeHandshake(outcome: HandshakeOutcome): string {
  if (outcome.connectError !== null) return `connect failed: ${outcome.connectError}`;
  if (outcome.status !== null) return outcome.status === '' ? 'socket closed, no answer' : outcome.status.replace('HTTP/1.1 ', '');
  return 'no answer within 5 s (connection still open)';
}

function describeBadFrame(outcome: BadFrameOutcome): string {
  const how = outcome.connectError !== null ? `connect failed: ${outcome.connectError}` : outcome.close === null ? 'no close reported' : `closed ${outcome.close.code}${outcome.close.errors.length > 0 ? ` (${outcome.close.errors[0]})` : ''}`;
  return `${how}${outcome.wireCloseCode === null ? '' : `, Close ${outcome.wireCloseCode} on the wire`}`;
}

async function attempt<T>(run: () => Promise<T>, show: (value: T) => string, rss: (value: T) => number): Promise<[string, string]> {
  try {
    const value = await run();
    return [show(value), `${(rss(value) / MiB).toFixed(0)} MiB`];
  } catch (error) {
    return [`victim failed: ${String(error).slice(0, 160).replace(/\s+/g, ' ')}`, '—'];
  }
}

async function row(name: string, wirekit: VictimKind, ws: VictimKind, attack: Attack | HandshakeAttack | 'bad-frame-with-101'): Promise<string> {
  const cells: string[] = [];
  for (const kind of [wirekit, ws]) {
    const [outcome, rss] =
      attack === 'bad-frame-with-101'
        ? await attempt(() => runBadFrameWith101(kind as VictimKind & { side: 'client' }), describeBadFrame, (o) => o.memory.maxRss)
        : typeof attack === 'string'
          ? await attempt(() => runHandshakeAttack(kind, attack), describeHandshake, (o) => o.memory.maxRss)
          : await attempt(() => runAttack(kind, attack), describeAttack, (o) => o.memory.maxRss);
    cells.push(outcome, rss);
  }
  return `| ${name} | ${cells.join(' | ')} |`;
}

const sides = process.argv[2] === undefined ? (['server', 'client'] as const) : ([process.argv[2] as 'server' | 'client'] as const);
for (const side of sides) {
  const wirekit: VictimKind = side === 'server' ? { side, impl: 'wirekit' } : { side, impl: 'wirekit', transport: 'framed' };
  const ws: VictimKind = { side, impl: 'ws' } as VictimKind;
  console.log(`\n### ${side === 'server' ? 'WireKitServer vs ws WebSocketServer' : 'framed client vs ws client'} (default options)\n`);
  console.log('| attack | WireKit outcome | WireKit peak RSS | ws outcome | ws peak RSS |');
  console.log('| --- | --- | --- | --- | --- |');
  for (const attack of ATTACKS) console.log(await row(attack.name, wirekit, ws, attack));
  console.log(await row(side === 'server' ? 'slowloris: a request head a byte every 200 ms (WireKit victim: handshakeTimeout 1 s)' : 'slowloris: a 101 a byte every 200 ms (connect timeout 1 s)', wirekit, ws, 'slowloris'));
  console.log(await row('10,000 headers', wirekit, ws, 'many-headers'));
  if (side === 'client') console.log(await row('a bad frame (RSV1 set) in the same write as the 101', wirekit, ws, 'bad-frame-with-101'));
}
