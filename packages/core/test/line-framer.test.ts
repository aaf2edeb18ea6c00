import { describe, expect, it } from 'vitest';
import { LineFramer, WireKitError } from '../src/index.js';
import { chunkings, concat } from './support/split.js';

const encoder = new TextEncoder();
const decoder = new TextDecoder();

function decodeAll(framer: LineFramer, chunks: Uint8Array[]): string[] {
  const got: string[] = [];
  for (const chunk of chunks) {
    const result = framer.push(chunk);
    if (result instanceof WireKitError) throw result;
    got.push(...result.map((line) => decoder.decode(line)));
  }
  return got;
}

describe('LineFramer', () => {
  it('ends each message with \\n', () => {
    expect(concat(new LineFramer().encode(encoder.encode('hi')))).toEqual(encoder.encode('hi\n'));
  });

  const lines = ['HELO example', '', 'ünïcode'];
  const wire = concat(lines.flatMap((line) => new LineFramer().encode(encoder.encode(line))));

  it.each(chunkings(wire))('decodes what it encodes, delivered %s', (_name, chunks) => {
    expect(decodeAll(new LineFramer(), chunks)).toEqual(lines);
  });

  it.each(chunkings(encoder.encode('one\r\ntwo\r\n')))('strips the \\r of CRLF line ends, delivered %s', (_name, chunks) => {
    expect(decodeAll(new LineFramer(), chunks)).toEqual(['one', 'two']);
  });

  it('fails with WK_ERR_MESSAGE_TOO_LARGE when a line grows past maxLineLength without a newline', () => {
    const framer = new LineFramer({ maxLineLength: 4 });
    expect(framer.push(encoder.encode('abcd'))).toEqual([]);
    const result = framer.push(encoder.encode('ef'));
    expect(result).toMatchObject({ code: 'WK_ERR_MESSAGE_TOO_LARGE', closeCode: 1009 });
    expect(framer.push(encoder.encode('\n'))).toBe(result);
  });

  it('accepts a line of exactly maxLineLength with a CRLF end', () => {
    expect(decodeAll(new LineFramer({ maxLineLength: 4 }), [encoder.encode('abcd\r'), encoder.encode('\n')])).toEqual(['abcd']);
  });

  it('returns the lines before an oversize one first, and the error with the next push', () => {
    const framer = new LineFramer({ maxLineLength: 2 });
    expect(framer.push(encoder.encode('ok\ntoolong\n'))).toEqual([encoder.encode('ok')]);
    expect(framer.push(new Uint8Array(0))).toBeInstanceOf(WireKitError);
  });

  it.each([['a newline', 'a\nb'], ['an oversize line', 'abc']])('refuses to encode %s', (_name, line) => {
    expect(() => new LineFramer({ maxLineLength: 2 }).encode(encoder.encode(line))).toThrow(expect.objectContaining({ code: 'WK_ERR_INVALID_ARGUMENT' }));
  });
});
