import { WireKitUsageError } from '@wirekit/protocol';

/** A listener of an event whose arguments are `Args`. */
type Listener<Args extends unknown[]> = (...args: Args) => void;

/** One event's listeners: the only one kept as is (the common case), several in an array. */
type Entry<Args extends unknown[]> = Listener<Args> | Array<Listener<Args>>;

type Table<Events extends { [K in keyof Events]: unknown[] }> = { [K in keyof Events]?: Entry<Events[K]> | undefined };

/**
 * The event listeners of one connection, with the subset of eventemitter3's API that
 * BaseConnection uses (`on`, `off`, `emit`, `listenerCount`) and its semantics: listeners run
 * in the order added, one added during an `emit` is not called by that emit, one removed during
 * an `emit` still is, `off` removes every registration of the function, an `error` with no
 * listener is not thrown, and a listener that throws stops the emit and propagates.
 *
 * Why not eventemitter3 itself: it keeps an EventEmitter, an Events object and a 48-byte record
 * per listener, which a server holding thousands of connections pays for each of them. Here a
 * connection with no listener costs one small object, and a lone listener is stored as itself.
 */
export class Listeners<Events extends { [K in keyof Events]: unknown[] }> {
  /** Created by the first `on`: a connection nobody listens to holds no table. */
  private table: Table<Events> | null = null;

  on<E extends keyof Events>(event: E, listener: Listener<Events[E]>): void {
    if (typeof listener !== 'function') throw new WireKitUsageError('WK_ERR_INVALID_ARGUMENT', 'a listener must be a function');
    const table: Table<Events> = (this.table ??= {});
    const entry = table[event];
    if (entry === undefined) table[event] = listener;
    else if (typeof entry === 'function') table[event] = [entry, listener];
    // Appended in place: an emit in progress has read the length it will call.
    else entry.push(listener);
  }

  off<E extends keyof Events>(event: E, listener: Listener<Events[E]>): void {
    const table = this.table;
    const entry = table?.[event];
    if (table === null || entry === undefined) return;
    if (typeof entry === 'function') {
      // Set to undefined, not deleted: a deleted property turns the table into a slower, larger dictionary.
      if (entry === listener) table[event] = undefined;
      return;
    }
    // A new array, so that an emit in progress still calls every listener it started with.
    const kept = entry.filter((candidate) => candidate !== listener);
    if (kept.length === 0) table[event] = undefined;
    else table[event] = kept.length === 1 ? kept[0]! : kept;
  }

  emit<E extends keyof Events>(event: E, ...args: Events[E]): void {
    const entry = this.table?.[event];
    if (entry === undefined) return;
    if (typeof entry === 'function') {
      entry(...args);
      return;
    }
    const length = entry.length;
    for (let index = 0; index < length; index++) entry[index]!(...args);
  }

  listenerCount(event: keyof Events): number {
    const entry = this.table?.[event];
    return entry === undefined ? 0 : typeof entry === 'function' ? 1 : entry.length;
  }
}
