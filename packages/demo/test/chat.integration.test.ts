/**
 * The chat room end to end: the server of src/chat/server.ts, two users in headless Chromium
 * (the page's bundled client on @wirekit/task's browser entry), and the CLI client as a real
 * child process on @wirekit/framed, all in one room.
 */
import { connect } from '@wirekit/framed';
import { chromium, type Browser, type BrowserServer, type Page } from 'playwright-core';
import { setupAll } from '@wirekit/test-support';
import { afterAll, describe, expect, it } from 'vitest';
import { startChatServer, type RunningChatServer } from '../src/chat/server.js';
import { CHAT_PROTOCOL, MAX_TEXT_LENGTH } from '../src/chat/protocol.js';
// @wirekit/platforms has no "exports" or "main" (it is a private test harness), so its name does
// not resolve; its source is imported directly until it declares an entry.
import { CHROMIUM_ARGS, CHROMIUM_PATH, requireChromium } from '@wirekit/platforms';
import { ChildCli } from './support/child-cli.js';

const WAIT = { timeout: 10_000, interval: 50 };

describe('the chat room: two browser users and a CLI user', () => {
  let chat: RunningChatServer;
  let browserServer: BrowserServer | undefined;
  let browser: Browser;
  let ada: Page;
  let bea: Page;
  let carl: ChildCli | undefined;

  /** Every HTTP response of 400 or more the pages got (a missing /favicon.ico was one). */
  const failedRequests: string[] = [];
  const members = (page: Page): Promise<string[]> => page.locator('#members li').allTextContents();
  const log = (page: Page): Promise<string[]> => page.locator('#log li').allTextContents();
  const errors = (page: Page): Promise<string[]> => page.locator('#log li.error').allTextContents();
  const say = async (page: Page, text: string): Promise<void> => {
    await page.fill('#text', text);
    await page.click('#send');
  };

  // setupAll: a missing or broken Chromium fails every test here instead of skipping them.
  setupAll(async () => {
    requireChromium();
    chat = await startChatServer();
    browserServer = await chromium.launchServer({ executablePath: CHROMIUM_PATH, args: [...CHROMIUM_ARGS], headless: true, timeout: 30_000 });
    browser = await chromium.connect(browserServer.wsEndpoint(), { timeout: 30_000 });
    // Two contexts: two users with nothing shared, as two people on two machines.
    ada = await (await browser.newContext()).newPage();
    bea = await (await browser.newContext()).newPage();
    for (const page of [ada, bea]) page.on('response', (response) => void (response.status() >= 400 && failedRequests.push(`${response.status()} ${response.url()}`)));
  }, 60_000);

  afterAll(async () => {
    carl?.kill();
    const pid = browserServer?.process().pid;
    const killer = setTimeout(() => {
      if (pid !== undefined) process.kill(pid, 'SIGKILL');
    }, 10_000);
    await browser?.close().catch(() => undefined);
    await browserServer?.close().catch(() => undefined);
    clearTimeout(killer);
    await chat?.close();
  }, 30_000);

  it('serves the page, and its script has no Node-only import', async () => {
    const page = await fetch(chat.url);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<script type="module" src="/chat.js">');
    const script = await (await fetch(new URL('/chat.js', chat.url))).text();
    expect(script).not.toMatch(/from\s*["']node:/);
    expect((await fetch(new URL('/nowhere', chat.url))).status).toBe(404);
    const icon = await fetch(new URL('/favicon.ico', chat.url));
    expect([icon.status, icon.headers.get('content-type')]).toEqual([200, 'image/x-icon']);
    expect([...new Uint8Array(await icon.arrayBuffer()).subarray(0, 4)]).toEqual([0, 0, 1, 0]);
  });

  it('lets the three join the same room and shows everyone present to everyone', async () => {
    await ada.goto(chat.url);
    await ada.fill('#name', 'ada');
    await ada.fill('#room', 'lobby');
    await ada.click('#join');
    await expect.poll(() => ada.textContent('#status'), WAIT).toBe('in #lobby as ada');

    await bea.goto(`${chat.url}?room=lobby&name=bea`);
    await expect.poll(() => bea.textContent('#status'), WAIT).toBe('in #lobby as bea');

    carl = new ChildCli('chat/cli.ts', [chat.wsUrl, '--name', 'carl', '--room', 'lobby', '--transport', 'framed']);
    await carl.waitForLine(/^\* joined #lobby as carl; here: ada, bea, carl$/);

    await expect.poll(() => members(ada), WAIT).toEqual(['ada', 'bea', 'carl']);
    await expect.poll(() => members(bea), WAIT).toEqual(['ada', 'bea', 'carl']);
    expect(await log(ada)).toEqual(expect.arrayContaining(['bea joined #lobby', 'carl joined #lobby']));
    expect(failedRequests).toEqual([]);
  });

  it('delivers a browser user’s message to the other browser and to the CLI in near real time', async () => {
    const sent = performance.now();
    await say(ada, 'hello from ada');
    await expect.poll(async () => (await log(bea)).some((line) => line.endsWith('ada: hello from ada')), WAIT).toBe(true);
    await carl?.waitForLine(/^<ada> hello from ada$/);
    // Generous: two cores shared with other work; on an idle machine this is a few ms.
    expect(performance.now() - sent).toBeLessThan(3_000);
  });

  it('delivers the CLI user’s message to both browsers', async () => {
    carl?.write('hello from carl');
    for (const page of [ada, bea]) await expect.poll(async () => (await log(page)).some((line) => line.endsWith('carl: hello from carl')), WAIT).toBe(true);
  });

  it('answers bad input with a clear error: an empty name, an oversize text, an unknown type', async () => {
    await ada.fill('#name', '');
    await ada.click('#join');
    await expect.poll(() => errors(ada), WAIT).toContain('invalid-name: name must not be empty');
    await say(ada, 'x'.repeat(MAX_TEXT_LENGTH + 1));
    await expect.poll(() => errors(ada), WAIT).toContain(`text-too-long: text is ${String(MAX_TEXT_LENGTH + 1)} characters; at most ${String(MAX_TEXT_LENGTH)} are allowed`);
    expect(await members(ada)).toEqual(['ada', 'bea', 'carl']);

    const raw = await connect(chat.wsUrl, { protocols: [CHAT_PROTOCOL], connectTimeout: 5_000 });
    try {
      await raw.send('{"type":"dance"}');
      expect(JSON.parse(String(await raw.receive()))).toEqual({ type: 'error', code: 'unknown-type', message: 'unknown message type "dance"; expected join, message or leave' });
    } finally {
      await raw.close(1000);
    }
  });

  it('closes with 1009 a WebSocket message far larger than any chat line', async () => {
    const raw = await connect(chat.wsUrl, { protocols: [CHAT_PROTOCOL], connectTimeout: 5_000 });
    await raw.send(JSON.stringify({ type: 'message', text: 'x'.repeat(64 * 1024) })).catch(() => undefined);
    const info = await Promise.race([raw.closed, new Promise<never>((_, reject) => setTimeout(() => reject(new Error('no close within 5 s')), 5_000))]);
    expect(info.code).toBe(1009);
  });

  it('updates presence when a browser user leaves, and when the CLI user quits', async () => {
    await bea.close();
    await expect.poll(() => members(ada), WAIT).toEqual(['ada', 'carl']);
    expect(await log(ada)).toContain('bea left');
    await carl?.waitForLine(/^\* bea left$/);

    carl?.write('/quit');
    expect(await carl?.exitCode()).toBe(0);
    await expect.poll(() => members(ada), WAIT).toEqual(['ada']);
    expect(chat.chat.history('lobby').map((line) => `${line.name}: ${line.text}`)).toEqual(['ada: hello from ada', 'carl: hello from carl']);
  });
});
