#!/usr/bin/env node
// `pnpm wirekit connect <url> …`: src/cli.ts.
import { runSource } from './run-source.mjs';

await runSource('cli.ts');
