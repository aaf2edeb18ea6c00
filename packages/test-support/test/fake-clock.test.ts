import { describe, expect, it } from 'vitest';
import { FakeClock } from '../src/index.js';

describe('FakeClock', () => {
  it('runs the timers that fall due in time order, timers they set included, and no other', () => {
    const clock = new FakeClock();
    const ran: string[] = [];
    clock.setTimeout(() => ran.push(`b@${clock.now()}`), 20);
    clock.setTimeout(() => {
      ran.push(`a@${clock.now()}`);
      clock.setTimeout(() => ran.push(`c@${clock.now()}`), 5);
    }, 10);
    const cleared = clock.setTimeout(() => ran.push('never'), 15);
    clock.setTimeout(() => ran.push('later'), 100);
    clock.clearTimeout(cleared);
    clock.advance(30);
    expect(ran).toEqual(['a@10', 'c@15', 'b@20']);
    expect(clock.now()).toBe(30);
    expect(clock.pending).toBe(1);
  });
});
