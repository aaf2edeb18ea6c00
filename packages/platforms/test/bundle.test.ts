import { describe, expect, it } from 'vitest';
import { bundleRunner } from './support/bundle.js';
import type { PlatformTarget } from './support/targets.js';

const fake = (overrides: Partial<PlatformTarget>): PlatformTarget => ({
  id: 'fake',
  package: '@wirekit/core',
  label: 'a test target',
  flavor: 'web',
  imports: [],
  factory: 'whatwgFactory()',
  skip: [],
  ...overrides,
});

describe('bundleRunner()', () => {
  it('bundles the web runner for browsers, with no Node-only import left', async () => {
    const bundle = await bundleRunner('web', undefined, [fake({ id: 'whatwg-reference' })]);
    expect(bundle.targets.map((target) => target.id)).toEqual(['whatwg-reference']);
    expect(bundle.unavailable).toEqual([]);
    expect(bundle.code).not.toMatch(/from\s*["'](?:node:|ws["']|vitest["'])/);
    expect(bundle.code).toContain('runContract');
  });

  it('leaves out a target whose package does not export its entry, with esbuild\'s reason, and keeps the others', async () => {
    const bundle = await bundleRunner('web', undefined, [fake({ id: 'missing', imports: ['connectNowhere'], factory: 'connectNowhere' }), fake({ id: 'whatwg-reference' })]);
    expect(bundle.targets.map((target) => target.id)).toEqual(['whatwg-reference']);
    expect(bundle.unavailable).toHaveLength(1);
    expect(bundle.unavailable[0]?.reason).toMatch(/No matching export in "packages\/core\/src\/index.ts" for import "connectNowhere"/);
  });

  it('refuses a web target that would pull in Node-only modules, naming the import', async () => {
    const bundle = await bundleRunner('web', undefined, [fake({ id: 'node-in-browser', package: '@wirekit/framed', imports: ['connect'], factory: 'connect' })]);
    expect(bundle.targets).toEqual([]);
    expect(bundle.unavailable[0]?.reason).toMatch(/still imports a Node-only module: import .*"node:/);
  });
});
