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

  it('runs a next turn on the next advance(), advance(0) included, in order with timers due then, and not once cancelled', () => {
    const clock = new FakeClock();
    const ran: string[] = [];
    clock.setTimeout(() => ran.push('timer'), 0);
    clock.nextTurn(() => ran.push('turn'));
    clock.cancelTurn(clock.nextTurn(() => ran.push('never')));
    expect(ran).toEqual([]);
    clock.advance(0);
    expect(ran).toEqual(['timer', 'turn']);
    expect(clock.pending).toBe(0);
  });
});
