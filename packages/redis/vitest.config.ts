import { wirekitProject } from '../../vitest.shared.js';

export default wirekitProject('redis');
