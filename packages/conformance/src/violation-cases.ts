import type { Connection, Message } from '@wirekit/core';
import { encodeFrame, Opcode } from '@wirekit/protocol';
import { expect } from './assert.js';
import { delay, within } from './bounded.js';
import { expectFailedWith, WAIT_MS, type ContractCase } from './contract-case.js';
import type { FaultContext } from './fault-cases.js';
import type { FaultDelivery } from './fault-server.js';
import type { ConformanceSkip } from './run-contract.js';
import { concatBytes } from './runtime.js';

/**
 * The edges of RFC 6455 where a client must be strict and still fair (issues 12 and 17): a
 * valid message followed by a violation is delivered and answered before the connection fails
 * with 1002, the violation's WK_ERR_* code reaches the application, invalid UTF-8 fails a text
 * frame before the rest of it arrives, and messages sent with the 101 wait for a listener
 * attached later. Each runs with the server's bytes in the segment of the 101 and split into
 * small segments (see {@link FaultDelivery}).
 */

const text = new TextEncoder();

/** An unmasked server Text frame. */
function textFrame(message: string): Uint8Array {
  return concatBytes(encodeFrame({ opcode: Opcode.Text, payload: text.encode(message) }));
}

/** Frames that break the protocol (as a server sends them), with the Autobahn case they come from. */
const VIOLATIONS = [
  { name: 'a frame with RSV1 set and no extension (Autobahn 3.2)', bytes: [0xc1, 0x00], code: 'WK_ERR_RESERVED_BITS' },
  { name: 'a frame with a reserved opcode (Autobahn 4.1.3)', bytes: [0x83, 0x00], code: 'WK_ERR_RESERVED_OPCODE' },
  { name: 'a continuation frame with nothing to continue (Autobahn 5.15)', bytes: [0x80, 0x00], code: 'WK_ERR_UNEXPECTED_CONTINUATION' },
] as const;

const DELIVERIES: ReadonlyArray<{ readonly delivery: FaultDelivery; readonly label: string }> = [
  { delivery: 'with-101', label: 'in the segment of the 101' },
  { delivery: 'split', label: 'split into 3-byte segments' },
];

/** Autobahn 6.4.3: valid UTF-8, then a code point above U+10FFFF; the frame claims 8 bytes more that never come. */
function partialInvalidText(): Uint8Array {
  const sent = concatBytes([text.encode('κόσμε'), Uint8Array.of(0xf4, 0x90, 0x80, 0x80)]);
  const whole = concatBytes(encodeFrame({ opcode: Opcode.Text, payload: concatBytes([sent, text.encode('-edited')]) }));
  return whole.subarray(0, whole.length - 'edited'.length);
}

/** ms a listener waits to be attached in the early-messages case: longer than any transport's read of the 101's segment. */
const LATE_LISTENER_MS = 50;

function recordErrors(connection: Connection): string[] {
  const codes: string[] = [];
  connection.on('error', (error) => codes.push(error.code));
  return codes;
}

const deliverBeforeFail = VIOLATIONS.flatMap(({ name, bytes }) =>
  DELIVERIES.map(({ delivery, label }): ContractCase<FaultContext> => ({
    feature: 'deliver-before-fail',
    title: `delivers a message followed by ${name} ${label}, and its reply leaves before the Close 1002`,
    async run(context) {
      const server = await context.faultServer({ mode: 'malformed-frame', delivery, bytes: concatBytes([textFrame('hello'), Uint8Array.from(bytes)]) });
      const connection = await within(context.connect(server.url), WAIT_MS, 'the connect');
      const seen: Message[] = [];
      connection.on('message', (message) => {
        seen.push(message);
        connection.send(`echo ${String(message)}`).catch(() => undefined);
      });
      expectFailedWith(await within(connection.closed, WAIT_MS, 'the connection to fail'), 1002);
      expect(seen[0]).toBe('hello');
      expect((await server.clientClose(WAIT_MS)).code).toBe(1002);
      expect((await server.received())[0]).toBe('echo hello');
    },
  })),
);

const replyFromLoop = VIOLATIONS.slice(0, 1).flatMap(({ name, bytes }) =>
  DELIVERIES.map(({ delivery, label }): ContractCase<FaultContext> => ({
    feature: 'deliver-before-fail-async',
    title: `delivers a message followed by ${name} ${label} to a for await loop, whose reply leaves before the Close 1002`,
    async run(context) {
      const server = await context.faultServer({ mode: 'malformed-frame', delivery, bytes: concatBytes([textFrame('hello'), Uint8Array.from(bytes)]) });
      const connection = await within(context.connect(server.url), WAIT_MS, 'the connect');
      const loop = (async () => {
        for await (const message of connection) await connection.send(`echo ${String(message)}`);
      })();
      await within(loop.catch(() => undefined), WAIT_MS, 'the loop to end');
      expectFailedWith(await within(connection.closed, WAIT_MS, 'the connection to fail'), 1002);
      expect((await server.clientClose(WAIT_MS)).code).toBe(1002);
      expect((await server.received())[0]).toBe('echo hello');
    },
  })),
);

