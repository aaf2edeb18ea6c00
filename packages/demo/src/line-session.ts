/**
 * What both command-line clients share: a connection on one side, lines of a terminal (or any
 * readable stream) on the other. Lines are handled one at a time, in order; messages are printed
 * as they arrive; the end of input closes the connection with 1000; the session ends when the
 * connection is closed, however that happened.
 */
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import type { CloseInfo, Connection, Message } from '@wirekit/core';
import { bounded, describeError } from './bounded.js';

/** Options of {@link runLineSession}. */
export interface LineSessionOptions {
  readonly connection: Connection;
  readonly input: Readable;
  /** Writes one line of output. */
  readonly print: (line: string) => void;
  /** Handles one input line; a thrown error is printed as `! …`, and the session goes on. */
  readonly onLine: (line: string) => Promise<void> | void;
  /** Turns a received message into the lines to print. */
  readonly format: (message: Message) => readonly string[];
  /** How long the close after end of input may take, in ms; 10 000 by default. */
  readonly closeTimeoutMs?: number;
}

/** Runs the session; resolves with how the connection closed. */
export async function runLineSession(options: LineSessionOptions): Promise<CloseInfo> {
  const { connection, print } = options;
  const lines = createInterface({ input: options.input, crlfDelay: Infinity, terminal: false });
  let queue = Promise.resolve();
  lines.on('line', (line) => {
    queue = queue.then(async () => {
      if (connection.state !== 'open') return print(`! not sent, the connection is ${connection.state}: ${line}`);
      try {
        await options.onLine(line);
      } catch (error) {
        print(`! ${describeError(error)}`);
      }
    });
  });
  lines.once('close', () => {
    void queue.then(async () => {
      if (connection.state !== 'open') return;
      try {
        await bounded(connection.close(1000, 'end of input'), options.closeTimeoutMs ?? 10_000, 'close after end of input');
      } catch (error) {
        print(`! ${describeError(error)}`);
        connection.terminate();
      }
    });
  });
  const reading = (async () => {
    try {
      for await (const message of connection) for (const line of options.format(message)) print(line);
    } catch (error) {
      print(`! ${describeError(error)}`);
    }
  })();
  const info = await connection.closed;
  await reading;
  lines.close();
  return info;
}
