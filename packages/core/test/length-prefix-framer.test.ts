import { describe, expect, it } from 'vitest';
import { LengthPrefixFramer, WireKitError } from '../src/index.js';
import { chunkings, concat } from './support/split.js';

const messages = [Uint8Array.of(1, 2, 3), new Uint8Array(0), Uint8Array.of(0xff)];

describe('LengthPrefixFramer', () => {
  it('prefixes a message with its length, 4 bytes big-endian', () => {
    expect(concat(new LengthPrefixFramer().encode(Uint8Array.of(9, 8)))).toEqual(Uint8Array.of(0, 0, 0, 2, 9, 8));
  });

  const wire = concat(messages.flatMap((message) => new LengthPrefixFramer().encode(message)));

  it.each(chunkings(wire))('decodes what it encodes, delivered %s', (_name, chunks) => {
    const framer = new LengthPrefixFramer();
    const got: Uint8Array[] = [];
    for (const chunk of chunks) {
      const result = framer.push(chunk);
      if (result instanceof WireKitError) throw result;
      got.push(...result);
    }
    expect(got).toEqual(messages);
  });

  it('fails with WK_ERR_MESSAGE_TOO_LARGE as soon as a prefix announces more than maxMessageSize', () => {
    const framer = new LengthPrefixFramer({ maxMessageSize: 4 });
    const result = framer.push(Uint8Array.of(0, 0, 0, 5));
    expect(result).toBeInstanceOf(WireKitError);
    expect(result).toMatchObject({ code: 'WK_ERR_MESSAGE_TOO_LARGE', closeCode: 1009 });
    expect(framer.push(Uint8Array.of(0, 0, 0, 1, 7))).toBe(result);
  });

  it('returns the messages before an oversize one first, and the error with the next push', () => {
    const framer = new LengthPrefixFramer({ maxMessageSize: 4 });
    expect(framer.push(Uint8Array.of(0, 0, 0, 1, 7, 0, 0, 1, 0))).toEqual([Uint8Array.of(7)]);
    expect(framer.push(new Uint8Array(0))).toMatchObject({ code: 'WK_ERR_MESSAGE_TOO_LARGE' });
  });

  it.each([[0], [2 ** 32], [1.5]])('refuses maxMessageSize %d', (max) => {
    expect(() => new LengthPrefixFramer({ maxMessageSize: max })).toThrow(expect.objectContaining({ code: 'WK_ERR_INVALID_ARGUMENT' }));
  });

  it('refuses to encode a message over maxMessageSize', () => {
    expect(() => new LengthPrefixFramer({ maxMessageSize: 1 }).encode(Uint8Array.of(1, 2))).toThrow(expect.objectContaining({ code: 'WK_ERR_INVALID_ARGUMENT' }));
  });
});
