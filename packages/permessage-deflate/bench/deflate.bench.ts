/**
 * permessage-deflate on 16 KiB JSON text messages: compressed ratio and throughput, through the
 * extension exactly as the engine calls it (encode on one side, decode on the other), with and
 * without context takeover. Run: pnpm --filter @wirekit/permessage-deflate bench
 *
 * Throughput is of uncompressed payload, one connection, messages one after another (each
 * awaited, as a chat would send them): a figure for this machine, not a promise.
 */
import { perMessageDeflate, ZlibLimiter, type PerMessageDeflate, type PerMessageDeflateOptions } from '../src/index.js';
import { acceptUpgrade, ClientHandshake, Opcode, ServerHandshake } from '@wirekit/protocol';
import { createHash, randomFillSync } from 'node:crypto';

const TARGET = 16 * 1024;
const MESSAGES = Number(process.env['BENCH_MESSAGES'] ?? 2000);
const RUNS = 3;

/** Deterministic pseudo-random JSON documents of about 16 KiB, all different, shaped like API payloads. */
function documents(count: number): Uint8Array[] {
  let seed = 42;
  const next = (): number => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
  const words = ['alpha', 'bravo', 'charlie', 'delta', 'echo', 'foxtrot', 'golf', 'hotel', 'india', 'juliet', 'kilo', 'lima', 'message', 'status', 'ready'];
  const docs: Uint8Array[] = [];
  for (let d = 0; d < count; d++) {
    const items: object[] = [];
    const item = (): object => ({
      id: Math.floor(next() * 1e9),
      user: `${words[Math.floor(next() * words.length)]}-${Math.floor(next() * 1000)}`,
      text: Array.from({ length: 6 }, () => words[Math.floor(next() * words.length)]).join(' '),
      score: Math.round(next() * 10000) / 100,
      active: next() > 0.5,
      tags: [words[Math.floor(next() * words.length)], words[Math.floor(next() * words.length)]],
      at: new Date(1_700_000_000_000 + Math.floor(next() * 1e9)).toISOString(),
    });
    let candidate = item();
    while (JSON.stringify({ page: d, items: [...items, candidate], pad: '' }).length <= TARGET) {
      items.push(candidate);
      candidate = item();
    }
    // Padded to exactly 16 KiB, still valid JSON.
    const base = JSON.stringify({ page: d, items, pad: '' });
    docs.push(new TextEncoder().encode(JSON.stringify({ page: d, items, pad: '.'.repeat(TARGET - base.length) })));
  }
  return docs;
}

function pair(options: PerMessageDeflateOptions): { sender: PerMessageDeflate; receiver: PerMessageDeflate } {
  const random = (n: number): Uint8Array => randomFillSync(new Uint8Array(n));
  const sha1 = (data: Uint8Array): Uint8Array => createHash('sha1').update(data).digest();
  const limiter = new ZlibLimiter();
  const client = new ClientHandshake({ url: 'ws://127.0.0.1/', random, sha1, extensions: [perMessageDeflate({ ...options, limiter })] });
  const request = new ServerHandshake().receive(client.request());
  if (request?.kind !== 'upgrade') throw new Error('no upgrade');
  const accepted = acceptUpgrade(request.request, { sha1, extensions: [perMessageDeflate({ ...options, limiter })] });
  const result = client.receive(accepted.response);
  if (result?.kind !== 'accepted') throw new Error('not accepted');
  return { sender: result.extensions[0] as PerMessageDeflate, receiver: accepted.extensions[0] as PerMessageDeflate };
}

async function measure(name: string, options: PerMessageDeflateOptions, docs: Uint8Array[]): Promise<void> {
  const results: Array<{ ratio: number; deflate: number; inflate: number }> = [];
  for (let run = 0; run < RUNS; run++) {
    const { sender, receiver } = pair(options);
    const compressed: Uint8Array[] = [];
    let raw = 0;
    let packed = 0;
    let start = performance.now();
    for (let i = 0; i < MESSAGES; i++) {
      const doc = docs[i % docs.length]!;
      const encoded = await sender.encode(doc);
      compressed.push(encoded.payload);
      raw += doc.length;
      packed += encoded.payload.length;
    }
    const deflateMs = performance.now() - start;
    start = performance.now();
    for (const payload of compressed) await receiver.decode(payload, { rsv1: true, rsv2: false, rsv3: false }, Opcode.Text, 64 * 1024 * 1024);
    const inflateMs = performance.now() - start;
    const mib = raw / (1024 * 1024);
    results.push({ ratio: packed / raw, deflate: mib / (deflateMs / 1000), inflate: mib / (inflateMs / 1000) });
    sender.dispose();
    receiver.dispose();
  }
  const median = (values: number[]): number => values.sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
  const ratio = median(results.map((r) => r.ratio));
  console.log(`| ${name} | ${(ratio * 100).toFixed(1)} % | ${(1 / ratio).toFixed(1)}× | ${median(results.map((r) => r.deflate)).toFixed(0)} | ${median(results.map((r) => r.inflate)).toFixed(0)} |`);
}

const docs = documents(64);
console.log(`permessage-deflate, ${MESSAGES} messages of ${TARGET} bytes of JSON text (64 different documents), median of ${RUNS} runs, Node ${process.version}, zlib ${process.versions.zlib}`);
console.log('| settings | compressed size | ratio | deflate MiB/s | inflate MiB/s |');
console.log('| --- | ---: | ---: | ---: | ---: |');
await measure('defaults (context takeover, level 6)', {}, docs);
await measure('no context takeover', { serverNoContextTakeover: true, clientNoContextTakeover: true }, docs);
await measure('level 1', { level: 1 }, docs);
