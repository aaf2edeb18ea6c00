#!/usr/bin/env node
// `pnpm chat <ws://…/chat> --name you …`: src/chat/cli.ts.
import { runSource } from './run-source.mjs';

await runSource('chat/cli.ts');
