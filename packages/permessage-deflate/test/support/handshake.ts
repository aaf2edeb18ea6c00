import { createHash, randomFillSync } from 'node:crypto';
import { acceptUpgrade, ClientHandshake, ServerHandshake, type ExtensionFactory, type Extension, type ClientHandshakeResult } from '@wirekit/protocol';

export const random = (length: number): Uint8Array => randomFillSync(new Uint8Array(length));
export const sha1 = (data: Uint8Array): Uint8Array => createHash('sha1').update(data).digest();
const latin1 = (text: string): Uint8Array => Uint8Array.from(text, (c) => c.charCodeAt(0));

/** The Sec-WebSocket-Extensions value a client built with `factory` sends. */
export function offeredHeader(factory: ExtensionFactory): string {
  const request = new TextDecoder().decode(new ClientHandshake({ url: 'ws://127.0.0.1/', random, extensions: [factory] }).request());
  return /Sec-WebSocket-Extensions: (.*)\r\n/.exec(request)?.[1] ?? '';
}

/** A client handshake with `factory`, answered by a 101 that carries `extensionsHeader`. */
export function clientReceives(factory: ExtensionFactory, extensionsHeader: string): ClientHandshakeResult {
  const handshake = new ClientHandshake({ url: 'ws://127.0.0.1/', random, sha1, extensions: [factory] });
  const server = new ServerHandshake().receive(handshake.request());
  if (server?.kind !== 'upgrade') throw new Error('request refused');
  const response = new TextDecoder().decode(acceptUpgrade(server.request, { sha1 }).response)
    .replace('\r\n\r\n', extensionsHeader === '' ? '\r\n\r\n' : `\r\nSec-WebSocket-Extensions: ${extensionsHeader}\r\n\r\n`);
  return handshake.receive(latin1(response))!;
}

/** A server answering a client request whose Sec-WebSocket-Extensions is `offer`. */
export function serverAnswers(factory: ExtensionFactory, offer: string): { header: string; extensions: Extension[] } {
  const request = `GET / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Extensions: ${offer}\r\n\r\n`;
  const result = new ServerHandshake().receive(latin1(request));
  if (result?.kind !== 'upgrade') throw new Error(`request refused: ${JSON.stringify(result)}`);
  const accepted = acceptUpgrade(result.request, { sha1, extensions: [factory] });
  return { header: accepted.extensionsHeader, extensions: accepted.extensions };
}

/** Client and server extensions from a real negotiation, in memory. */
export function negotiate(client: ExtensionFactory, server: ExtensionFactory): { client: Extension[]; server: Extension[]; header: string } {
  const handshake = new ClientHandshake({ url: 'ws://127.0.0.1/', random, sha1, extensions: [client] });
  const request = new ServerHandshake().receive(handshake.request());
  if (request?.kind !== 'upgrade') throw new Error('request refused');
  const accepted = acceptUpgrade(request.request, { sha1, extensions: [server] });
  const result = handshake.receive(accepted.response);
  if (result?.kind !== 'accepted') throw new Error(`handshake failed: ${result?.kind === 'rejected' ? result.error.message : 'incomplete'}`);
  return { client: result.extensions, server: accepted.extensions, header: accepted.extensionsHeader };
}
