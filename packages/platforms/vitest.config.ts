import { wirekitProject } from '../../vitest.shared.js';

export default wirekitProject('platforms', {
  // Renders docs/platforms.md from results/*.json once the runtime tests have written them.
  globalSetup: ['./test/global-setup.ts'],
});
