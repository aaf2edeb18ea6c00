import { defineProject, type UserWorkspaceConfig } from 'vitest/config';

// Workspace packages resolve to their TypeScript source (the 'source' export condition), so
// tests run on src/ without a build. Tests run in Vite's SSR environment, which takes its
// conditions from `ssr.resolve`, not `resolve`, so both are set.
const conditions = ['source', 'node', 'import', 'default'];

/** The vitest project every package (and docs/) uses: one place for resolution and timeouts. */
export function wirekitProject(name: string, test: UserWorkspaceConfig['test'] = {}): UserWorkspaceConfig {
  return defineProject({
    resolve: { conditions },
    ssr: { resolve: { conditions, externalConditions: conditions } },
    test: {
      name,
      include: ['test/**/*.test.ts'],
      testTimeout: 30_000,
      hookTimeout: 30_000,
      ...test,
    },
  });
}
