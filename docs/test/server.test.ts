import { describe, expect, it } from 'vitest';
import { handleUpgradeSample } from '../samples/server-handle-upgrade.js';
import { roomsSample } from '../samples/server-rooms.js';
import { relaySample } from '../samples/relay-text-as-bytes.js';
import { routesSample } from '../samples/server-routes.js';
import { standaloneServer } from '../samples/server-standalone.js';

describe('server samples (docs/server.md)', () => {
  it('server-standalone.ts chooses the subprotocol, refuses a foreign origin with 403 and shuts down with 1001', async () => {
    expect(await standaloneServer()).toEqual(['protocol: chat.v1, echo: hi', 'refused: WK_ERR_HANDSHAKE_STATUS 403', 'client closed: 1001']);
  });

  it('server-handle-upgrade.ts shares a node:http server with plain HTTP', async () => {
    expect(await handleUpgradeSample()).toEqual(['GET /: plain HTTP is answered by you', 'ws echo: upgraded']);
  });

  it('relay-text-as-bytes.ts relays text and binary, the text as bytes', async () => {
    expect(await relaySample()).toEqual(['grace got: héllo ✓', 'grace got bytes: 1,2,3', 'the server saw: text as bytes, binary']);
  });

  it('server-rooms.ts broadcasts to the other members of a room only', async () => {
    expect(await roomsSample()).toEqual(['lobby: 2, kitchen: 1', 'grace got: hello, lobby', 'alan got: nobody else is here']);
  });

  it('server-routes.ts serves a Perfect-style route and refuses a client without its subprotocol', async () => {
    expect(await routesSample()).toEqual(['protocol echo', 'text: hello', 'text: again', 'no subprotocol: WK_ERR_HANDSHAKE_STATUS 400']);
  });
});
