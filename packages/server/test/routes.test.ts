import { describe, expect, it } from 'vitest';
import { Routes, WebSocketHandler } from '../src/index.js';

const producer = (): null => null;

describe('Routes', () => {
  describe('match()', () => {
    it.each([
      { pattern: '/echo', target: '/echo', matches: true },
      { pattern: '/echo', target: '/echo?x=1', matches: true },
      { pattern: '/echo', target: '/echo/', matches: true },
      { pattern: '/echo', target: '/echo/more', matches: false },
      { pattern: '/echo', target: '/', matches: false },
      { pattern: '/rooms/*', target: '/rooms/lobby', matches: true },
      { pattern: '/rooms/*', target: '/rooms', matches: false },
      { pattern: '/rooms/*', target: '/rooms/lobby/x', matches: false },
      { pattern: '/files/**', target: '/files/a/b/c', matches: true },
      { pattern: '/files/**', target: '/files', matches: true },
      { pattern: '/', target: '/', matches: true },
      { pattern: '/', target: '/x', matches: false },
    ])('matches $target against $pattern: $matches', ({ pattern, target, matches }) => {
      const handler = new WebSocketHandler(producer);
      const routes = new Routes().add(pattern, handler);
      expect(routes.match(target)).toBe(matches ? handler : undefined);
    });

    it('picks the first route added when several match', () => {
      const first = new WebSocketHandler(producer);
      const routes = new Routes().add('/a/*', first).add('/a/b', new WebSocketHandler(producer));
      expect(routes.match('/a/b')).toBe(first);
      expect(routes.size).toBe(2);
    });

    it('wraps a bare producer function in a WebSocketHandler', () => {
      const routes = new Routes().add('/echo', producer);
      expect(routes.match('/echo')?.handlerProducer).toBe(producer);
    });
  });

  it.each([
    { name: 'a relative uri', act: () => new Routes().add('echo', producer) },
    { name: 'a producer that is not a function', act: () => new WebSocketHandler('nope' as never) },
  ])('throws WK_ERR_INVALID_ARGUMENT for $name', ({ act }) => {
    expect(act).toThrow(expect.objectContaining({ code: 'WK_ERR_INVALID_ARGUMENT' }));
  });
});
