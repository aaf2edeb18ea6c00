import { describe, expect, it } from 'vitest';
import { engineInMemory } from '../samples/engine-in-memory.js';

describe('docs samples', () => {
  it('engine-in-memory.ts exchanges a message and closes cleanly', () => {
    expect(engineInMemory()).toEqual(['server got text: hello', 'server closed: 1000 done', 'client closed: 1000 ']);
  });
});
