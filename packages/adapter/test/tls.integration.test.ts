import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WebSocketServer, type RawData } from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectWs } from '../src/index.js';

let https: Server;
let wss: WebSocketServer;
let url = '';
let cert = '';
let upgrades = 0;

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'wirekit-adapter-tls-'));
  try {
    const keyFile = join(dir, 'key.pem');
    const certFile = join(dir, 'cert.pem');
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', keyFile, '-out', certFile, '-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1', '-days', '1'], { stdio: 'ignore', timeout: 20_000 });
    cert = readFileSync(certFile, 'utf8');
    https = createServer({ cert, key: readFileSync(keyFile, 'utf8') });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  https.on('upgrade', () => void (upgrades += 1));
  wss = new WebSocketServer({ server: https, perMessageDeflate: false });
  wss.on('connection', (socket) => socket.on('message', (data: RawData, isBinary) => socket.send(data, { binary: isBinary })));
  https.listen(0, '127.0.0.1');
  await once(https, 'listening');
  url = `wss://127.0.0.1:${(https.address() as AddressInfo).port}/`;
});

afterAll(async () => {
  for (const client of wss.clients) client.terminate();
  await new Promise<void>((resolve) => wss.close(() => resolve()));
  https.closeAllConnections();
  await new Promise<void>((resolve) => https.close(() => resolve()));
});

describe('connectWs() over TLS', () => {
  it('connects with the certificate as tls.ca and runs verifyPeer with its SHA-256 fingerprint', async () => {
    const seen: string[] = [];
    const connection = await connectWs(url, { tls: { ca: cert, verifyPeer: (peer) => seen.push(peer.fingerprint256) > 0 } });
    try {
      expect(seen).toEqual([new X509Certificate(cert).fingerprint256]);
      await connection.send('over TLS');
      expect(await connection.receive()).toBe('over TLS');
    } finally {
      connection.terminate();
    }
  });

  it('rejects with WK_ERR_TLS (domain tls) when verifyPeer refuses, before the upgrade request is sent', async () => {
    const before = upgrades;
    const error = await connectWs(url, { tls: { ca: cert, verifyPeer: () => new Error('pin mismatch') } }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'WK_ERR_TLS', domain: 'tls', message: expect.stringContaining('pin mismatch') });
    expect(upgrades).toBe(before);
  });

  it('rejects with WK_ERR_TLS carrying the OpenSSL code for a self-signed certificate it was not told to trust', async () => {
    await expect(connectWs(url)).rejects.toMatchObject({ code: 'WK_ERR_TLS', domain: 'tls', errno: 'DEPTH_ZERO_SELF_SIGNED_CERT' });
  });
});
