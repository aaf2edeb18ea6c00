/**
 * `pnpm demo`: the WireKit tour. An embedded WireKitServer echoes on loopback; the same function,
 * written once against the shared `Connection`, runs over each of the five transports (text,
 * binary, JSON, a timed echo loop, ping, a clean close); a comparison table follows. Then the chat
 * room is served until Ctrl-C or SIGTERM.
 *
 * Flags: `--no-chat` (tour only, then exit: for tests and CI), `--port N` (the chat server's port;
 * an ephemeral one by default), `--nodes N` (the chat on N processes sharing the port through a
 * throw-away Redis: docs/scaling.md); a leading `--` is ignored, so `pnpm demo -- --no-chat` works as
 * `pnpm demo --no-chat` does. Exits 1 when any transport fails the tour, 0 after Ctrl-C.
 */
import { parseArgs } from 'node:util';
import { describeError } from './bounded.js';
import { startChatCluster } from './chat/cluster.js';
import { startChatServer } from './chat/server.js';
import { isMain } from './is-main.js';
import { untilStopSignal } from './stop-signal.js';
import { formatTable } from './tour/report.js';
import { runTour } from './tour/run-tour.js';

const USAGE = 'usage: pnpm demo [--no-chat] [--port N] [--nodes N]';

async function serveChat(port: number, nodes: number): Promise<void> {
  const log = (line: string): void => console.log(line);
  const chat = nodes > 1 ? await startChatCluster({ nodes, port, log }) : await startChatServer({ port, log });
  // Listening before the prompt is printed: a Ctrl-C the moment it shows must stop cleanly too.
  const stopped = untilStopSignal();
  console.log(`\nThe chat room is open: ${chat.url}  (WebSocket endpoint ${chat.wsUrl})`);
  console.log(`  web: open ${chat.url}?room=lobby&name=ada in two browser tabs`);
  console.log(`  terminal: pnpm chat ${chat.wsUrl} --name bob --room lobby`);
  console.log('Ctrl-C stops it.');
  const signal = await stopped;
  console.log(`\n${signal}: closing the chat (clients get 1001 Going Away)…`);
  await chat.close();
  console.log('chat closed.');
}

/** The tour's command line; resolves with the exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  let values;
  try {
    const args = argv[0] === '--' ? argv.slice(1) : [...argv];
    ({ values } = parseArgs({ args, options: { 'no-chat': { type: 'boolean', default: false }, port: { type: 'string', default: '0' }, nodes: { type: 'string', default: '1' } } }));
  } catch (error) {
    console.error(`${describeError(error)}\n${USAGE}`);
    return 2;
  }
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) return (console.error(`--port must be 0–65535\n${USAGE}`), 2);
  const nodes = Number(values.nodes);
  if (!Number.isInteger(nodes) || nodes < 1 || nodes > 64) return (console.error(`--nodes must be 1–64\n${USAGE}`), 2);
  console.log('WireKit tour: one function, written against Connection, over the five transports\n');
  const tour = await runTour({ log: (line) => console.log(line) });
  console.log(`\n${formatTable(tour.results)}\n`);
  for (const error of tour.serverErrors) console.log(`server: ${error}`);
  const failed = tour.results.filter((result) => !result.ok);
  console.log(failed.length === 0 ? 'All five transports passed the tour.' : `FAILED: ${failed.map((result) => `${result.transport} (${result.error ?? 'incomplete'})`).join('; ')}`);
  if (values['no-chat'] !== true) await serveChat(port, nodes);
  return failed.length === 0 ? 0 : 1;
}

if (isMain(import.meta.url)) process.exit(await main(process.argv.slice(2)));
