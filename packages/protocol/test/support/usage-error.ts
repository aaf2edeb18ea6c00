import { expect } from 'vitest';
import type { ProtocolErrorCode } from '../../src/error-codes.js';
import { WireKitUsageError } from '../../src/errors.js';

/** Asserts that `fn` throws a WireKitUsageError synchronously, with `code` (STYLE §3). */
export function expectUsageError(fn: () => unknown, code: ProtocolErrorCode): WireKitUsageError {
  let thrown: unknown;
  try {
    fn();
  } catch (error) {
    thrown = error;
  }
  expect(thrown).toBeInstanceOf(WireKitUsageError);
  expect((thrown as WireKitUsageError).code).toBe(code);
  return thrown as WireKitUsageError;
}
