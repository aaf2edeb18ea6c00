/**
 * A small, runtime-neutral `expect`: the matchers the contract cases use, with vitest's names
 * and meanings, and no dependency. The cases run unchanged under vitest (describeConnection),
 * in a browser page, in Bun and in Deno (runContract); a failed check throws an
 * {@link AssertionError} whose message shows both values.
 */

/** Thrown by a failed check. */
export class AssertionError extends Error {
  override readonly name = 'AssertionError';
}

/** A value that matches by a rule instead of by equality, as vitest's `expect.arrayContaining`. */
interface AsymmetricMatcher {
  readonly asymmetric: true;
  matches(actual: unknown): boolean;
  describe(): string;
}

function isAsymmetric(value: unknown): value is AsymmetricMatcher {
  return typeof value === 'object' && value !== null && (value as { asymmetric?: unknown }).asymmetric === true;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const prototype = Object.getPrototypeOf(value) as unknown;
  return prototype === Object.prototype || prototype === null;
}

function isBytes(value: unknown): value is Uint8Array {
  return value instanceof Uint8Array;
}

/**
 * Deep equality as vitest's `toEqual` for the values the suite compares: primitives by
 * `Object.is`, byte arrays by content (a Buffer equals a Uint8Array of the same bytes), arrays
 * element by element, plain objects key by key (keys holding `undefined` ignored), errors by
 * name and message, and asymmetric matchers by their rule.
 */
export function deepEqual(actual: unknown, expected: unknown): boolean {
  if (isAsymmetric(expected)) return expected.matches(actual);
  if (Object.is(actual, expected)) return true;
  if (isBytes(actual) && isBytes(expected)) {
    if (actual.length !== expected.length) return false;
    for (let i = 0; i < actual.length; i++) if (actual[i] !== expected[i]) return false;
    return true;
  }
  if (Array.isArray(actual) && Array.isArray(expected)) {
    return actual.length === expected.length && actual.every((item, i) => deepEqual(item, expected[i]));
  }
  if (actual instanceof Error && expected instanceof Error) return actual.name === expected.name && actual.message === expected.message;
  if (isPlainObject(actual) && isPlainObject(expected)) {
    const keys = (object: Record<string, unknown>): string[] => Object.keys(object).filter((key) => object[key] !== undefined).sort();
    const actualKeys = keys(actual);
    const expectedKeys = keys(expected);
    return deepEqual(actualKeys, expectedKeys) && expectedKeys.every((key) => deepEqual(actual[key], expected[key]));
  }
  return false;
}

/** Whether `actual` has every property of `expected` with an equal value, recursively for plain objects. */
function matchesObject(actual: unknown, expected: Record<string, unknown>): boolean {
  if (typeof actual !== 'object' || actual === null) return false;
  const record = actual as Record<string, unknown>;
  return Object.keys(expected).every((key) => {
    const want = expected[key];
    if (!(key in record)) return false;
    return isPlainObject(want) ? matchesObject(record[key], want) : deepEqual(record[key], want);
  });
}

const MAX_SHOWN = 200;

/** A short, readable rendering of a value for failure messages. */
export function show(value: unknown): string {
  const text = render(value, 0);
  return text.length > MAX_SHOWN ? `${text.slice(0, MAX_SHOWN)}…` : text;
}

function render(value: unknown, depth: number): string {
  if (isAsymmetric(value)) return value.describe();
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'bigint') return `${value}n`;
  if (typeof value !== 'object' || value === null) return String(value);
  if (isBytes(value)) return `Uint8Array(${value.length}) [${Array.from(value.subarray(0, 8)).join(', ')}${value.length > 8 ? ', …' : ''}]`;
  if (depth > 2) return Array.isArray(value) ? '[…]' : '{…}';
  if (Array.isArray(value)) return `[${value.slice(0, 10).map((item) => render(item, depth + 1)).join(', ')}${value.length > 10 ? `, … ${value.length} items` : ''}]`;
  if (value instanceof Error) {
    const code = (value as { code?: unknown }).code;
    return `${value.name}${typeof code === 'string' ? ` ${code}` : ''}: ${value.message}`;
  }
  const entries = Object.entries(value as Record<string, unknown>).map(([key, item]) => `${key}: ${render(item, depth + 1)}`);
  return `{ ${entries.join(', ')} }`;
}

/** The checks on one value, named as vitest's. */
export interface Assertion {
  /** Same value (`Object.is`). */
  toBe(expected: unknown): void;
  /** Deep equality, see {@link deepEqual}. */
  toEqual(expected: unknown): void;
  /** An array holding `item` (by `Object.is`), or a string holding the substring `item`. */
  toContain(item: unknown): void;
  /** Every property of `expected` is on the value with an equal value. */
  toMatchObject(expected: Record<string, unknown>): void;
  toBeInstanceOf(type: abstract new (...args: never[]) => unknown): void;
  toBeGreaterThan(bound: number): void;
  toBeGreaterThanOrEqual(bound: number): void;
  /** Exactly `null` (the broker contract's missing session). */
  toBeNull(): void;
}

/** The checks, plus the asymmetric matchers the cases use. */
export interface Expect {
  (actual: unknown): Assertion;
  /** Matches an array containing (by deep equality) every item of `items`, in any order. */
  arrayContaining(items: readonly unknown[]): unknown;
  /** Matches a string the pattern matches. */
  stringMatching(pattern: RegExp): unknown;
}

function check(passed: boolean, message: () => string): void {
  if (!passed) throw new AssertionError(message());
}

function assertion(actual: unknown): Assertion {
  return {
    toBe: (expected) => check(Object.is(actual, expected), () => `expected ${show(actual)} to be ${show(expected)}`),
    toEqual: (expected) => check(deepEqual(actual, expected), () => `expected ${show(actual)} to equal ${show(expected)}`),
    toContain: (item) => {
      const holds = typeof actual === 'string' ? typeof item === 'string' && actual.includes(item) : Array.isArray(actual) && actual.some((entry) => Object.is(entry, item));
      check(holds, () => `expected ${show(actual)} to contain ${show(item)}`);
    },
    toMatchObject: (expected) => check(matchesObject(actual, expected), () => `expected ${show(actual)} to match ${show(expected)}`),
    toBeInstanceOf: (type) => check(actual instanceof type, () => `expected ${show(actual)} to be an instance of ${type.name}`),
    toBeGreaterThan: (bound) => check(typeof actual === 'number' && actual > bound, () => `expected ${show(actual)} to be greater than ${bound}`),
    toBeGreaterThanOrEqual: (bound) => check(typeof actual === 'number' && actual >= bound, () => `expected ${show(actual)} to be at least ${bound}`),
    toBeNull: () => check(actual === null, () => `expected ${show(actual)} to be null`),
  };
}

/** The runtime-neutral `expect` the contract cases use. */
export const expect: Expect = Object.assign(assertion, {
  arrayContaining: (items: readonly unknown[]): AsymmetricMatcher => ({
    asymmetric: true,
    matches: (actual) => Array.isArray(actual) && items.every((item) => actual.some((entry) => deepEqual(entry, item))),
    describe: () => `ArrayContaining ${render([...items], 1)}`,
  }),
  stringMatching: (pattern: RegExp): AsymmetricMatcher => ({
    asymmetric: true,
    matches: (actual) => typeof actual === 'string' && pattern.test(actual),
    describe: () => `StringMatching ${String(pattern)}`,
  }),
});
