import { describe, expect, it } from 'vitest';
import { http2Sample } from '../samples/http2.js';

describe('HTTP/2 sample (docs/http2.md)', () => {
  it('http2.ts runs three WebSockets with permessage-deflate on one HTTP/2 session', async () => {
    expect(await http2Sample()).toEqual([
      'hello 0 (permessage-deflate)',
      'hello 1 (permessage-deflate)',
      'hello 2 (permessage-deflate)',
      'client sessions: 1, server sessions: 1',
    ]);
  });
});
