import { wirekitProject } from '../../vitest.shared.js';

// The hostile-peer cases run concurrently (each in its own victim process), at most 2 per file.
export default wirekitProject('conformance', { maxConcurrency: 2 });
