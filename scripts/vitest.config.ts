import { wirekitProject } from '../vitest.shared.js';

// The repository's own scripts (scripts/*.mjs) and the checks over README.md and docs/*.md.
export default wirekitProject('scripts');
