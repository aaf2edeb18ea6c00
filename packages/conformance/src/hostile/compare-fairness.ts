// CPU fairness under a compressed flood: an honest permessage-deflate client's echo round trip
// on a server (WireKit, then ws 8.23, default options plus permessage-deflate) while another
// connection floods messages that inflate to 16 MiB each. A measurement script, not a test:
//   node --conditions=source --import tsx packages/conformance/src/hostile/compare-fairness.ts
import { WebSocket } from 'ws';
import { frame, OP, repeat, zeroMessage } from './raw-frames.js';
import { RawPeer } from './raw-peer.js';
import { packageEntry, VictimProcess } from './victim-process.js';

const ROUND_TRIPS = 40;

async function roundTrips(url: string, count: number): Promise<number[]> {
  const socket = new WebSocket(url, { perMessageDeflate: true });
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  // Over ws's 1 KiB threshold, so that both directions are compressed.
  const payload = JSON.stringify(Array.from({ length: 60 }, (_, i) => ({ id: i, name: `user-${i}` })));
  const times: number[] = [];
  for (let i = 0; i < count; i++) {
    const started = performance.now();
    socket.send(payload);
    await new Promise<void>((resolve) => socket.once('message', () => resolve()));
    times.push(performance.now() - started);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  socket.close();
  return times;
}

function summary(times: number[]): string {
  const sorted = [...times].sort((a, b) => a - b);
  return `median ${sorted[Math.floor(sorted.length / 2)]!.toFixed(1)} ms, max ${sorted.at(-1)!.toFixed(1)} ms`;
}

console.log('| server | honest round trip, alone | while another connection floods 16 MiB inflations |');
console.log('| --- | --- | --- |');
for (const kind of ['wirekit-server', 'ws-server'] as const) {
  const victim = await VictimProcess.start({ kind, deflatePath: packageEntry('permessage-deflate') }, 512);
  try {
    const url = `ws://127.0.0.1:${victim.port}/`;
    const alone = await roundTrips(url, ROUND_TRIPS);
    const attacker = await RawPeer.dial(victim.port, { deflate: true });
    attacker.stopReading();
    const flooding = attacker.flood(repeat(frame(OP.binary, zeroMessage(16 * 1024 * 1024), { rsv1: true, masked: true }), 8), 60_000);
    await new Promise((resolve) => setTimeout(resolve, 500));
    const attacked = await roundTrips(url, ROUND_TRIPS);
    attacker.reset();
    await flooding;
    console.log(`| ${kind === 'ws-server' ? 'ws 8.23' : 'WireKit'} | ${summary(alone)} | ${summary(attacked)} |`);
  } finally {
    victim.stop();
  }
}
