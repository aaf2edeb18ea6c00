import { describe, expect, it } from 'vitest';
import { systemClock } from '../src/index.js';

describe('systemClock', () => {
  describe('nextTurn()', () => {
    it('runs after every microtask queued before it, even a long await chain', async () => {
      const order: string[] = [];
      const chain = (async () => {
        for (let i = 0; i < 100; i++) await Promise.resolve();
        order.push('awaiter');
      })();
      const ran = new Promise<void>((resolve) =>
        systemClock.nextTurn!(() => {
          order.push('turn');
          resolve();
        }),
      );
      await Promise.all([chain, ran]);
      expect(order).toEqual(['awaiter', 'turn']);
    });

    it('runs nothing once cancelled', async () => {
      let ran = false;
      systemClock.cancelTurn!(systemClock.nextTurn!(() => (ran = true)));
      await new Promise((resolve) => setTimeout(resolve, 5));
      expect(ran).toBe(false);
    });
  });
});
