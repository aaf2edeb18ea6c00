/**
 * Bounded waits: every wait in the suite has a deadline, so a transport that hangs fails its
 * case with a message naming what it was waiting for instead of stalling the whole run.
 */

/** Resolves after `ms` milliseconds. */
export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Settles as `promise` does, or rejects after `ms` with an error naming `what`.
 *
 * @param promise the operation waited for.
 * @param ms the deadline.
 * @param what a description for the timeout message, e.g. `'the server to see the Close'`.
 */
export function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
  });
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}

/**
 * Polls `predicate` (which may be asynchronous) every 10 ms until it holds; rejects after `ms`.
 *
 * @param predicate the condition waited for.
 * @param ms the deadline.
 * @param what a description for the timeout message.
 */
export async function waitFor(predicate: () => boolean | Promise<boolean>, ms: number, what: string): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await predicate())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await delay(10);
  }
}

/** Settles with the error `promise` rejects with, or fails when it resolves (or hangs past `ms`). */
export async function rejectionOf(promise: Promise<unknown>, ms: number, what: string): Promise<unknown> {
  const outcome = await within(promise.then((value: unknown) => ({ ok: true as const, value }), (error: unknown) => ({ ok: false as const, error })), ms, what);
  if (outcome.ok) throw new Error(`expected ${what} to fail, but it succeeded`);
  return outcome.error;
}
