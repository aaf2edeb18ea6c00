import { describe, expect as vitestExpect, it } from 'vitest';
import { AssertionError, expect } from '../src/index.js';

/** Runs a check and returns the message it failed with, or undefined when it passed. */
function failure(check: () => void): string | undefined {
  try {
    check();
    return undefined;
  } catch (error) {
    vitestExpect(error).toBeInstanceOf(AssertionError);
    return (error as Error).message;
  }
}

describe('the runtime-neutral expect', () => {
  it('toBe compares with Object.is and shows both values on failure', () => {
    vitestExpect(failure(() => expect(NaN).toBe(NaN))).toBeUndefined();
    vitestExpect(failure(() => expect('open').toBe('closed'))).toBe('expected "open" to be "closed"');
    vitestExpect(failure(() => expect(0).toBe(-0))).toBeDefined();
  });

  it('toEqual compares bytes by content, arrays and plain objects deeply, ignoring undefined keys', () => {
    vitestExpect(failure(() => expect(Buffer.from([1, 2, 3])).toEqual(new Uint8Array([1, 2, 3])))).toBeUndefined();
    vitestExpect(failure(() => expect(new Uint8Array([1, 2])).toEqual(new Uint8Array([1, 3])))).toMatch(/Uint8Array\(2\)/);
    vitestExpect(failure(() => expect({ code: 1000, reason: '', extra: undefined }).toEqual({ code: 1000, reason: '' }))).toBeUndefined();
    vitestExpect(failure(() => expect({ code: 1000 }).toEqual({ code: 1000, reason: '' }))).toBeDefined();
    vitestExpect(failure(() => expect([['a'], 'b']).toEqual([['a'], 'b']))).toBeUndefined();
    vitestExpect(failure(() => expect(['a']).toEqual(['a', 'b']))).toBeDefined();
  });

  it('toContain finds an item in an array or a substring in a string', () => {
    vitestExpect(failure(() => expect([1000, 1006]).toContain(1006))).toBeUndefined();
    vitestExpect(failure(() => expect(['WK_ERR_CLOSED']).toContain('WK_ERR_NOT_OPEN'))).toMatch(/to contain "WK_ERR_NOT_OPEN"/);
    vitestExpect(failure(() => expect('timed out').toContain('out'))).toBeUndefined();
  });

  it('toMatchObject checks the listed properties of any object, errors included', () => {
    const error = Object.assign(new Error('refused'), { code: 'WK_ERR_CONNECTION_REFUSED', domain: 'posix' });
    vitestExpect(failure(() => expect(error).toMatchObject({ code: 'WK_ERR_CONNECTION_REFUSED', domain: 'posix' }))).toBeUndefined();
    vitestExpect(failure(() => expect(error).toMatchObject({ code: 'WK_ERR_DNS' }))).toMatch(/WK_ERR_CONNECTION_REFUSED: refused/);
    vitestExpect(failure(() => expect({ a: { b: 1, c: 2 } }).toMatchObject({ a: { b: 1 } }))).toBeUndefined();
    vitestExpect(failure(() => expect(undefined).toMatchObject({ a: 1 }))).toBeDefined();
  });

  it('toBeInstanceOf and the number comparisons', () => {
    vitestExpect(failure(() => expect(new Uint8Array(1)).toBeInstanceOf(Uint8Array))).toBeUndefined();
    vitestExpect(failure(() => expect('text').toBeInstanceOf(Uint8Array))).toMatch(/instance of Uint8Array/);
    vitestExpect(failure(() => expect(0).toBeGreaterThanOrEqual(0))).toBeUndefined();
    vitestExpect(failure(() => expect(0).toBeGreaterThan(0))).toBeDefined();
    vitestExpect(failure(() => expect('1').toBeGreaterThan(0))).toBeDefined();
    vitestExpect(failure(() => expect(null).toBeNull())).toBeUndefined();
    vitestExpect(failure(() => expect(undefined).toBeNull())).toBe('expected undefined to be null');
  });

  it('arrayContaining and stringMatching match by rule inside toEqual', () => {
    const codes = ['WK_ERR_FRAME_TOO_LARGE', 'WK_ERR_CLOSED'];
    vitestExpect(failure(() => expect(codes).toEqual(expect.arrayContaining([expect.stringMatching(/^WK_ERR_(?:MESSAGE|FRAME)_TOO_LARGE$/)])))).toBeUndefined();
    vitestExpect(failure(() => expect(['WK_ERR_CLOSED']).toEqual(expect.arrayContaining([expect.stringMatching(/TOO_LARGE/)])))).toMatch(/ArrayContaining \[StringMatching/);
  });
});
