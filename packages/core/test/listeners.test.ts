import { describe, expect, it } from 'vitest';
import { Listeners } from '../src/listeners.js';

type Events = { ping: [n: number]; error: [error: Error] };

describe('Listeners', () => {
  it('calls listeners in the order added, with the emitted arguments', () => {
    const listeners = new Listeners<Events>();
    const seen: string[] = [];
    listeners.on('ping', (n) => seen.push(`a${n}`));
    listeners.on('ping', (n) => seen.push(`b${n}`));
    listeners.on('ping', (n) => seen.push(`c${n}`));
    listeners.emit('ping', 1);
    expect(seen).toEqual(['a1', 'b1', 'c1']);
    expect(listeners.listenerCount('ping')).toBe(3);
  });

  it('does not call a listener added during an emit, and still calls one removed during it', () => {
    const listeners = new Listeners<Events>();
    const seen: string[] = [];
    const late = (): number => seen.push('late');
    const second = (): number => seen.push('second');
    listeners.on('ping', () => {
      seen.push('first');
      listeners.off('ping', second);
      listeners.on('ping', late);
    });
    listeners.on('ping', second);
    listeners.emit('ping', 0);
    expect(seen).toEqual(['first', 'second']);
    seen.length = 0;
    listeners.emit('ping', 0);
    // `late` was added once more by this emit: that registration is not called by it.
    expect(seen).toEqual(['first', 'late']);
    expect(listeners.listenerCount('ping')).toBe(3);
  });

  it('removes every registration of a function, and ignores one never added', () => {
    const listeners = new Listeners<Events>();
    const fn = (): void => undefined;
    listeners.off('ping', fn);
    listeners.on('ping', fn);
    listeners.on('ping', fn);
    listeners.on('ping', () => undefined);
    listeners.off('ping', fn);
    expect(listeners.listenerCount('ping')).toBe(1);
  });

  it('counts no listener for an event nobody listens to, and emits nothing', () => {
    const listeners = new Listeners<Events>();
    expect(listeners.listenerCount('ping')).toBe(0);
    expect(() => listeners.emit('error', new Error('nobody listens'))).not.toThrow();
    const only = (): void => undefined;
    listeners.on('ping', only);
    listeners.off('ping', only);
    expect(listeners.listenerCount('ping')).toBe(0);
  });

  it('propagates a listener’s exception and stops that emit', () => {
    const listeners = new Listeners<Events>();
    const seen: number[] = [];
    listeners.on('ping', () => {
      throw new Error('boom');
    });
    listeners.on('ping', (n) => seen.push(n));
    expect(() => listeners.emit('ping', 1)).toThrow('boom');
    expect(seen).toEqual([]);
  });

  it('throws WK_ERR_INVALID_ARGUMENT for a listener that is not a function', () => {
    const listeners = new Listeners<Events>();
    expect(() => listeners.on('ping', 42 as never)).toThrow(expect.objectContaining({ code: 'WK_ERR_INVALID_ARGUMENT' }));
  });
});
