import { TextBytes, type Connection, type Message, type WireKitError } from '@wirekit/core';
import { expect } from './assert.js';
import { within } from './bounded.js';
import { expectFailedWith, pattern, plain, sameBytes, WAIT_MS, type ContractCase, type TargetContext } from './contract-case.js';
import { SERVER_PROTOCOLS } from './contract-server.js';

const MiB = 1024 * 1024;
const TEXTS: readonly string[] = ['hello', 'ünïcödé ✓ 😀', ''];
/** Around each payload-length boundary of RFC 6455 §5.2 (7-bit, 16-bit, 64-bit lengths). */
const BINARY_SIZES: readonly number[] = [0, 1, 125, 126, 65_535, 65_536];
const ORDERED_COUNT = 1000;
const CONCURRENT_SENDERS = 50;
const SMALL_LIMIT = 1024;

function errorsOf(connection: Connection): WireKitError[] {
  const errors: WireKitError[] = [];
  connection.on('error', (error) => errors.push(error));
  return errors;
}

async function echoOne(context: TargetContext, message: Message): Promise<Message> {
  const { connection } = await context.open('echo');
  await within(connection.send(message), WAIT_MS, 'send() to resolve');
  return within(connection.receive(), WAIT_MS, 'the echo');
}

/** Connecting, messages both ways, limits, order and concurrency — against a well-behaved server. */
export const messagingCases: ReadonlyArray<ContractCase<TargetContext>> = [
  {
    feature: 'connect',
    title: 'opens with state open, the URL it was given, no subprotocol and nothing buffered',
    async run(context) {
      const { connection, url, peer } = await context.open('echo');
      expect(connection.state).toBe('open');
      expect(connection.url).toBe(url);
      expect(connection.protocol).toBe('');
      expect(connection.extensions).toBe('');
      expect(connection.bufferedAmount).toBe(0);
      expect((await peer()).path).toBe(new URL(url).pathname);
    },
  },
  ...TEXTS.map((text): ContractCase<TargetContext> => ({
    feature: 'echo',
    title: `echoes the text ${JSON.stringify(text)} as a string`,
    async run(context) {
      expect(await echoOne(context, text)).toBe(text);
    },
  })),
  ...BINARY_SIZES.map((size): ContractCase<TargetContext> => ({
    feature: 'echo',
    title: `echoes ${size} bytes of binary as a Uint8Array`,
    async run(context) {
      const echoed = await echoOne(context, pattern(size));
      expect(echoed).toBeInstanceOf(Uint8Array);
      expect(plain(echoed as Uint8Array)).toEqual(pattern(size));
    },
  })),
  {
    feature: 'text-as-bytes',
    title: 'with textAsBytes, a Text message arrives as TextBytes, and sending it back relays it as Text unchanged',
    async run(context) {
      const { connection } = await context.open('echo', { textAsBytes: true });
      await within(connection.send('relay ünïcödé ✓ 😀'), WAIT_MS, 'send() to resolve');
      const first = await within(connection.receive(), WAIT_MS, 'the echo');
      expect(first).toBeInstanceOf(TextBytes);
      expect(new TextDecoder().decode(first as Uint8Array)).toBe('relay ünïcödé ✓ 😀');
      // The received bytes sent as they are: the server echoes a Text message, not a Binary one.
      await within(connection.send(first), WAIT_MS, 'send() of the TextBytes to resolve');
      const second = await within(connection.receive(), WAIT_MS, 'the second echo');
      expect(second).toBeInstanceOf(TextBytes);
      expect(plain(second as Uint8Array)).toEqual(plain(first as Uint8Array));
      // Binary messages stay plain bytes.
      await within(connection.send(pattern(3)), WAIT_MS, 'send() of binary to resolve');
      const binary = await within(connection.receive(), WAIT_MS, 'the binary echo');
      expect(binary instanceof TextBytes).toBe(false);
      expect(plain(binary as Uint8Array)).toEqual(pattern(3));
    },
  },
  {
    feature: 'text-as-bytes',
    title: 'without textAsBytes, a TextBytes sent arrives back as a string',
    async run(context) {
      const bytes = TextBytes.validate(new TextEncoder().encode('sent as bytes ✓'))!;
      expect(await echoOne(context, bytes)).toBe('sent as bytes ✓');
    },
  },
  {
    feature: 'large-message',
    title: 'echoes a 16 MiB binary message intact',
    timeoutMs: 60_000,
    async run(context) {
      const { connection } = await context.open('echo');
      const sent = pattern(16 * MiB);
      await within(connection.send(sent), 30_000, 'a 16 MiB send() to resolve');
      const echoed = await within(connection.receive(), 30_000, 'the 16 MiB echo');
      expect(echoed).toBeInstanceOf(Uint8Array);
      expect((echoed as Uint8Array).length).toBe(sent.length);
      expect(sameBytes(echoed as Uint8Array, sent)).toBe(true);
    },
  },
  {
    feature: 'fragmented',
    title: 'receives a text message the server sent in three fragments as one string (RFC 6455 §5.4)',
    async run(context) {
      const { connection, peer } = await context.open('idle');
      await (await peer()).sendFragments(['frag', 'mented ', 'text ✓']);
      expect(await within(connection.receive(), WAIT_MS, 'the reassembled message')).toBe('fragmented text ✓');
    },
  },
  {
    feature: 'fragmented',
    title: 'receives a binary message the server sent in fragments, including an empty one, as one Uint8Array',
    async run(context) {
      const { connection, peer } = await context.open('idle');
      await (await peer()).sendFragments([new Uint8Array([1, 2]), new Uint8Array(0), new Uint8Array([3, 4, 5])]);
      const message = await within(connection.receive(), WAIT_MS, 'the reassembled message');
      expect(plain(message as Uint8Array)).toEqual(new Uint8Array([1, 2, 3, 4, 5]));
    },
  },
  {
    feature: 'ping',
    title: 'resolves ping() with a round-trip time in ms, with and without a payload',
    async run(context) {
      const { connection } = await context.open('echo');
      for (const payload of [undefined, new TextEncoder().encode('probe')]) {
        const rtt = await within(connection.ping(payload), WAIT_MS, 'the pong');
        expect(typeof rtt).toBe('number');
        expect(rtt).toBeGreaterThanOrEqual(0);
      }
    },
  },
  {
    feature: 'subprotocol',
    title: 'agrees on the subprotocol the server prefers among those offered',
    async run(context) {
      const { connection, peer } = await context.open('echo', { protocols: ['wirekit.v1', 'wirekit.v2'] });
      expect(connection.protocol).toBe(SERVER_PROTOCOLS[0]);
      expect((await peer()).protocol).toBe(SERVER_PROTOCOLS[0]);
    },
  },
  {
    feature: 'subprotocol-declined',
    title: 'opens with protocol "" when the server speaks none of the offered subprotocols',
    async run(context) {
      const { connection } = await context.open('echo', { protocols: ['unknown.v9'] });
      expect(connection.protocol).toBe('');
    },
  },
  {
    feature: 'headers',
    title: 'sends the extra headers and the Origin it was given in the upgrade request',
    async run(context) {
      const { peer } = await context.open('echo', { headers: { 'X-WireKit-Probe': 'yes' }, origin: 'http://example.test' });
      const { headers } = await peer();
      expect(headers['x-wirekit-probe']).toBe('yes');
      expect(headers.origin).toBe('http://example.test');
    },
  },
  {
    feature: 'max-message-size',
    title: 'delivers a message of exactly maxMessageSize, then fails with 1009 on a larger one',
    async run(context) {
      const { connection, peer } = await context.open('idle', { maxMessageSize: SMALL_LIMIT });
      const errors = errorsOf(connection);
      const server = await peer();
      await server.send(pattern(SMALL_LIMIT));
      await server.send(pattern(2 * SMALL_LIMIT));
      const first = await within(connection.receive(), WAIT_MS, 'the message at the limit');
      expect((first as Uint8Array).length).toBe(SMALL_LIMIT);
      const info = await within(connection.closed, WAIT_MS, 'the connection to fail');
      expectFailedWith(info, 1009);
      expect((await within(server.closed, WAIT_MS, 'the server to see the Close')).code).toBe(1009);
      // A single oversized frame is caught by its header (the frame limit defaults to the message limit).
      expect(errors.map((error) => error.code)).toEqual(expect.arrayContaining([expect.stringMatching(/^WK_ERR_(?:MESSAGE|FRAME)_TOO_LARGE$/)]));
    },
  },
  {
    feature: 'ordering',
    title: `delivers ${ORDERED_COUNT} echoed messages in order with none lost`,
    timeoutMs: 30_000,
    async run(context) {
      const { connection } = await context.open('echo');
      const sent = Array.from({ length: ORDERED_COUNT }, (_, i) => `message ${i}`);
      const sends = sent.map((message) => connection.send(message));
      const received: Message[] = [];
      const collect = async (): Promise<void> => {
        for await (const message of connection) {
          received.push(message);
          if (received.length === ORDERED_COUNT) break;
        }
      };
      await within(Promise.all([...sends, collect()]), 20_000, `${ORDERED_COUNT} echoes`);
      expect(received).toEqual(sent);
    },
  },
  {
    feature: 'concurrency',
    title: `resolves ${CONCURRENT_SENDERS} concurrent sends from separate callers, each arriving whole`,
    async run(context) {
      const { connection, peer } = await context.open('idle');
      const callers = Array.from({ length: CONCURRENT_SENDERS }, async (_, i) => {
        await Promise.resolve();
        await connection.send(i % 2 === 0 ? `caller ${i}` : pattern(1000 + i));
      });
      await within(Promise.all(callers), WAIT_MS, 'every send() to resolve');
      const got = await (await peer()).messages(CONCURRENT_SENDERS, WAIT_MS);
      const texts = got.filter((m): m is string => typeof m === 'string');
      const sizes = got.filter((m): m is Uint8Array => typeof m !== 'string').map((m) => m.length);
      expect(texts.sort()).toEqual(Array.from({ length: CONCURRENT_SENDERS / 2 }, (_, k) => `caller ${2 * k}`).sort());
      expect(sizes.sort((a, b) => a - b)).toEqual(Array.from({ length: CONCURRENT_SENDERS / 2 }, (_, k) => 1000 + 2 * k + 1));
    },
  },
];
