/**
 * The chat room from a terminal: `chat <ws://host:port/chat> --name you [--room lobby]
 * [--transport framed]`. Joins the room, prints what the room says, sends each input line as a
 * chat message. `/join room` moves to another room, `/quit` (or the end of input, or Ctrl-C)
 * leaves with 1000.
 */
import { parseArgs } from 'node:util';
import type { Connection, Message } from '@wirekit/core';
import { describeError } from '../bounded.js';
import { closeOnStopSignal, isUsageError, type CliIo, type CliOptions } from '../cli.js';
import { isMain } from '../is-main.js';
import { runLineSession } from '../line-session.js';
import { DEFAULT_TRANSPORT, findTransport, TRANSPORT_NAMES } from '../transports.js';
import { CHAT_PROTOCOL, formatServerMessage, parseServerMessage } from './protocol.js';

const USAGE = `usage: chat <ws://host:port/chat> --name <you> [--room lobby] [--transport ${TRANSPORT_NAMES.join('|')}] (default ${DEFAULT_TRANSPORT})
once joined: type to talk, /join <room> to move, /quit (or Ctrl-C) to leave
exit status: 0 after a clean close, 1 after any other end, 2 on bad usage (a bad URL included)`;

function format(message: Message): string[] {
  try {
    const parsed = parseServerMessage(message);
    const lines = [formatServerMessage(parsed)];
    if (parsed.type === 'welcome') for (const line of parsed.history) lines.push(`  <${line.name}> ${line.text}`);
    return lines;
  } catch (error) {
    return [`! ${describeError(error)}`];
  }
}

async function onLine(connection: Connection, line: string, name: string): Promise<void> {
  if (line === '/quit') {
    await connection.close(1000, 'bye');
    return;
  }
  if (line.startsWith('/join ')) return connection.send(JSON.stringify({ type: 'join', room: line.slice('/join '.length).trim(), name }));
  if (line.trim() === '') return;
  return connection.send(JSON.stringify({ type: 'message', text: line }));
}

/**
 * Runs the chat client with `argv` (without node and the script); resolves with the exit code:
 * 0 after a clean close, 1 after any other end, 2 on bad usage.
 */
export async function main(argv: readonly string[], io?: CliIo, options: CliOptions = {}): Promise<number> {
  const out: CliIo = io ?? { input: process.stdin, print: (line) => void process.stdout.write(`${line}\n`), printError: (line) => void process.stderr.write(`${line}\n`) };
  let values;
  let positionals;
  try {
    ({ values, positionals } = parseArgs({ args: [...argv], allowPositionals: true, options: { name: { type: 'string', short: 'n' }, room: { type: 'string', short: 'r', default: 'lobby' }, transport: { type: 'string', short: 't', default: DEFAULT_TRANSPORT } } }));
  } catch (error) {
    out.printError(`${describeError(error)}\n${USAGE}`);
    return 2;
  }
  const [url] = positionals;
  const transport = findTransport(values.transport);
  if (url === undefined || values.name === undefined || transport === undefined) return (out.printError(USAGE), 2);
  const name = values.name;
  let connection: Connection;
  try {
    connection = await transport.connect(url, { protocols: [CHAT_PROTOCOL], connectTimeout: 10_000 });
  } catch (error) {
    out.printError(`could not connect with @wirekit/${transport.name}: ${describeError(error)}`);
    return isUsageError(error) ? 2 : 1;
  }
  const stopSignals = options.signals === true ? closeOnStopSignal(connection) : () => undefined;
  out.print(`* connected to ${connection.url} with @wirekit/${transport.name}`);
  await connection.send(JSON.stringify({ type: 'join', room: values.room, name }));
  const info = await runLineSession({ connection, input: out.input, print: out.print, format, onLine: (line) => onLine(connection, line, name) });
  stopSignals();
  out.print(`* disconnected: ${String(info.code)}${info.reason === '' ? '' : ` ${info.reason}`}`);
  return info.wasClean ? 0 : 1;
}

/** The program (bin/chat.mjs): the process's streams, Ctrl-C leaves with 1000. */
export function run(argv: readonly string[]): Promise<number> {
  return main(argv, undefined, { signals: true });
}

if (isMain(import.meta.url)) process.exit(await run(process.argv.slice(2)));
