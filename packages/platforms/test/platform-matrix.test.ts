import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { renderMatrix, writeMatrix } from '../scripts/platform-matrix.mjs';
import type { ResultsFile, TargetResult } from './support/results.js';

const base: Omit<TargetResult, 'id' | 'package' | 'label' | 'flavor'> = { status: 'ran', passed: 70, failed: 0, skipped: 0, skippedFeatures: [], failedCases: [], staleKnownFailures: [], unhandled: [] };
const framed: TargetResult = { ...base, id: 'framed', package: '@wirekit/framed', label: 'connect', flavor: 'node' };
const browser: TargetResult = {
  ...base,
  id: 'task-browser',
  package: '@wirekit/task',
  label: 'connect (browser entry)',
  flavor: 'web',
  passed: 54,
  failed: 2,
  skipped: 14,
  skippedFeatures: [{ feature: 'ping', reason: 'no ping in WHATWG' }],
  failedCases: [
    { group: 'ws', feature: 'subprotocol-declined', title: 'a', error: 'WK_ERR_TRANSPORT', known: 'Chromium fails the handshake' },
    { group: 'wirekit', feature: 'subprotocol-declined', title: 'a', error: 'WK_ERR_TRANSPORT', known: 'Chromium fails the handshake' },
  ],
};
const results: Record<string, ResultsFile> = {
  node: { runtime: 'node', version: 'Node 20.20.2', targets: [framed, { ...base, id: 'socket', package: '@wirekit/socket', label: 'connect', flavor: 'node', status: 'unavailable', reason: 'No matching export for import "connect"', passed: 0 }] },
  chromium: { runtime: 'chromium', version: 'HeadlessChrome/156', targets: [browser] },
  deno: { runtime: 'deno', version: 'Deno 2.9.6', targets: [{ ...framed, passed: 69, failed: 1, failedCases: [{ group: 'faults', feature: 'slow-reader', title: 'b', error: 'WK_ERR_ABORTED', known: null }], staleKnownFailures: ['abrupt-drop'] }] },
};

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('the platform matrix (docs/platforms.md)', () => {
  const text = renderMatrix(results);
  const row = (name: string): string => text.split('\n').find((line) => line.startsWith(`| ${name} `)) ?? '';

  it('has one row per entry and one column per runtime, a dash where the entry cannot exist', () => {
    expect(text).toContain('| package | entry | Node | Chromium | Bun | Deno |');
    expect(row('@wirekit/framed')).toBe('| @wirekit/framed | connect | ✅ 70/70 passed | — | not run | ❌ 69/70 passed, **1 failed** |');
    expect(row('@wirekit/task')).toBe('| @wirekit/task | connect (browser entry) | — | ⚠️ 54/70 passed, 14 skipped, 2 known failures | not run | not run |');
  });

  it('says why an entry did not run, why features were skipped and why cases failed', () => {
    expect(row('@wirekit/socket')).toContain('not available yet¹');
    expect(text).toContain('- @wirekit/socket (socket): No matching export for import "connect"');
    expect(text).toContain('- `ping`: no ping in WHATWG');
    expect(text).toContain('- Chromium, @wirekit/task (task-browser), `subprotocol-declined` (2 cases): known: Chromium fails the handshake');
    expect(text).toContain('- Deno, @wirekit/framed (framed), `slow-reader` (1 case): **unexpected**: WK_ERR_ABORTED');
    expect(text).toContain('| Bun | not run |');
    expect(text).toContain('- Deno, @wirekit/framed (framed), `abrupt-drop`: listed as a known failure, but every case of it passed');
  });

  it('has a server table: one column per runtime the server ran in, every failure listed with its reason', () => {
    const serverRow: TargetResult = { ...framed, id: 'contract-framed', label: 'contract cases from connect' };
    const cases: TargetResult = { ...base, id: 'server-cases', package: '@wirekit/server', label: 'server cases', flavor: 'node', passed: 5, failed: 1, failedCases: [{ group: 'wirekit', feature: 'rooms', title: 'a room relays', error: 'timed out', known: null }] };
    const page = renderMatrix({ ...results, 'server-node': { runtime: 'node', version: 'Node 20.20.2', targets: [serverRow, cases] }, 'server-bun': { runtime: 'bun', version: 'Bun 1.4.5', targets: [serverRow] } });
    const line = (name: string): string => page.split('## Server')[1]!.split('\n').find((candidate) => candidate.startsWith(`| ${name} `)) ?? '';
    expect(page).toContain('| package | what runs | Node | Bun | Deno |');
    expect(line('@wirekit/framed')).toBe('| @wirekit/framed | contract cases from connect | ✅ 70/70 passed | ✅ 70/70 passed | not run |');
    expect(line('@wirekit/server')).toBe('| @wirekit/server | server cases | ❌ 5/6 passed, **1 failed** | not run | not run |');
    expect(page).toContain('- Node, @wirekit/server (server-cases), a room relays: **unexpected**: timed out');
    expect(page).toContain('| Bun | Bun 1.4.5 | the server host in a `bun` child process');
    expect(renderMatrix(results)).toContain('None: every case ran and passed.');
  });

  it('writes the page from the results files, and only when it changes', () => {
    const dir = mkdtempSync(join(tmpdir(), 'wirekit-matrix-'));
    dirs.push(dir);
    for (const [runtime, file] of Object.entries(results)) writeFileSync(join(dir, `${runtime}.json`), JSON.stringify(file));
    const doc = join(dir, 'platforms.md');
    expect(writeMatrix(dir, doc)).toBe(true);
    expect(readFileSync(doc, 'utf8')).toBe(text);
    expect(writeMatrix(dir, doc)).toBe(false);
  });
});
