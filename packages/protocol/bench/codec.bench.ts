/**
 * Decode and encode throughput of WireKit's engine beside ws's Receiver and Sender, on the
 * same bytes: 64 B, 16 KiB and 1 MiB frames, masked (client → server) and unmasked
 * (server → client). Received bytes arrive in 64 KiB chunks, as a socket delivers them.
 * ws runs without its optional native addon (bufferutil is not installed): both sides are
 * plain JS. Encoding compares whole send paths: Engine#send into onWrite, ws's Sender#send into
 * a socket stand-in. Run: `pnpm bench` (or `tsx --conditions=source bench/codec.bench.ts [--quick]`).
 */
import { randomFillSync } from 'node:crypto';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Engine, encodeFrame, Opcode } from '../src/index.js';

const require = createRequire(import.meta.url);
// ws's exports map hides lib/; load the files by path, as ws's own benchmarks use them.
const wsDir = dirname(require.resolve('ws/package.json'));
const Receiver = require(join(wsDir, 'lib/receiver.js')) as new (options: object) => {
  on(event: string, fn: (...args: unknown[]) => void): void;
  write(chunk: Buffer): boolean;
};
const Sender = require(join(wsDir, 'lib/sender.js')) as new (socket: object) => {
  send(data: Buffer, options: object, cb?: () => void): void;
};

const quick = process.argv.includes('--quick');
const RUNS = quick ? 3 : 7;
const VOLUME = (quick ? 32 : 128) * 1024 * 1024;
const CHUNK = 64 * 1024;

interface Case {
  readonly label: string;
  readonly size: number;
  readonly masked: boolean;
}

const cases: Case[] = [];
for (const size of [64, 16 * 1024, 1024 * 1024]) for (const masked of [true, false]) cases.push({ label: `${size >= 1024 * 1024 ? '1 MiB' : size >= 1024 ? '16 KiB' : '64 B'} ${masked ? 'masked' : 'unmasked'}`, size, masked });

function random(n: number): Uint8Array {
  return randomFillSync(new Uint8Array(n));
}

/** What a Node transport injects, and what ws itself uses for joined buffers. */
const allocate = (n: number): Uint8Array => Buffer.allocUnsafe(n);

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/** A stream of `count` frames of `size` bytes, cut into socket-sized chunks. */
function wire(c: Case, count: number): Buffer {
  const payload = random(c.size);
  const frames: Uint8Array[] = [];
  for (let i = 0; i < count; i++) frames.push(...encodeFrame({ opcode: Opcode.Binary, payload, mask: c.masked ? random(4) : null }));
  return Buffer.concat(frames);
}

function chunks(bytes: Buffer): Buffer[] {
  const out: Buffer[] = [];
  for (let at = 0; at < bytes.length; at += CHUNK) out.push(Buffer.from(bytes.subarray(at, at + CHUNK)));
  return out;
}

function time(fn: () => void): number {
  const start = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - start) / 1e6;
}

function decodeWireKit(c: Case, input: Buffer[], count: number): number {
  let got = 0;
  const engine = new Engine({ role: c.masked ? 'server' : 'client', random, allocate, onEvent: (e) => void (e.type === 'binary' && got++), onWrite: () => {} });
  const ms = time(() => {
    for (const chunk of input) engine.receive(chunk);
  });
  if (got !== count) throw new Error(`WireKit decoded ${got} of ${count}`);
  return ms;
}

function decodeWs(c: Case, input: Buffer[], count: number): number {
  let got = 0;
  const receiver = new Receiver({ isServer: c.masked, maxPayload: 0, binaryType: 'nodebuffer' });
  receiver.on('message', () => got++);
  const ms = time(() => {
    for (const chunk of input) receiver.write(chunk);
  });
  if (got !== count) throw new Error(`ws decoded ${got} of ${count}`);
  return ms;
}

function encodeWireKit(c: Case, payload: Uint8Array, count: number): number {
  let bytes = 0;
  const engine = new Engine({ role: c.masked ? 'client' : 'server', random, allocate, onEvent: () => {}, onWrite: (out) => void (bytes += out.length) });
  const ms = time(() => {
    for (let i = 0; i < count; i++) engine.send(payload);
  });
  if (bytes === 0) throw new Error('nothing encoded');
  return ms;
}

/**
 * ws's whole per-message send path (Sender#send: framing, masking, cork/write/uncork) into a
 * socket stand-in that accepts everything, the counterpart of Engine#send with its onWrite.
 */
function encodeWs(c: Case, payload: Buffer, count: number): number {
  let bytes = 0;
  const socket = { cork() {}, uncork() {}, write: (chunk: Buffer) => void (bytes += chunk.length) };
  const sender = new Sender(socket);
  const ms = time(() => {
    for (let i = 0; i < count; i++) sender.send(payload, { binary: true, fin: true, mask: c.masked, compress: false });
  });
  if (bytes === 0) throw new Error('nothing encoded');
  return ms;
}

const rows: string[] = [];
const mibps = (ms: number, count: number, size: number): number => (count * size) / (1024 * 1024) / (ms / 1000);
for (const c of cases) {
  const count = Math.max(8, Math.floor(VOLUME / c.size / (c.size < 1024 ? 16 : 1)));
  const bytes = wire(c, count);
  const decode = { wirekit: [] as number[], ws: [] as number[] };
  const encode = { wirekit: [] as number[], ws: [] as number[] };
  const payload = Buffer.from(random(c.size));
  const gc = (globalThis as { gc?: () => void }).gc ?? (() => {});
  // Two warm-up rounds are discarded; the order alternates so neither side always pays for
  // the other's garbage; a collection runs before each timing when --expose-gc is given.
  for (let run = -2; run < RUNS; run++) {
    const keep = run >= 0;
    const pairs: Array<[number[], () => number]> = [
      [decode.wirekit, () => decodeWireKit(c, chunks(bytes), count)],
      [decode.ws, () => decodeWs(c, chunks(bytes), count)],
      [encode.wirekit, () => encodeWireKit(c, payload, count)],
      [encode.ws, () => encodeWs(c, payload, count)],
    ];
    if (run % 2 !== 0) pairs.reverse();
    for (const [into, measure] of pairs) {
      // Fresh copies every run (made inside measure, before timing): both decoders unmask in place.
      gc();
      const ms = measure();
      if (keep) into.push(ms);
    }
  }
  const d = [mibps(median(decode.wirekit), count, c.size), mibps(median(decode.ws), count, c.size)] as const;
  const e = [mibps(median(encode.wirekit), count, c.size), mibps(median(encode.ws), count, c.size)] as const;
  rows.push(`| ${c.label} | ${d[0].toFixed(0)} | ${d[1].toFixed(0)} | ${(d[0] / d[1]).toFixed(2)}× | ${e[0].toFixed(0)} | ${e[1].toFixed(0)} | ${(e[0] / e[1]).toFixed(2)}× |`);
  process.stderr.write(`.`);
}
process.stderr.write('\n');
console.log(`Node ${process.version}, ${RUNS} runs, median; MiB/s of payload; ws ${(require('ws/package.json') as { version: string }).version} without bufferutil\n`);
console.log('| frames | decode WireKit | decode ws | ratio | encode WireKit | encode ws | ratio |');
console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: |');
for (const row of rows) console.log(row);
