/**
 * The server process of the h2 benchmark (run.ts): a WireKitServer on one port for both kinds,
 * an h2c node:http2 server with attachHttp2 (`h2`) or its own HTTP/1.1 listener (`http/1.1`). It
 * prints `listening <port>` and answers `mem` on stdin with its heap and RSS after a GC.
 */
import { createServer } from 'node:http2';
import type { AddressInfo } from 'node:net';
import { attachHttp2, WireKitServer } from '@wirekit/server';

const kind = process.argv[2] === 'h2' ? 'h2' : 'http/1.1';
const wire = new WireKitServer({ port: 0 });
let connections = 0;
wire.on('connection', () => connections++);
let port: number;
if (kind === 'h2') {
  const h2 = createServer();
  attachHttp2(wire, h2);
  await new Promise<void>((resolve) => h2.listen(0, '127.0.0.1', resolve));
  port = (h2.address() as AddressInfo).port;
} else {
  port = (await wire.listen()).port;
}
process.stdout.write(`listening ${String(port)}\n`);
process.stdin.setEncoding('utf8');
process.stdin.on('data', (line: string) => {
  if (!line.startsWith('mem')) return;
  (globalThis as { gc?: () => void }).gc?.();
  const usage = process.memoryUsage();
  process.stdout.write(`mem ${JSON.stringify({ heapUsed: usage.heapUsed, rss: usage.rss, external: usage.external, connections })}\n`);
});
process.stdin.on('end', () => process.exit(0));
