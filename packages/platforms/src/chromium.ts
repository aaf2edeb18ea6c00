/**
 * Headless Chromium on the system's /usr/bin/chromium (never a downloaded browser), started by
 * us so that its PID is known, with a fresh profile and no network services of its own, then
 * driven by playwright-core over the DevTools protocol. Killed by its process group id when it
 * fails to start, overstays, or will not close.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { killGroup, trackGroup } from './process-groups.js';

export const CHROMIUM_PATH = '/usr/bin/chromium';

/** The flags Chromium runs with: headless, no sandbox (CI containers), and nothing phoning home. */
export const CHROMIUM_ARGS: readonly string[] = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  // Containers often give /dev/shm 64 MiB, too little for the 16 MiB echo; /tmp has room.
  '--disable-dev-shm-usage',
];

/** An open page in a running Chromium. */
export interface BrowserRun {
  /** The page's console lines and uncaught errors, for failure messages. */
  readonly console: readonly string[];
  /** The browser's PID (also its process group id). */
  readonly pid: number;
  /** The open page, for tests that look at it (a screenshot, the layout of an element). */
  readonly page: Page;
  close(): Promise<void>;
}

const START_MS = 30_000;
const CLOSE_MS = 10_000;
const DEVTOOLS_LINE = /DevTools listening on (ws:\/\/\S+)/;


/**
 * Throws the one command that fixes a missing Chromium. `pnpm test` installs it first
 * (scripts/ensure-test-deps.mjs); a test run some other way (`pnpm vitest run`) may not have it.
 *
 * @throws {Error} when /usr/bin/chromium does not exist.
 */
export function requireChromium(): void {
  if (!existsSync(CHROMIUM_PATH)) throw new Error(`Chromium is not installed at ${CHROMIUM_PATH}: run \`pnpm test\` (it installs the test dependencies) or \`apt-get install -y chromium\` as root`);
}

/**
 * Starts Chromium and opens `url` in it.
 *
 * @param extraArgs more command-line switches, e.g. `--ignore-certificate-errors-spki-list=…` to
 *   trust a test's own certificate.
 * @throws {Error} when /usr/bin/chromium is missing (see {@link requireChromium}), or it
 *   does not start within 30 s (it is then killed).
 */
export async function openInChromium(url: string, extraArgs: readonly string[] = []): Promise<BrowserRun> {
  requireChromium();
  const profile = mkdtempSync(join(tmpdir(), 'wirekit-chromium-'));
  const child = spawn(CHROMIUM_PATH, [...CHROMIUM_ARGS, ...extraArgs, `--user-data-dir=${profile}`, '--remote-debugging-port=0', 'about:blank'], {
    detached: true, // its own process group, so the wrapper script and every Chromium process die together
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const pid = child.pid;
  const release = pid === undefined ? undefined : trackGroup(pid);
  const cleanup = (): void => {
    release?.();
    rmSync(profile, { recursive: true, force: true });
  };
  if (pid === undefined) {
    cleanup();
    throw new Error(`could not start ${CHROMIUM_PATH}`);
  }
  let stderr = '';
  let browser: Browser | undefined;
  try {
    const endpoint = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`Chromium did not start within ${START_MS} ms: ${stderr.slice(-500)}`)), START_MS);
      child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
        if (stderr.length < 64 * 1024) stderr += chunk;
        const found = DEVTOOLS_LINE.exec(stderr);
        if (found?.[1] !== undefined) {
          clearTimeout(timer);
          resolve(found[1]);
        }
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`Chromium exited with ${String(code)} before it listened: ${stderr.slice(-500)}`));
      });
    });
    browser = await chromium.connectOverCDP(endpoint, { timeout: START_MS });
    const context = browser.contexts()[0] ?? (await browser.newContext());
    const page = context.pages()[0] ?? (await context.newPage());
    const lines: string[] = [];
    page.on('console', (message) => void lines.push(`[${message.type()}] ${message.text()}`));
    page.on('pageerror', (error) => void lines.push(`[pageerror] ${error.message}`));
    await page.goto(url, { timeout: START_MS });
    const connected = browser;
    return {
      console: lines,
      pid,
      page,
      async close() {
        const timer = setTimeout(() => killGroup(pid), CLOSE_MS);
        try {
          await connected.close().catch(() => undefined);
        } finally {
          clearTimeout(timer);
          cleanup();
        }
      },
    };
  } catch (error) {
    await browser?.close().catch(() => undefined);
    cleanup();
    throw error;
  }
}
