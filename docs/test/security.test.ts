import { describe, expect, it } from 'vitest';
import { serverLimits } from '../samples/server-limits.js';

describe('docs/security.md', () => {
  it('server-limits.ts echoes a small message and is closed with 1009 past maxMessageSize', async () => {
    expect(await serverLimits()).toEqual(['echo: hello', 'too large: 1009']);
  });
});
