/**
 * docs/getting-started.md's install from a checkout, run as written: the pack command in the
 * repository root (after `pnpm install && pnpm build`, which .ci/run runs before the tests), then the npm
 * install of the three tarballs in an app next to a "wirekit" directory, then the app connects
 * with @wirekit/framed to a loopback ws server and gets its echo: the packed packages work.
 */
import { execFile, execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { wsServer } from '@wirekit/test-support';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..');
const GUIDE = join(ROOT, 'docs', 'getting-started.md');
/** The guide's commands, verbatim (the first test checks that the guide still shows these). */
const BUILD = 'pnpm install && pnpm build';
const PACK = 'pnpm --filter @wirekit/protocol --filter @wirekit/core --filter @wirekit/framed pack --pack-destination tarballs';
const INSTALL = 'npm install ../wirekit/tarballs/wirekit-protocol-0.1.0.tgz ../wirekit/tarballs/wirekit-core-0.1.0.tgz ../wirekit/tarballs/wirekit-framed-0.1.0.tgz';

/** The shell lines of the guide's install block, comments left out. */
function installLines(): string[] {
  const block = /## Install[\s\S]*?```sh\n([\s\S]*?)```/.exec(readFileSync(GUIDE, 'utf8'))?.[1] ?? '';
  return block.split('\n').filter((line) => line.trim() !== '' && !line.startsWith('#'));
}

describe('installing from a checkout (docs/getting-started.md)', () => {
  it('shows pnpm install && pnpm build, the pack command and the npm install of the tarballs', () => {
    expect(installLines()).toEqual([BUILD, PACK, INSTALL]);
  });

  it('packs, installs into an outside app with npm, and the app talks to a ws server with @wirekit/framed', async () => {
    expect(existsSync(join(ROOT, 'packages', 'framed', 'dist', 'index.js')), 'run `pnpm build` first (.ci/run does)').toBe(true);
    const work = mkdtempSync(join(tmpdir(), 'wirekit-install-'));
    const server = await wsServer();
    try {
      execFileSync('bash', ['-c', PACK], { cwd: ROOT, stdio: 'pipe', timeout: 120_000 });
      // The guide's layout: the app next to the checkout, which it calls ../wirekit.
      symlinkSync(ROOT, join(work, 'wirekit'));
      const app = join(work, 'app');
      mkdirSync(app);
      writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'app', private: true, type: 'module' }));
      execFileSync('bash', ['-c', `${INSTALL} --no-audit --no-fund`], { cwd: app, stdio: 'pipe', timeout: 180_000 });
      writeFileSync(
        join(app, 'main.js'),
        `import { connect } from '@wirekit/framed';
const connection = await connect(process.argv[2]);
await connection.send('hello from a tarball');
console.log(await connection.receive());
await connection.close();`,
      );
      // Asynchronously: the ws server lives in this process and must keep answering.
      const { stdout } = await promisify(execFile)(process.execPath, ['main.js', server.url], { cwd: app, encoding: 'utf8', timeout: 30_000 });
      expect(stdout.trim()).toBe('hello from a tarball');
    } finally {
      await server.close();
      rmSync(join(ROOT, 'tarballs'), { recursive: true, force: true });
      rmSync(work, { recursive: true, force: true });
    }
  }, 300_000);
});