const faultCodes = VIOLATIONS.flatMap(({ name, bytes, code }) =>
  DELIVERIES.map(({ delivery, label }): ContractCase<FaultContext> => ({
    feature: 'fault-error-code',
    title: `reports ${code} to an error listener attached after connect() resolved, for ${name} ${label}`,
    async run(context) {
      const server = await context.faultServer({ mode: 'malformed-frame', delivery, bytes: Uint8Array.from(bytes) });
      const connection = await within(context.connect(server.url), WAIT_MS, 'the connect');
      const errors = recordErrors(connection);
      const next = connection.receive().then(
        () => 'a message',
        (error: unknown) => (error as { code?: string }).code,
      );
      expectFailedWith(await within(connection.closed, WAIT_MS, 'the connection to fail'), 1002);
      expect(errors).toContain(code);
      expect(await within(next, WAIT_MS, 'receive() to settle')).toBe(code);
    },
  })),
);

const utf8FailFast = DELIVERIES.map(({ delivery, label }): ContractCase<FaultContext> => ({
  feature: 'utf8-fail-fast',
  title: `fails with 1007 on invalid UTF-8 in the first part of a text frame whose rest never comes, ${label} (Autobahn 6.4.3)`,
  async run(context) {
    const server = await context.faultServer({ mode: 'malformed-frame', delivery, bytes: partialInvalidText() });
    const connection = await within(context.connect(server.url), WAIT_MS, 'the connect');
    const errors = recordErrors(connection);
    expectFailedWith(await within(connection.closed, WAIT_MS, 'the connection to fail without the rest of the frame'), 1007);
    expect((await server.clientClose(WAIT_MS)).code).toBe(1007);
    expect(errors).toContain('WK_ERR_INVALID_UTF8');
  },
}));

const earlyMessages = DELIVERIES.map(({ delivery, label }): ContractCase<FaultContext> => ({
  feature: 'early-messages',
  title: `holds messages sent right after the 101 (${label}) for a message listener attached ${LATE_LISTENER_MS} ms after connect() resolved`,
  async run(context) {
    const server = await context.faultServer({ mode: 'malformed-frame', delivery, bytes: concatBytes(['one', 'two', 'three'].map(textFrame)) });
    const connection = await within(context.connect(server.url), WAIT_MS, 'the connect');
    await delay(LATE_LISTENER_MS);
    const seen: Message[] = [];
    connection.on('message', (message) => seen.push(message));
    const deadline = Date.now() + WAIT_MS;
    while (seen.length < 3 && Date.now() < deadline) await delay(10);
    expect(seen).toEqual(['one', 'two', 'three']);
    expect(connection.state).toBe('open');
  },
}));

/** The strictness cases, run against fault servers by every transport. */
export const violationCases: ReadonlyArray<ContractCase<FaultContext>> = [...deliverBeforeFail, ...replyFromLoop, ...faultCodes, ...utf8FailFast, ...earlyMessages];

/**
 * What a WHATWG WebSocket (a browser's, Bun's, Deno's, undici's, ws's class through its
 * EventTarget API) cannot offer of the strictness cases, whoever wraps it: its input cannot be
 * paused nor its failure deferred, so the platform's own behaviour is kept, and recorded here.
 */
export const WHATWG_STRICTNESS_SKIPS: readonly ConformanceSkip[] = [
  { feature: 'deliver-before-fail', reason: 'a WHATWG WebSocket cannot pause its input: the platform parses what came with the 101 and fails the connection before a listener attached once connect() resolved exists' },
  { feature: 'deliver-before-fail-async', reason: 'the platform writes its Close as it parses the violation, before a reply from a microtask' },
  { feature: 'fault-error-code', reason: 'WHATWG error events carry no cause: the violation is reported as WK_ERR_TRANSPORT' },
  { feature: 'utf8-fail-fast', reason: 'the platform decides when it checks UTF-8 and reports a failure without a cause' },
];

/** What the `ws` client cannot offer of the strictness cases, however it is wrapped (the adapter, the ws reference). */
export const WS_STRICTNESS_SKIPS: readonly ConformanceSkip[] = [
  { feature: 'deliver-before-fail-async', reason: 'ws writes its Close in the parse loop that emitted the message (receiverOnError), before a reply from a microtask; a message listener answers in time' },
  { feature: 'utf8-fail-fast', reason: 'ws checks UTF-8 once a frame is complete (Autobahn 6.4.3/6.4.4 NON-STRICT), so a frame whose rest never comes is not failed' },
];
