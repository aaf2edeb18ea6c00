import { createHash, randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { acceptUpgrade } from '../src/accept-upgrade.js';
import { ClientHandshake } from '../src/client-handshake.js';
import { rejectUpgrade } from '../src/reject-upgrade.js';
import { ServerHandshake } from '../src/server-handshake.js';
import type { UpgradeRequest } from '../src/upgrade-request.js';
import { fakeExtensionFactory } from './support/fake-extension.js';
import { chunkings, concatBytes, feedUntilResult } from './support/split.js';

const random = (size: number): Uint8Array => randomBytes(size);
const nodeSha1 = (data: Uint8Array): Uint8Array => createHash('sha1').update(data).digest();
const CLIENT_FRAME = Uint8Array.of(0x81, 0x82, 0x01, 0x02, 0x03, 0x04, 0x49, 0x6b);
const SERVER_FRAME = Uint8Array.of(0x81, 0x02, 0x48, 0x69);

function validRequest(): UpgradeRequest {
  const result = new ServerHandshake().receive(negotiatingClient().client.request());
  if (result?.kind !== 'upgrade') throw new Error('server refused the client request');
  return result.request;
}

/** A client with subprotocols and a fake extension; random() returns zeros, so its request is stable. */
function negotiatingClient(): { client: ClientHandshake; factory: ReturnType<typeof fakeExtensionFactory> } {
  const factory = fakeExtensionFactory('x-fake', { offers: [{ decline: true }, { level: '3' }] });
  const client = new ClientHandshake({
    url: 'ws://x/',
    random: () => new Uint8Array(16),
    protocols: ['v2.chat', 'v1.chat'],
    extensions: [factory],
  });
  return { client, factory };
}

describe('opening handshake round trip, in memory', () => {
  const request = concatBytes([negotiatingClient().client.request(), CLIENT_FRAME]);

  it.each(chunkings(request))('negotiates subprotocol and extension between ClientHandshake and ServerHandshake, request fed $name', ({ chunks }) => {
    const { client, factory: clientFactory } = negotiatingClient();
    const server = new ServerHandshake();
    const received = feedUntilResult(chunks, (chunk) => server.receive(chunk));
    if (received.result?.kind !== 'upgrade') throw new Error(`server refused: ${JSON.stringify(received.result)}`);
    expect(concatBytes([received.result.remainder, received.rest])).toEqual(CLIENT_FRAME);

    const serverFactory = fakeExtensionFactory('x-fake');
    const { request: upgrade } = received.result;
    const accepted = acceptUpgrade(upgrade, { protocol: upgrade.protocols[1]!, extensions: [serverFactory], sha1: nodeSha1 });
    expect(accepted.extensionsHeader).toBe('x-fake; level=3; agreed');

    const result = client.receive(concatBytes([accepted.response, SERVER_FRAME]));
    if (result?.kind !== 'accepted') throw new Error(`client rejected: ${JSON.stringify(result)}`);
    expect(result.protocol).toBe('v1.chat');
    expect(result.protocol).toBe(accepted.protocol);
    expect(result.extensions.map((extension) => extension.name)).toEqual(['x-fake']);
    expect(clientFactory.created[0]?.params).toEqual({ level: '3', agreed: true });
    expect(serverFactory.created[0]?.params).toEqual({ level: '3', agreed: true });
    expect(result.extensionsHeader).toBe(accepted.extensionsHeader);
    expect(result.remainder).toEqual(SERVER_FRAME);
  });

  it.each(chunkings(concatBytes([acceptUpgrade(validRequest(), { protocol: 'v1.chat', extensions: [fakeExtensionFactory('x-fake')] }).response, SERVER_FRAME])))(
    'completes on the client with the 101 response fed $name',
    ({ chunks }) => {
      const { client } = negotiatingClient();
      const outcome = feedUntilResult(chunks, (chunk) => client.receive(chunk));
      if (outcome.result?.kind !== 'accepted') throw new Error(`client rejected: ${JSON.stringify(outcome.result)}`);
      expect(outcome.result.protocol).toBe('v1.chat');
      expect(concatBytes([outcome.result.remainder, outcome.rest])).toEqual(SERVER_FRAME);
    },
  );

  it('hands a server refusal to the client as WK_ERR_HANDSHAKE_STATUS with its status', () => {
    const client = new ClientHandshake({ url: 'wss://example.com/', random });
    const server = new ServerHandshake();
    expect(server.receive(client.request())?.kind).toBe('upgrade');
    const result = client.receive(rejectUpgrade(403, { body: 'origin not allowed' }));
    expect(result?.kind === 'rejected' && [result.error.code, result.status]).toEqual(['WK_ERR_HANDSHAKE_STATUS', 403]);
  });

  it('hands the server\'s own error response to the client as WK_ERR_HANDSHAKE_STATUS', () => {
    const client = new ClientHandshake({ url: 'ws://example.com/', random, maxHeaderBytes: 1024 });
    const server = new ServerHandshake({ maxHeaderBytes: 64 });
    const refusal = server.receive(client.request());
    if (refusal?.kind !== 'invalid') throw new Error('expected a 431');
    const result = client.receive(refusal.response);
    expect(result?.kind === 'rejected' && result.error.status).toBe(431);
  });

  it('agrees for any valid subprotocol list, selection and custom headers', () => {
    const token = fc.stringMatching(/^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,12}$/);
    fc.assert(fc.property(
      fc.uniqueArray(token, { maxLength: 5 }),
      fc.nat(),
      fc.dictionary(fc.stringMatching(/^x-[a-z]{1,8}$/), fc.stringMatching(/^[\x20-\x7e]{0,20}$/), { maxKeys: 3 }),
      fc.constantFrom('ws://example.com/', 'wss://[::1]:8443/p?q=1', 'http://a.example:81'),
      (protocols, pick, headers, url) => {
        const client = new ClientHandshake({ url, random, protocols, headers, sha1: nodeSha1 });
        const received = new ServerHandshake().receive(client.request());
        if (received?.kind !== 'upgrade') throw new Error(`server refused: ${JSON.stringify(received)}`);
        expect(received.request.protocols).toEqual(protocols);
        for (const [name, value] of Object.entries(headers)) expect(received.request.headers.get(name)).toBe(value.trim());
        const protocol = protocols.length === 0 ? '' : protocols[pick % protocols.length]!;
        const result = client.receive(acceptUpgrade(received.request, { protocol }).response);
        expect(result?.kind === 'accepted' && result.protocol).toBe(protocol);
      },
    ), { numRuns: 300 });
  });
});
