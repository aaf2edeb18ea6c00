/**
 * `wirekit connect <url> [--transport task|framed|streams|socket|adapter] [--protocol p]`: a
 * wscat-like client on any of the five transports. Received messages are printed (`< text`,
 * binary as length and hex); each input line is sent as text; `/ping`, `/close [code] [reason]`,
 * `/binary <hex>` and `/help` are commands (`//…` sends a line that starts with `/`). Ctrl-C
 * closes with 1000. Exits 0 after a clean close, 1 after any other end, 2 on bad usage (a bad
 * URL included).
 */
import type { Readable } from 'node:stream';
import { parseArgs } from 'node:util';
import { WireKitError, type Connection, type Message } from '@wirekit/core';
import { describeError, fromHex, toHex } from './bounded.js';
import { runLineSession } from './line-session.js';
import { isMain } from './is-main.js';
import { onStopSignal } from './stop-signal.js';
import { DEFAULT_TRANSPORT, findTransport, TRANSPORT_NAMES } from './transports.js';

const USAGE = `usage: wirekit connect <ws://…> [--transport ${TRANSPORT_NAMES.join('|')}] (default ${DEFAULT_TRANSPORT}) [--protocol name]…
commands once connected: /ping [text], /close [code] [reason], /binary <hex>, /help; //text sends "/text"; Ctrl-C closes with 1000
exit status: 0 after a clean close, 1 after any other end, 2 on bad usage (a bad URL included)`;

/** Where the CLI reads and writes; the process's own streams by default. */
export interface CliIo {
  readonly input: Readable;
  readonly print: (line: string) => void;
  readonly printError: (line: string) => void;
}

const processIo = (): CliIo => ({
  input: process.stdin,
  print: (line) => void process.stdout.write(`${line}\n`),
  printError: (line) => void process.stderr.write(`${line}\n`),
});

function formatMessage(message: Message): string[] {
  if (typeof message === 'string') return [`< ${message}`];
  return [`< binary ${String(message.length)} bytes: ${toHex(message)}`];
}

async function command(connection: Connection, line: string, print: (line: string) => void): Promise<void> {
  if (line.startsWith('//')) return connection.send(line.slice(1));
  if (!line.startsWith('/')) return connection.send(line);
  const [name = '', ...rest] = line.slice(1).split(' ');
  const argument = rest.join(' ');
  switch (name) {
    case 'ping': {
      const ms = await connection.ping(new TextEncoder().encode(argument));
      return print(`pong in ${ms.toFixed(2)} ms`);
    }
    case 'close': {
      const [code, ...reason] = rest;
      const info = await connection.close(code === undefined || code === '' ? 1000 : Number(code), reason.join(' '));
      return print(`closing handshake done: ${String(info.code)}`);
    }
    case 'binary':
      return connection.send(fromHex(argument));
    case 'help':
      return print(USAGE);
    default:
      return print(`! unknown command /${name}; try /help`);
  }
}

/** Options of {@link main}. */
export interface CliOptions {
  /** Close with 1000 on SIGINT (Ctrl-C) or SIGTERM; true when run as a program. */
  readonly signals?: boolean;
}

/** Whether a failed connect was the caller's mistake (a bad URL or option): exit status 2. */
export function isUsageError(error: unknown): boolean {
  return error instanceof WireKitError && error.domain === 'usage';
}

/**
 * Closes `connection` with 1000 on the first Ctrl-C or SIGTERM (terminating it if the close
 * fails); returns the function that removes the handlers.
 */
export function closeOnStopSignal(connection: Connection): () => void {
  return onStopSignal(() => {
    connection.close(1000, 'interrupted').catch(() => connection.terminate());
  });
}

/**
 * Runs the CLI with `argv` (without node and the script); resolves with the exit code.
 * @param io where to read lines and print; the process's stdin/stdout/stderr by default.
 */
export async function main(argv: readonly string[], io: CliIo = processIo(), options: CliOptions = {}): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args: [...argv], allowPositionals: true, options: { transport: { type: 'string', short: 't', default: DEFAULT_TRANSPORT }, protocol: { type: 'string', short: 'p', multiple: true }, help: { type: 'boolean', short: 'h' } } });
  } catch (error) {
    io.printError(`${describeError(error)}\n${USAGE}`);
    return 2;
  }
  const [verb, url] = parsed.positionals;
  if (parsed.values.help === true) return (io.print(USAGE), 0);
  if (verb !== 'connect' || url === undefined) return (io.printError(USAGE), 2);
  const transport = findTransport(parsed.values.transport);
  if (transport === undefined) return (io.printError(`unknown transport ${parsed.values.transport}\n${USAGE}`), 2);
  let connection: Connection;
  try {
    connection = await transport.connect(url, { protocols: parsed.values.protocol ?? [], connectTimeout: 10_000 });
  } catch (error) {
    io.printError(`could not connect with @wirekit/${transport.name}: ${describeError(error)}`);
    return isUsageError(error) ? 2 : 1;
  }
  const stopSignals = options.signals === true ? closeOnStopSignal(connection) : () => undefined;
  io.print(`connected to ${connection.url} with @wirekit/${transport.name} (${transport.iosOriginal})${connection.protocol === '' ? '' : `, protocol ${connection.protocol}`}`);
  const info = await runLineSession({ connection, input: io.input, print: io.print, format: formatMessage, onLine: (line) => command(connection, line, io.print) });
  stopSignals();
  io.print(`closed: ${String(info.code)}${info.reason === '' ? '' : ` ${JSON.stringify(info.reason)}`} (${info.wasClean ? 'clean' : 'not clean'})`);
  return info.wasClean ? 0 : 1;
}

/** The program (bin/wirekit.mjs): the process's streams, Ctrl-C closes with 1000. */
export function run(argv: readonly string[]): Promise<number> {
  return main(argv, processIo(), { signals: true });
}

// exit() so that a stdin nobody reads any more cannot keep the process alive; stdout to a pipe or file is synchronous on Linux.
if (isMain(import.meta.url)) process.exit(await run(process.argv.slice(2)));
