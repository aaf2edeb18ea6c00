/**
 * Chromium talks to WireKitServer over HTTP/2 (RFC 8441) with TLS: a throwaway CA and server
 * certificate made here with the openssl CLI, trusted by Chromium through the server key's SPKI
 * pin, the page served from the same h2 origin, and the server's side proving that the WebSocket
 * arrived as an extended CONNECT stream of the page's own HTTP/2 session (not an HTTP/1.1 upgrade).
 */
import { execFileSync } from 'node:child_process';
import { createHash, X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import { createSecureServer, type Http2Session } from 'node:http2';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { EngineConnection } from '@wirekit/core';
import { attachHttp2, WireKitServer, type Http2UpgradeIncoming } from '@wirekit/server';
import { openInChromium, type BrowserRun } from '../src/chromium.js';

/** A CA and a server certificate it signs, for 127.0.0.1 and localhost. */
function makeCertificates(): { key: string; cert: string; ca: string } {
  const dir = mkdtempSync(join(tmpdir(), 'wirekit-h2-ca-'));
  const run = (...args: string[]): void => void execFileSync('openssl', args, { stdio: 'ignore', timeout: 20_000 });
  try {
    const file = (name: string): string => join(dir, name);
    run('req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', file('ca.key'), '-out', file('ca.pem'), '-subj', '/CN=WireKit test CA', '-days', '1');
    run('req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', file('server.key'), '-out', file('server.csr'), '-subj', '/CN=localhost');
    execFileSync('sh', ['-c', `printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\\nextendedKeyUsage=serverAuth\\n' > ${file('ext.cnf')}`]);
    run('x509', '-req', '-in', file('server.csr'), '-CA', file('ca.pem'), '-CAkey', file('ca.key'), '-CAcreateserial', '-out', file('server.pem'), '-days', '1', '-extfile', file('ext.cnf'));
    return { key: readFileSync(file('server.key'), 'utf8'), cert: readFileSync(file('server.pem'), 'utf8'), ca: readFileSync(file('ca.pem'), 'utf8') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** base64(SHA-256(SubjectPublicKeyInfo)): what --ignore-certificate-errors-spki-list takes. */
function spkiHash(cert: string): string {
  const spki = new X509Certificate(cert).publicKey.export({ type: 'spki', format: 'der' });
  return createHash('sha256').update(spki).digest('base64');
}

const PAGE = `<!doctype html><title>h2</title><script>
window.result = new Promise((resolve) => {
  const ws = new WebSocket('wss://' + location.host + '/ws', ['chat.v1']);
  ws.onopen = () => ws.send('hello over h2');
  ws.onmessage = (event) => { resolve({ echo: event.data, protocol: ws.protocol }); ws.close(1000, 'done'); };
  ws.onerror = () => resolve({ error: 'websocket error' });
});
</script>`;

const opened: Array<() => Promise<void>> = [];
afterAll(async () => {
  for (const close of opened.splice(0).reverse()) await close();
});

interface H2Origin {
  readonly port: number;
  readonly spki: string;
  readonly pageSessions: Http2Session[];
  readonly arrivals: Array<{ connection: EngineConnection; session: Http2Session | null; httpVersion: string }>;
}

/** WireKitServer on an h2 + HTTP/1.1 TLS port that also serves {@link PAGE} at `/`. */
async function startH2Origin(): Promise<H2Origin> {
  const { key, cert } = makeCertificates();
  const wire = new WireKitServer({ handleProtocols: (offered) => offered.find((protocol) => protocol === 'chat.v1') });
  const h2 = createSecureServer({ key, cert, allowHTTP1: true });
  const pageSessions: Http2Session[] = [];
  h2.on('stream', (stream, headers) => {
    if (headers[':method'] !== 'GET') return;
    pageSessions.push(stream.session!);
    stream.respond({ ':status': headers[':path'] === '/' ? 200 : 404, 'content-type': 'text/html; charset=utf-8' });
    stream.end(headers[':path'] === '/' ? PAGE : '');
  });
  attachHttp2(wire, h2);
  const arrivals: Array<{ connection: EngineConnection; session: Http2Session | null; httpVersion: string }> = [];
  wire.on('connection', (connection, _request, incoming) => {
    const via = (incoming as unknown as Partial<Http2UpgradeIncoming>).http2;
    arrivals.push({ connection, session: via?.stream.session ?? null, httpVersion: via === undefined ? incoming.httpVersion : '2' });
    connection.on('message', (message) => void connection.send(message).catch(() => undefined));
  });
  await new Promise<void>((resolve) => h2.listen(0, '127.0.0.1', resolve));
  opened.push(() => new Promise<void>((resolve) => h2.close(() => resolve())));
  opened.push(() => wire.close());
  const { port } = h2.address() as AddressInfo;
  return { port, spki: spkiHash(cert), pageSessions, arrivals };
}

describe('Chromium over HTTP/2', () => {
  it('opens its wss: WebSocket as an RFC 8441 stream of the h2 session that served the page (no feature switch)', async () => {
    const { port, spki, pageSessions, arrivals } = await startH2Origin();
    const browser: BrowserRun = await openInChromium(`https://127.0.0.1:${String(port)}/`, [`--ignore-certificate-errors-spki-list=${spki}`]);
    opened.push(() => browser.close());
    const result = await browser.page.evaluate(() => (window as unknown as { result: Promise<unknown> }).result);
    expect(result, browser.console.join('\n')).toEqual({ echo: 'hello over h2', protocol: 'chat.v1' });
    expect(arrivals).toHaveLength(1);
    expect(arrivals[0]!.httpVersion).toBe('2');
    expect(pageSessions.length).toBeGreaterThan(0);
    expect(arrivals[0]!.session === pageSessions[0]).toBe(true);
  }, 60_000);

  it('opens it over HTTP/1.1 when it has no HTTP/2 connection to that origin yet (page from another origin)', async () => {
    const { port, spki, arrivals } = await startH2Origin();
    const other = createHttpServer((_request, response) => {
      response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      response.end(PAGE.replace("'wss://' + location.host", `'wss://127.0.0.1:${String(port)}'`));
    });
    await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
    opened.push(() => new Promise<void>((resolve) => other.close(() => resolve())));
    const browser: BrowserRun = await openInChromium(`http://127.0.0.1:${String((other.address() as AddressInfo).port)}/`, [`--ignore-certificate-errors-spki-list=${spki}`]);
    opened.push(() => browser.close());
    const result = await browser.page.evaluate(() => (window as unknown as { result: Promise<unknown> }).result);
    expect(result, browser.console.join('\n')).toEqual({ echo: 'hello over h2', protocol: 'chat.v1' });
    expect(arrivals.map((arrival) => arrival.httpVersion)).toEqual(['1.1']);
  }, 60_000);
});
