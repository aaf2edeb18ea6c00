/**
 * The demo's commands as the README shows them, typed into a shell: `pnpm demo -- --no-chat`,
 * `pnpm demo` stopped by Ctrl-C, `pnpm wirekit …` and `pnpm chat …`, each a real pnpm child in
 * its own process group (Ctrl-C is SIGINT to that whole group, as a terminal sends it). A clean
 * stop exits 0 and prints none of pnpm's failure lines; `pnpm wirekit` prints no script banner.
 *
 * `wirekit` and `chat` are binaries (packages/demo/bin), which pnpm runs as `pnpm exec` does:
 * without a banner or an ELIFECYCLE line, but pnpm itself has no SIGINT handler there, so after
 * Ctrl-C pnpm's own status is 130 while the program closes with 1000 and exits 0. The programs'
 * exit status is checked on the binary itself, in a process group as a terminal starts it.
 */
import { freePort, wsServer, type WsServer } from '@wirekit/test-support';
import { afterEach, describe, expect, it } from 'vitest';
import { startChatServer } from '../src/chat/server.js';
import { ChildCli } from './support/child-cli.js';

const PNPM_NOISE = /ELIFECYCLE|ERR_PNPM|Command failed/;

describe('the README’s pnpm commands (real pnpm children)', () => {
  const children: ChildCli[] = [];
  const servers: WsServer[] = [];
  afterEach(async () => {
    for (const child of children.splice(0)) child.kill();
    await Promise.all(servers.splice(0).map((server) => server.close()));
  });
  const pnpm = (...args: string[]): ChildCli => {
    const child = new ChildCli({ pnpm: args });
    children.push(child);
    return child;
  };
  const bin = (name: string, ...args: string[]): ChildCli => {
    const child = new ChildCli({ bin: name }, args);
    children.push(child);
    return child;
  };
  const noise = (child: ChildCli): string[] => [...child.lines, ...child.errors].filter((line) => PNPM_NOISE.test(line));

  /** Runs a command line exactly as the docs print it (`<port>` where they show a port), in bash at the repository root. */
  const shell = (line: string, port?: number): ChildCli => {
    const child = new ChildCli({ shell: port === undefined ? line : line.replace('<port>', String(port)) });
    children.push(child);
    return child;
  };

  it.each(['pnpm demo --no-chat', 'pnpm demo -- --no-chat'])('%s runs the tour and exits 0', async (line) => {
    const demo = shell(line);
    expect(await demo.exitCode(90_000)).toBe(0);
    expect(demo.lines).toContain('All five transports passed the tour.');
    expect(noise(demo)).toEqual([]);
  }, 100_000);

  // npx (npm exec) ends itself with the SIGINT it got and takes the processes under it down,
  // so through the README's npx line the demo does not always get to print "chat closed." and
  // the status is the signal's (130 in a shell): a known limit of npm exec, checked as such.
  // `pnpm demo` stops cleanly with 0.
  it.each([
    ['npx --yes pnpm@10.34.8 install && npx --yes pnpm@10.34.8 demo', null],
    ['pnpm demo', 0],
  ])('%s serves the chat until Ctrl-C, which stops it without pnpm failure lines', async (line, status) => {
    const demo = shell(line);
    await demo.waitForLine(/^Ctrl-C stops it\.$/, 110_000);
    demo.interrupt();
    expect(await demo.exitCode(20_000)).toBe(status);
    if (status === 0) await demo.waitForLine(/^chat closed\.$/, 20_000);
    expect(noise(demo)).toEqual([]);
  }, 150_000);

  it('pnpm demo --port <port> serves the chat there, which pnpm chat … and pnpm wirekit connect … join as the docs show', async () => {
    const port = await freePort();
    const demo = shell('pnpm demo --port <port>', port);
    await demo.waitForLine(new RegExp(`^The chat room is open: http://127\\.0\\.0\\.1:${port}/`), 90_000);
    const bob = shell('pnpm chat ws://127.0.0.1:<port>/chat --name bob --room lobby', port);
    await bob.waitForLine(/^\* joined #lobby as bob/);
    const eve = shell('pnpm wirekit connect ws://127.0.0.1:<port>/chat --transport socket --protocol wirekit.chat.v1', port);
    await eve.waitForLine(new RegExp(`^connected to ws://127\\.0\\.0\\.1:${port}/chat with @wirekit/socket .*, protocol wirekit\\.chat\\.v1$`));
    eve.write(JSON.stringify({ type: 'join', room: 'lobby', name: 'eve' }));
    await bob.waitForLine(/^\* in #lobby: .*\beve\b/);
    eve.write('/close 1000 bye');
    await eve.waitForLine(/^closed: 1000/);
    bob.endInput();
    expect(await bob.exitCode()).toBe(0);
    demo.interrupt();
    expect(await demo.exitCode(20_000)).toBe(0);
  }, 150_000);

  it('pnpm wirekit --help prints the usage and nothing of pnpm', async () => {
    const help = pnpm('wirekit', '--help');
    expect(await help.exitCode()).toBe(0);
    expect(help.lines[0]).toMatch(/^usage: wirekit connect /);
    expect(help.lines.join('\n')).toContain('exit status: 0 after a clean close, 1 after any other end, 2 on bad usage (a bad URL included)');
  });

  it('pnpm wirekit connect with a bad URL exits 2, as its help says, with no pnpm line', async () => {
    const bad = pnpm('wirekit', 'connect', 'ftp://127.0.0.1/');
    expect(await bad.exitCode()).toBe(2);
    expect(bad.errors.join('\n')).toContain('WK_ERR_INVALID_URL: a WebSocket URL is ws:, wss:, http: or https:, got ftp:');
    expect(noise(bad)).toEqual([]);
  });

  it('Ctrl-C in pnpm wirekit connect closes with 1000 (the program exits 0); the default transport is framed', async () => {
    const server = await wsServer();
    servers.push(server);
    for (const cli of [pnpm('wirekit', 'connect', server.url), bin('wirekit.mjs', 'connect', server.url)]) {
      await cli.waitForLine(/^connected to .* with @wirekit\/framed /);
      cli.interrupt();
      await cli.waitForLine(/^closed: 1000 "interrupted" \(clean\)$/);
      expect(noise(cli)).toEqual([]);
    }
    expect(await children[1]!.exitCode()).toBe(0);
    expect(await children[0]!.exitCode()).toBeNull(); // pnpm itself, ended by the SIGINT
    expect(server.closes).toEqual([
      { code: 1000, reason: 'interrupted' },
      { code: 1000, reason: 'interrupted' },
    ]);
  });

  it('Ctrl-C in pnpm chat leaves with 1000 (the program exits 0); the default transport is framed', async () => {
    const chat = await startChatServer();
    try {
      for (const cli of [pnpm('chat', chat.wsUrl, '--name', 'dora'), bin('chat.mjs', chat.wsUrl, '--name', 'eve')]) {
        await cli.waitForLine(/^\* connected to .* with @wirekit\/framed$/);
        await cli.waitForLine(/^\* joined #lobby as /);
        cli.interrupt();
        await cli.waitForLine(/^\* disconnected: 1000\b/);
        expect(noise(cli)).toEqual([]);
      }
      expect(await children[1]!.exitCode()).toBe(0);
      expect(await children[0]!.exitCode()).toBeNull(); // pnpm itself, ended by the SIGINT
    } finally {
      await chat.close();
    }
  });
});
