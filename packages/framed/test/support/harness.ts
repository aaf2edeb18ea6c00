/** Test helpers: promisified NWConnection calls and bounded waits. Every wait has a deadline. */
import type { NWConnection, ContentContext, NWConnectionState, NWError, NWListener, NWListenerState, NWSendOptions } from '../../src/index.js';

/** Resolves with `promise`, or rejects after `ms` (no wait in these tests is unbounded). */
export function within<T>(promise: Promise<T>, ms = 5_000, what = 'operation'): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}

/** Polls `predicate` every 10 ms until it holds, for at most `ms`. */
export async function until(predicate: () => boolean, ms = 5_000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + ms;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

export interface Received {
  readonly content: Uint8Array | null;
  readonly context: ContentContext | null;
  readonly isComplete: boolean;
  readonly error: NWError | null;
}

export function receiveMessage(connection: NWConnection, ms = 5_000): Promise<Received> {
  return within(new Promise<Received>((resolve) => connection.receiveMessage((content, context, isComplete, error) => resolve({ content, context, isComplete, error }))), ms, 'receiveMessage');
}

export function receive(connection: NWConnection, min: number, max: number, ms = 5_000): Promise<Received> {
  return within(new Promise<Received>((resolve) => connection.receive(min, max, (content, context, isComplete, error) => resolve({ content, context, isComplete, error }))), ms, 'receive');
}

/** Sends and resolves with the completion's error (null on success). */
export function send(connection: NWConnection, content: Uint8Array | string | null, options: Omit<NWSendOptions, 'completion'> = {}): Promise<NWError | null> {
  return within(new Promise<NWError | null>((resolve) => connection.send(content, { ...options, completion: resolve })), 5_000, 'send completion');
}

/** Records the states a connection or listener goes through, starting with its current one. */
export function recordStates(target: NWConnection | NWListener): { readonly kinds: string[]; readonly states: Array<NWConnectionState | NWListenerState>; reach(kind: string, ms?: number): Promise<void> } {
  const states: Array<NWConnectionState | NWListenerState> = [target.state];
  target.stateUpdateHandler = (state: NWConnectionState | NWListenerState) => void states.push(state);
  return {
    states,
    get kinds() {
      return states.map((state) => state.kind);
    },
    reach: (kind, ms = 5_000) => until(() => states.some((state) => state.kind === kind), ms, `state ${kind} (got ${states.map((s) => s.kind).join(' → ')})`),
  };
}

/** Starts a connection and waits until it is ready (or throws with its failure). */
export async function startReady(connection: NWConnection, ms = 5_000): Promise<void> {
  const recorder = recordStates(connection);
  connection.start();
  await until(() => ['ready', 'failed', 'cancelled'].includes(connection.state.kind), ms, 'ready');
  const state = connection.state;
  if (state.kind === 'failed') throw state.error;
  if (state.kind !== 'ready') throw new Error(`not ready: ${recorder.kinds.join(' → ')}`);
}

export const text = (bytes: Uint8Array | null): string => new TextDecoder().decode(bytes ?? new Uint8Array(0));
export const bytes = (value: string): Uint8Array => new TextEncoder().encode(value);
