/** Records a stream's delegate events and waits on them, every wait bounded. */
import { Stream, type StreamEventCode } from '../../src/index.js';

export const WAIT_MS = 5_000;

/** Settles as `promise` does, or rejects after `ms` naming `what`. */
export function within<T>(promise: Promise<T>, what: string, ms = WAIT_MS): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
  });
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}

/** Resolves after `ms`. */
export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Polls `predicate` every 5 ms until it holds; rejects after `ms`. */
export async function waitFor(predicate: () => boolean, what: string, ms = WAIT_MS): Promise<void> {
  const deadline = Date.now() + ms;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await delay(5);
  }
}

const NAMES = new Map<number, string>(Object.entries(Stream.Event).map(([name, code]) => [code, name]));

/** A delegate that logs event names and lets a test wait for one; `onEvent` reacts first. */
export class EventRecorder {
  readonly events: string[] = [];
  private waiters: Array<() => void> = [];

  constructor(
    stream: Stream,
    private readonly onEvent: (eventCode: StreamEventCode) => void = () => undefined,
  ) {
    stream.delegate = {
      stream: (_aStream, eventCode) => {
        this.events.push(NAMES.get(eventCode) ?? String(eventCode));
        this.onEvent(eventCode);
        for (const wake of this.waiters.splice(0)) wake();
      },
    };
  }

  count(name: string): number {
    return this.events.filter((event) => event === name).length;
  }

  /** Waits until `name` was recorded `times` times in all. */
  async next(name: string, times = 1): Promise<void> {
    const deadline = Date.now() + WAIT_MS;
    while (this.count(name) < times) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out waiting for ${name} #${times}; saw ${this.events.join(', ')}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }
}
