import { describe, expect, it } from 'vitest';
import { backoffDelay, defaultShouldReconnect, reconnecting, RECONNECT_CLOSE_CODES, WireKitError, type ConnectionFactory, type ReconnectCause } from '../src/index.js';

const closed = (code: number): ReconnectCause => ({ kind: 'closed', info: { code, reason: '', wasClean: code !== 1006 }, error: null });
const failed = (error: WireKitError): ReconnectCause => ({ kind: 'failed', error });
const never: ConnectionFactory = () => new Promise(() => undefined);

describe('backoffDelay()', () => {
  const policy = { initialDelay: 500, maxDelay: 30_000, multiplier: 2, jitter: 0.5 };

  it('doubles from initialDelay and stops at maxDelay when the random draw is 0', () => {
    const delays = [1, 2, 3, 4, 5, 6, 7, 8, 9].map((attempt) => backoffDelay(attempt, { ...policy, random: () => 0 }));
    expect(delays).toEqual([500, 1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000, 30_000]);
  });

  it('takes off at most `jitter` of the delay: half with the default 0.5 and a draw near 1', () => {
    expect(backoffDelay(3, { ...policy, random: () => 0.999_999 })).toBe(1_000);
    expect(backoffDelay(3, { ...policy, random: () => 0.5 })).toBe(1_500);
  });

  it('is the "full jitter" of AWS with jitter 1, and exact with jitter 0', () => {
    expect(backoffDelay(2, { ...policy, jitter: 1, random: () => 0.25 })).toBe(750);
    expect(backoffDelay(2, { ...policy, jitter: 0, random: () => 0.25 })).toBe(1_000);
  });

  it('clamps a random source that strays outside [0, 1]', () => {
    expect(backoffDelay(1, { ...policy, random: () => 7 })).toBe(250);
    expect(backoffDelay(1, { ...policy, random: () => -1 })).toBe(500);
  });
});

describe('defaultShouldReconnect()', () => {
  it('lists exactly 1001, 1006, 1011, 1012, 1013 and 1014 as reconnect codes', () => {
    expect(RECONNECT_CLOSE_CODES).toEqual([1001, 1006, 1011, 1012, 1013, 1014]);
  });

  it.each([1001, 1006, 1011, 1012, 1013, 1014])('reconnects after a close with %i', (code) => {
    expect(defaultShouldReconnect(closed(code))).toBe(true);
  });

  it.each([1000, 1002, 1003, 1005, 1007, 1008, 1009, 1010, 4000, 4999])('does not reconnect after a close with %i', (code) => {
    expect(defaultShouldReconnect(closed(code))).toBe(false);
  });

  it('reconnects on an application code when asked through extraCodes', () => {
    expect(defaultShouldReconnect(closed(4000), [4000])).toBe(true);
    expect(defaultShouldReconnect(closed(4001), [4000])).toBe(false);
  });

  it.each([
    'WK_ERR_CONNECTION_REFUSED',
    'WK_ERR_CONNECTION_RESET',
    'WK_ERR_HOST_UNREACHABLE',
    'WK_ERR_CONNECT_TIMEOUT',
    'WK_ERR_DNS',
    'WK_ERR_TRANSPORT',
  ] as const)('retries a connect that failed with %s', (code) => {
    expect(defaultShouldReconnect(failed(new WireKitError(code)))).toBe(true);
  });

  it.each(['WK_ERR_TLS', 'WK_ERR_ABORTED', 'WK_ERR_HANDSHAKE_ACCEPT', 'WK_ERR_INVALID_URL'] as const)('gives up on a connect that failed with %s', (code) => {
    expect(defaultShouldReconnect(failed(new WireKitError(code)))).toBe(false);
  });

  it.each([
    [429, true],
    [500, true],
    [502, true],
    [503, true],
    [401, false],
    [403, false],
    [404, false],
  ])('after a handshake refused with status %i, reconnects: %s', (status, expected) => {
    expect(defaultShouldReconnect(failed(new WireKitError('WK_ERR_HANDSHAKE_STATUS', 'refused', { status })))).toBe(expected);
  });
});

describe('reconnecting() policy checks', () => {
  it.each([
    [{ initialDelay: -1 }],
    [{ maxDelay: 10, initialDelay: 100 }],
    [{ multiplier: 0.5 }],
    [{ jitter: 1.5 }],
    [{ maxRetries: -1 }],
    [{ connectTimeout: 0 }],
    [{ initialDelay: Number.NaN }],
    [{ outbox: { maxMessages: -1 } }],
    [{ outbox: { maxBytes: -1 } }],
    [{ outbox: { policy: 'spill' as never } }],
  ])('refuses %o with WK_ERR_INVALID_ARGUMENT', (policy) => {
    expect(() => reconnecting(never, 'ws://test.local/', policy)).toThrow(expect.objectContaining({ code: 'WK_ERR_INVALID_ARGUMENT' }));
  });
});
