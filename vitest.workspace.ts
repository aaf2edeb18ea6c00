// The list of vitest projects: every package under packages/ that has tests, and the docs samples.
// vitest.config.ts reads it (vitest 4 takes projects from `test.projects`).
export const projects: string[] = ['packages/*', 'docs', 'scripts'];
export default projects;
