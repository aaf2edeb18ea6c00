import { WireKitServer } from '@wirekit/server';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { TRANSPORT_NAMES } from '../src/transports.js';
import { ChildCli } from './support/child-cli.js';

describe('wirekit connect (src/cli.ts, a real child process)', () => {
  let server: WireKitServer;
  let url = '';
  const closes: Array<{ code: number; reason: string }> = [];
  const children: ChildCli[] = [];

  beforeAll(async () => {
    server = new WireKitServer({ host: '127.0.0.1', port: 0, handleProtocols: (offered) => offered[0] });
    server.on('connection', (connection) => {
      connection.on('message', (message) => void connection.send(message).catch(() => undefined));
      connection.on('close', (info) => closes.push({ code: info.code, reason: info.reason }));
    });
    ({ url } = await server.listen());
  });
  afterEach(() => {
    for (const child of children.splice(0)) child.kill();
  });
  afterAll(async () => {
    await server.close();
  });

  const start = (args: readonly string[]): ChildCli => {
    const child = new ChildCli('cli.ts', args);
    children.push(child);
    return child;
  };

  it.each(TRANSPORT_NAMES)('--transport %s: echoes a line, pings, sends binary, and /close ends with exit 0', async (transport) => {
    const cli = start(['connect', url, '--transport', transport]);
    await cli.waitForLine(new RegExp(`^connected to ws://127\\.0\\.0\\.1:\\d+/? with @wirekit/${transport}`));
    cli.write(`hello via ${transport}`);
    await cli.waitForLine(new RegExp(`^< hello via ${transport}$`));
    cli.write('/binary 00ff10');
    await cli.waitForLine(/^< binary 3 bytes: 00ff10$/);
    cli.write('/ping');
    await cli.waitForLine(/^pong in \d+\.\d\d ms$/);
    cli.write('/close 1000 done here');
    expect(await cli.exitCode()).toBe(0);
    expect(cli.lines.at(-1)).toBe('closed: 1000 (clean)');
    expect(closes.at(-1)).toEqual({ code: 1000, reason: 'done here' });
  });

  it('closes with 1000 at the end of input, and passes --protocol', async () => {
    const cli = start(['connect', url, '-t', 'framed', '--protocol', 'echo.v1']);
    await cli.waitForLine(/protocol echo\.v1$/);
    cli.write('//slash');
    await cli.waitForLine(/^< \/slash$/);
    cli.endInput();
    expect(await cli.exitCode()).toBe(0);
    expect(closes.at(-1)).toEqual({ code: 1000, reason: 'end of input' });
  });

  it('exits 1 with the error code when nothing listens, and 2 on bad usage', async () => {
    const refused = start(['connect', 'ws://127.0.0.1:1/', '--transport', 'socket']);
    expect(await refused.exitCode()).toBe(1);
    expect(refused.errors.join('\n')).toMatch(/could not connect with @wirekit\/socket: WK_ERR_CONNECTION_REFUSED/);
    const unknown = start(['connect', url, '--transport', 'carrier-pigeon']);
    expect(await unknown.exitCode()).toBe(2);
    expect(unknown.errors.join('\n')).toMatch(/unknown transport carrier-pigeon/);
  });
});
